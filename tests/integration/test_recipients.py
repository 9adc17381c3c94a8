"""One decision reaches each person once: a person who holds several of the roles a message is
addressed to gets it once, naming every reason, and what falls due for one person about one
incident in one engine pass goes out as one message. Real databases, the example policy, a
frozen clock.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.notification import DeliveryState, Kind, Notification
from radar.domain.roles import Role
from radar.services.incidents import Declaration
from tests.conftest import EXAMPLE_POLICY, make_principal
from tests.integration.test_calm import madrid, notes, until
from tests.integration.test_engine import run


def to(ns: list[Notification], address: str, kind: Kind | None = None) -> list[Notification]:
    return [
        n
        for n in ns
        if n.address == address
        and n.state is DeliveryState.SENT
        and (kind is None or n.kind is kind)
    ]


def records(c: Container) -> list[dict[str, object]]:
    """What the record channel got: one line per notification, with its bundle's size."""
    path = Path(c.settings.notify_record_file)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def sends_to(c: Container, address: str) -> list[tuple[str, int]]:
    """(sent_at, notifications in that message) of every message ``address`` got: a bundle's
    lines share one send."""
    seen: dict[tuple[str, str], int] = {}
    for r in records(c):
        if r["address"] == address:
            key = (str(r["sent_at"]), str(r["key"]) if r["bundle"] == 1 else "bundle")
            seen[key] = int(str(r["bundle"]))
    return [(at, size) for (at, _), size in seen.items()]


def test_the_engineering_manager_who_reports_a_sev2_gets_one_roles_nudge(
    container: Container, clock: FrozenClock
) -> None:
    clock.advance(madrid("2026-12-14", "10:00") - clock.now())
    laura = make_principal(container, "laura")  # the policy's Laura: checkout's manager
    container.incidents.declare(laura, Declaration("Checkout down", "checkout", "sev2"))
    container.incidents.acknowledge(laura, "INC-1")
    until(container, clock, clock.now() + _minutes(15))
    nudges = to(notes(container, "INC-1", laura), "laura", Kind.REMINDER)
    assert len(nudges) == 1
    (nudge,) = nudges
    assert nudge.label == "Laura Gómez (reporter; engineering manager, Payments)"
    assert "You get this as the reporter and the engineering manager." in nudge.body
    line = next(
        e.message or ""
        for e in container.incidents.get(laura, "INC-1").timeline
        if e.kind == "reminded" and "needs communications lead" in (e.message or "")
    )
    assert line.count("Laura Gómez") == 1


def test_a_communications_lead_who_is_also_the_commander_gets_one_overdue_reminder(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    clock.advance(madrid("2026-12-14", "10:00") - clock.now())
    container.incidents.declare(responder, Declaration("Checkout down", "checkout", "sev2"))
    container.incidents.acknowledge(responder, "INC-1")
    for role in (Role.COMMUNICATIONS_LEAD, Role.COMMANDER):
        # One by id, one by name: the same person however the role was written.
        who = "maria" if role is Role.COMMANDER else "María Ruiz"
        container.incidents.assign_role(responder, "INC-1", role=role, assignee=who)
    until(container, clock, clock.now() + _minutes(61))
    overdue = [
        n
        for n in notes(container, "INC-1", responder)
        if n.kind is Kind.REMINDER and "overdue" in n.body and n.state is DeliveryState.SENT
    ]
    assert len(overdue) == 1
    assert overdue[0].label == "María Ruiz (communications lead; commander)"
    assert "You get this as the communications lead and the commander." in overdue[0].body
    plan = container.engine.plan(responder, "INC-1").items
    reminder = next(i for i in plan if i.timer.kind.value == "update_overdue")
    assert reminder.action.count("is messaged on Slack") == 1


def test_a_step_to_the_engineering_manager_and_the_team_lead_calls_one_person_once(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    """Laura is Payments' engineering manager and, in this policy, its team lead; Sev1's first
    step calls both roles. She gets one call, through the most urgent channel either asks for."""
    text = EXAMPLE_POLICY.read_text()
    text = text.replace("    team_lead: sam\n", "    team_lead: laura\n", 1)
    text = text.replace(
        '            - target: "slack:#radar"\n        - after: 5m',
        '            - target: "slack:#radar"\n            - target: team_lead\n'
        "              via: [sms, email]\n        - after: 5m",
        1,
    )
    container.policies.apply(text, filename="policy.yaml", author="test")
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    run(container)
    sent = to(notes(container, "INC-1", responder), "laura")
    assert len(sent) == 1
    (call,) = sent
    assert [c.value for c in call.channels] == ["phone", "sms", "email"]
    assert call.label == "Laura Gómez (engineering manager, Payments; team lead, Payments)"
    step = next(
        e.message or ""
        for e in container.incidents.get(responder, "INC-1").timeline
        if e.kind == "escalated"
    )
    assert step.count("Laura Gómez") == 1
    assert "Calling Laura Gómez (engineering manager, Payments; team lead, Payments)" in step


def test_an_update_due_and_a_missing_role_at_the_same_instant_go_as_one_message(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    """A Sev1 expects an update every 15 minutes and its roles within 15: at +15 minutes both
    fall due for Laura, the engineering manager. One Slack message names both, and her timeline
    says once that it went."""
    clock.advance(madrid("2026-12-14", "10:00") - clock.now())
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    container.incidents.acknowledge(responder, "INC-1")
    run(container)
    until(container, clock, clock.now() + _minutes(15))
    reminders = to(notes(container, "INC-1", responder), "laura", Kind.REMINDER)
    assert len(reminders) == 2
    assert reminders[0].sent_at == reminders[1].sent_at
    assert sends_to(container, "laura") == [(sends_to(container, "laura")[0][0], 2)]
    bundle = [r for r in records(container) if r["address"] == "laura"]
    assert [str(r["body"]).split(":")[0] for r in bundle] == [
        "An update is due",
        "Sev1 - Critical needs commander, communications lead; nobody is assigned yet",
    ]
    lines = [
        e
        for e in container.incidents.get(responder, "INC-1").timeline
        if e.kind == "delivery" and "Laura" in (e.message or "")
    ]
    assert len(lines) == 1
    assert "in one message with 1 other notification" in (lines[0].message or "")


def test_decisions_split_across_claims_still_go_as_one(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    """A worker with one free sender claims one notification at a time: the other one decided
    for the same person in the same pass is taken along, not sent a second later."""
    clock.advance(madrid("2026-12-14", "10:00") - clock.now())
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    container.incidents.acknowledge(responder, "INC-1")
    run(container)
    clock.advance(_minutes(15))
    while container.engine.fire_due():
        pass
    claimed = container.engine.claim("one-sender", 1)
    assert claimed.taken == 2
    (message,) = claimed.batches
    assert len(message.members) == 2
    assert {m.address for m in message.members} == {"laura"}


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
