"""Every allowed and every refused transition of the incident lifecycle, without a database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from radar.domain import incident as inc
from radar.domain.errors import InvalidTransition
from radar.domain.incident import Actor, Incident
from radar.domain.lifecycle import ALLOWED_ACTIONS, STATUS_CHANGES, Action, Status
from radar.domain.roles import Role
from radar.policyfile import load

POLICY = load.load(
    (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text(), "policy.yaml"
)
T0 = datetime(2026, 11, 27, 23, 10, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)
ANA = Actor("Ana")


def incident_in(status: Status) -> Incident:
    base, _ = inc.declare(
        POLICY, title="Checkout down", service="checkout", severity="sev2", actor=ANA, now=T0
    )
    return replace(base, id=7, status=status)


def _some_status_change(status: Status) -> Status:
    """A status this one may move to, or (where none is allowed) one it may not."""
    return min(STATUS_CHANGES[status], default=Status.INVESTIGATING)


ACTIONS: dict[Action, Callable[[Incident], inc.Change]] = {
    Action.ACKNOWLEDGE: lambda i: inc.acknowledge(i, ANA, LATER),
    Action.POST_UPDATE: lambda i: inc.post_update(i, ANA, LATER, message="Still investigating."),
    Action.CHANGE_STATUS: lambda i: inc.post_update(
        i, ANA, LATER, message="Found it", status=_some_status_change(i.status)
    ),
    Action.CHANGE_SEVERITY: lambda i: inc.change_severity(
        POLICY, i, ANA, LATER, severity="sev1", reason="customer data exposed"
    ),
    Action.ASSIGN_ROLE: lambda i: inc.assign_role(
        i, ANA, LATER, role=Role.COMMUNICATIONS_LEAD, assignee="Laura"
    ),
    Action.RESOLVE: lambda i: inc.resolve(i, ANA, LATER, summary="Rolled back the deploy"),
    Action.REOPEN: lambda i: inc.reopen(i, ANA, LATER, reason="It is back"),
    Action.CLOSE: lambda i: inc.close(i, ANA, LATER),
    Action.DECLINE: lambda i: inc.decline(i, ANA, LATER, reason="A single customer's typo"),
    Action.REPORT_ANYWAY: lambda i: inc.report_anyway(
        POLICY, i, ANA, LATER, severity="sev3", reason="Three customers wrote in"
    ),
}

ALLOWED = [(s, a) for s in Status for a in Action if a in ALLOWED_ACTIONS[s]]
REFUSED = [(s, a) for s in Status for a in Action if a not in ALLOWED_ACTIONS[s]]


def test_every_action_has_a_decision() -> None:
    assert set(ACTIONS) == set(Action)


@pytest.mark.parametrize(("status", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
def test_allowed_action_changes_the_incident_and_explains_why(
    status: Status, action: Action
) -> None:
    if action is Action.CHANGE_STATUS and not STATUS_CHANGES[status]:
        pytest.fail(f"{status} allows change_status but has no status to change to")
    before = incident_in(status)
    after, events = ACTIONS[action](before)
    assert events, "an allowed action must leave a timeline entry"
    assert after.version == before.version + 1
    assert after.updated_at == LATER
    assert all(e.at == LATER and e.actor == ANA for e in events)


@pytest.mark.parametrize(("status", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_refused_action_names_the_status_and_what_is_allowed(
    status: Status, action: Action
) -> None:
    with pytest.raises(InvalidTransition) as refused:
        ACTIONS[action](incident_in(status))
    assert refused.value.current_status == status.value
    assert list(refused.value.allowed_actions) == [
        a.value for a in Action if a in ALLOWED_ACTIONS[status]
    ]
    assert status.value in refused.value.message


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("target", [s for s in Status if s not in (Status.RESOLVED,)])
def test_status_update_moves_only_along_the_lifecycle(status: Status, target: Status) -> None:
    incident = incident_in(status)
    if target == status and Action.POST_UPDATE in ALLOWED_ACTIONS[status]:
        after, events = inc.post_update(incident, ANA, LATER, message="x", status=target)
        assert after.status == status
        assert [e.kind for e in events] == ["update_posted"]
    elif target in STATUS_CHANGES[status]:
        after, events = inc.post_update(incident, ANA, LATER, message="x", status=target)
        assert after.status == target
        assert [e.kind for e in events] == ["update_posted", "status_changed"]
    else:
        with pytest.raises(InvalidTransition):
            inc.post_update(incident, ANA, LATER, message="x", status=target)


def test_closed_allows_nothing_and_declined_only_reporting_anyway() -> None:
    assert not ALLOWED_ACTIONS[Status.CLOSED]
    assert ALLOWED_ACTIONS[Status.DECLINED] == {Action.REPORT_ANYWAY}
    for status in (Status.CLOSED, Status.DECLINED):
        assert not STATUS_CHANGES[status]


def test_a_declined_report_reported_anyway_is_back_in_triage_at_the_chosen_level() -> None:
    declined, _ = inc.decline(incident_in(Status.REPORTED), ANA, T0, reason="A typo")
    after, events = inc.report_anyway(
        POLICY, declined, ANA, LATER, severity="sev2", reason="Every checkout fails"
    )
    assert (after.status, after.severity) == (Status.REPORTED, "sev2")
    assert after.closed_at is None
    assert after.decline_reason is None
    entry = events[0].entry()
    assert (entry.kind, entry.field, entry.new, entry.message) == (
        "reported_anyway",
        "severity",
        "sev2",
        "Every checkout fails",
    )


def test_refusals_name_what_is_allowed_in_words() -> None:
    with pytest.raises(InvalidTransition) as refused:
        inc.acknowledge(incident_in(Status.RESOLVED), ANA, LATER)
    assert refused.value.message == (
        "cannot acknowledge INC-7: it is resolved; "
        "allowed now: post an update, assign a role, reopen, close"
    )
    with pytest.raises(InvalidTransition) as moved:
        inc.post_update(
            incident_in(Status.RESOLVED), ANA, LATER, message="x", status=Status.MONITORING
        )
    assert "allowed now: post an update, assign a role, reopen, close" in moved.value.message


def test_reported_is_the_only_status_that_can_be_declined() -> None:
    assert [s for s in Status if Action.DECLINE in ALLOWED_ACTIONS[s]] == [Status.REPORTED]


def test_resolved_is_the_only_status_that_can_be_reopened_or_closed() -> None:
    for action in (Action.REOPEN, Action.CLOSE):
        assert [s for s in Status if action in ALLOWED_ACTIONS[s]] == [Status.RESOLVED]
