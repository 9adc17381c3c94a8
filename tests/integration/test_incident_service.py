"""Incident use cases on real databases: one transaction per change, nothing lost under load."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal, UserRole
from radar.domain.errors import Conflict, Forbidden, InvalidTransition, NotFound
from radar.domain.incident import Via
from radar.domain.lifecycle import Status
from radar.domain.listing import IncidentFilter
from radar.domain.roles import Role
from radar.services.incidents import Declaration
from tests.conftest import make_principal

SEV2 = Declaration(title="Checkout down", service="checkout", severity="sev2")


def test_a_day_in_the_life_of_an_incident(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    svc = container.incidents
    incident = svc.declare(responder, SEV2, Via.CLI)
    assert incident.reference == "INC-1"
    assert incident.reporter == "Ana"
    clock.advance(timedelta(minutes=4))
    svc.acknowledge(responder, "INC-1", Via.CLI)
    svc.post_update(responder, "1", message="Looking.", status=Status.INVESTIGATING)
    svc.assign_role(responder, "inc-1", role=Role.COMMUNICATIONS_LEAD, assignee="Laura")
    svc.change_severity(responder, "INC-1", severity="sev3", reason="only one region")
    clock.advance(timedelta(minutes=30))
    svc.resolve(responder, "INC-1", summary="Rolled back")
    detail = svc.get(responder, "INC-1")
    assert detail.incident.status is Status.RESOLVED
    assert detail.incident.roles == {Role.COMMUNICATIONS_LEAD: "laura"}  # the person's id
    ack = detail.incident.acknowledgement
    assert ack is not None
    assert (ack.by, ack.via) == ("Ana", Via.CLI)
    assert ack.at == detail.incident.declared_at + timedelta(minutes=4)
    assert [e.kind for e in detail.timeline if e.via != "engine"] == [
        "declared",
        "acknowledged",
        "update_posted",
        "status_changed",
        "role_assigned",
        "severity_changed",
        "resolved",
    ]
    assert detail.incident.policy_version == container.policies.current().id


def test_refused_transition_changes_nothing(container: Container, responder: Principal) -> None:
    svc = container.incidents
    svc.declare(responder, SEV2)
    svc.resolve(responder, "INC-1", summary="Fixed")
    before = svc.get(responder, "INC-1")
    with pytest.raises(InvalidTransition):
        svc.decline(responder, "INC-1", reason="not an incident")
    assert svc.get(responder, "INC-1") == before


def test_viewers_read_but_do_not_change(
    container: Container, responder: Principal, viewer: Principal
) -> None:
    container.incidents.declare(responder, SEV2)
    assert container.incidents.get(viewer, "INC-1").incident.title == "Checkout down"
    with pytest.raises(Forbidden):
        container.incidents.acknowledge(viewer, "INC-1")
    assert container.incidents.declare(viewer, SEV2).reference == "INC-2"  # anyone may report
    closed = replace(viewer, viewers_may_report=False)  # RADAR_VIEWERS_MAY_REPORT=false
    with pytest.raises(Forbidden, match="RADAR_VIEWERS_MAY_REPORT"):
        container.incidents.declare(closed, SEV2)


def test_a_report_kept_as_not_an_incident_stays_visible_to_its_reporter(
    container: Container, responder: Principal, viewer: Principal
) -> None:
    """Its reporter takes part in it, as in any report: a restricted one stays theirs to see."""
    kept = container.incidents.report_not_an_incident(
        viewer, replace(SEV2, restricted=True), reason="A typo on the help page"
    )
    detail = container.incidents.get(viewer, kept.reference)
    assert detail.incident.status is Status.DECLINED
    assert (viewer.user.username, "reporter") in detail.participants
    with pytest.raises(NotFound):  # a responder who takes no part in it does not see it
        container.incidents.get(responder, kept.reference)


def test_unknown_incident_is_not_found(container: Container, responder: Principal) -> None:
    for ref in ("INC-99", "99", "banana", "INC-"):
        with pytest.raises(NotFound):
            container.incidents.get(responder, ref)


def test_declaring_without_a_policy_says_how_to_apply_one(db_url: str, clock: FrozenClock) -> None:
    from radar.bootstrap import build
    from radar.settings import Settings

    bare = build(Settings(database_url=db_url), clock=clock)
    try:
        who = make_principal(bare, "ana")
        with pytest.raises(Conflict, match="radar policy apply"):
            bare.incidents.declare(who, SEV2)
    finally:
        bare.close()


def test_listing_filters_and_pages_newest_first(container: Container, responder: Principal) -> None:
    svc = container.incidents
    for n in range(7):
        svc.declare(
            responder,
            Declaration(
                title=f"Problem {n} {'100%_off' if n == 3 else ''}",
                service="catalog" if n % 2 else "checkout",
                severity="sev3" if n < 5 else "sev2",
            ),
        )
    svc.decline(responder, "INC-2", reason="A single customer typo")
    every = IncidentFilter()
    first = svc.list(responder, every, limit=3)
    assert [i.reference for i in first.items] == ["INC-7", "INC-6", "INC-5"]
    second = svc.list(responder, every, limit=3, cursor=first.next_cursor)
    assert [i.reference for i in second.items] == ["INC-4", "INC-3", "INC-2"]
    last = svc.list(responder, every, limit=3, cursor=second.next_cursor)
    assert [i.reference for i in last.items] == ["INC-1"]
    assert last.next_cursor is None

    def refs(flt: IncidentFilter) -> list[str]:
        return [i.reference for i in svc.list(responder, flt).items]

    assert refs(IncidentFilter(services=("catalog",))) == ["INC-6", "INC-4", "INC-2"]
    assert refs(IncidentFilter(severities=("sev2",))) == ["INC-7", "INC-6"]
    assert refs(IncidentFilter(open=False)) == ["INC-2"]
    assert refs(IncidentFilter(statuses=(Status.DECLINED,))) == ["INC-2"]
    assert refs(IncidentFilter(text="customer TYPO")) == ["INC-2"]  # decline reasons too
    assert refs(IncidentFilter(text="100%_")) == ["INC-4"]  # LIKE wildcards are literal
    assert refs(IncidentFilter(text="problem 5")) == ["INC-6"]


def _in_threads(n: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def run(i: int) -> None:
        start.wait()
        try:
            work(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_concurrent_declarations_get_distinct_references(
    container: Container, responder: Principal
) -> None:
    made: list[str] = []
    errors = _in_threads(
        12,
        lambda i: made.append(container.incidents.declare(responder, SEV2).reference),
    )
    assert errors == []
    assert sorted(made) == sorted(f"INC-{n}" for n in range(1, 13))


def test_concurrent_changes_to_one_incident_lose_nothing(
    container: Container, responder: Principal
) -> None:
    svc = container.incidents
    svc.declare(responder, SEV2)
    levels = ["sev1", "sev3", "sev4", "sev2"]
    for i in range(1, 24, 3):  # a role goes only to someone Radar knows: an account each
        container.accounts.create_user(f"person{i}", role=UserRole.RESPONDER)

    def work(i: int) -> None:
        if i % 3 == 0:
            svc.post_update(responder, "INC-1", message=f"update {i}")
        elif i % 3 == 1:
            svc.assign_role(responder, "INC-1", role=Role.DEPUTY, assignee=f"person{i}")
        else:
            current = svc.get(responder, "INC-1").incident.severity
            target = next(level for level in levels if level != current)
            try:
                svc.change_severity(responder, "INC-1", severity=target, reason=f"r{i}")
            except Exception as exc:  # someone else may have moved it to `target` first
                if "already" not in str(exc):
                    raise

    errors = _in_threads(24, work)
    assert errors == []
    detail = svc.get(responder, "INC-1")
    changes = [e for e in detail.timeline if e.kind != "declared" and e.via != "engine"]
    # Every change bumped the version exactly once: no update was applied to a stale copy.
    assert detail.incident.version == 1 + len(changes)
    assert len([e for e in changes if e.kind == "update_posted"]) == 8
    assert len([e for e in changes if e.kind == "role_assigned"]) == 8
    # The timeline's chain of values is unbroken: each change starts where the last one ended.
    for field in ("severity", "roles.deputy"):
        chain = [e for e in detail.timeline if e.field == field]
        for before, after in itertools.pairwise(chain):
            assert after.old == before.new
    assert chain[-1].new == detail.incident.roles[Role.DEPUTY]


def test_in_memory_sqlite_works_for_experiments(clock: FrozenClock) -> None:
    from radar.bootstrap import build
    from radar.settings import Settings
    from tests.conftest import EXAMPLE_POLICY

    memory = build(Settings(database_url="sqlite://"), clock=clock)
    try:
        memory.database.upgrade()
        memory.policies.apply(EXAMPLE_POLICY.read_text(), filename="p.yaml", author="t")
        who = make_principal(memory, "ana")
        assert memory.incidents.declare(who, SEV2).reference == "INC-1"
        assert memory.incidents.get(who, "INC-1").incident.title == "Checkout down"
    finally:
        memory.close()
