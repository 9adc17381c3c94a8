"""Calm by construction: Radar wakes people only when the process says so, and never late for a
Sev1. Scenarios on real databases with the example policy and a frozen clock moved by hand.

The example policy's teams work in Madrid (UTC+1 in winter): Monday to Thursday 09:00-18:00,
Friday 09:00-15:00. Payments (checkout, accounts) has Laura as engineering manager and Sam as
team lead; Discovery (catalog, notifications) has David and Ana.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.notification import DeliveryState, Kind, Notification
from radar.services.incidents import Declaration
from tests.integration.test_engine import engine_lines, run

MADRID = ZoneInfo("Europe/Madrid")


def madrid(day: str, hhmm: str) -> datetime:
    """An instant given as Madrid local time: ``madrid("2026-12-14", "10:00")``."""
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=MADRID).astimezone(UTC)


def until(c: Container, clock: FrozenClock, when: datetime) -> None:
    """Let the engine run, due time after due time, up to ``when`` (as a worker would)."""
    run(c)
    while True:
        due = c.engine.next_due()
        if due is None or due > when:
            break
        clock.advance(max(due - clock.now(), timedelta(0)))
        run(c)
    clock.advance(max(when - clock.now(), timedelta(0)))
    run(c)


def notes(c: Container, ref: str, p: Principal) -> list[Notification]:
    return c.engine.plan(p, ref).notifications


def people(ns: list[Notification]) -> list[Notification]:
    """Sent messages that reached a person (not a channel)."""
    return [
        n
        for n in ns
        if n.state is DeliveryState.SENT and not n.target.startswith(("slack:", "email:"))
    ]


def calls(ns: list[Notification]) -> list[Notification]:
    return [n for n in people(ns) if n.channels[0].value == "phone"]


def working(at: datetime) -> bool:
    local = at.astimezone(MADRID)
    closes = 15 if local.weekday() == 4 else 18
    return local.weekday() < 5 and 9 <= local.hour < closes


def severity_of(c: Container, ref: str, p: Principal) -> str:
    return c.incidents.get(p, ref).incident.severity


@pytest.fixture
def monday(clock: FrozenClock) -> FrozenClock:
    """Monday 14 December 2026, 10:00 in Madrid: a plain working day."""
    clock.advance(madrid("2026-12-14", "10:00") - clock.now())
    return clock


# -- Upgrades ---------------------------------------------------------------------------------


def test_an_unattended_sev3_is_upgraded_in_the_morning_not_at_closing_time(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    """8 working hours from Monday 10:00 end at 18:00, closing time: the upgrade waits for
    Tuesday 09:00, so nobody's evening or night starts a Sev2 and then a Sev1 response."""
    container.incidents.declare(responder, Declaration("Emails not sent", "notifications", "sev3"))
    until(container, monday, madrid("2026-12-15", "08:59"))
    assert severity_of(container, "INC-1", responder) == "sev3"
    until(container, monday, madrid("2026-12-15", "09:00"))
    assert severity_of(container, "INC-1", responder) == "sev2"
    upgrade = next(
        e for e in container.incidents.get(responder, "INC-1").timeline if e.new == "sev2"
    )
    assert "it waited for the next working start" in (upgrade.message or "")
    until(container, monday, madrid("2026-12-16", "09:00"))
    for n in people(notes(container, "INC-1", responder)):
        assert n.sent_at is not None
        assert working(n.sent_at), (n.label, n.sent_at)


@pytest.mark.parametrize(
    ("declared", "due", "upgraded"),
    [
        # Thursday 16:00 + 8 working hours = Friday 15:00, Friday's closing time.
        (("2026-12-17", "16:00"), ("2026-12-18", "15:00"), ("2026-12-21", "09:00")),
        # Monday 09:30 + 8 working hours = 17:30, within the last hour of the day.
        (("2026-12-14", "09:30"), ("2026-12-14", "17:30"), ("2026-12-15", "09:00")),
        # Monday 09:00 + 8 working hours = 17:00: an hour before closing counts as near.
        (("2026-12-14", "09:00"), ("2026-12-14", "17:00"), ("2026-12-15", "09:00")),
        # Friday 13:59 + 8 working hours = Monday 15:59: two hours before closing, at once.
        (("2026-12-11", "13:59"), ("2026-12-14", "15:59"), ("2026-12-14", "15:59")),
    ],
)
def test_a_working_time_upgrade_near_closing_waits_for_the_next_working_start(
    container: Container,
    responder: Principal,
    clock: FrozenClock,
    declared: tuple[str, str],
    due: tuple[str, str],
    upgraded: tuple[str, str],
) -> None:
    clock.advance(madrid(*declared) - clock.now())
    container.incidents.declare(responder, Declaration("Emails not sent", "notifications", "sev3"))
    until(container, clock, madrid(*upgraded) - timedelta(seconds=1))
    assert severity_of(container, "INC-1", responder) == "sev3"
    until(container, clock, madrid(*upgraded))
    assert severity_of(container, "INC-1", responder) == "sev2"
    assert madrid(*due) <= madrid(*upgraded)


def test_a_persons_downgrade_with_a_reason_stops_automatic_upgrades(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    """Declared Sev2, moved down to Sev3 by a person: Radar does not climb back up on its own,
    however long it stays open; a person still can."""
    container.incidents.declare(responder, Declaration("Slow checkout", "checkout", "sev2"))
    until(container, monday, monday.now() + timedelta(minutes=5))
    container.incidents.change_severity(
        responder, "INC-1", severity="sev3", reason="only one payment method is slow"
    )
    timeline = container.incidents.get(responder, "INC-1").timeline
    down = next(e for e in timeline if e.kind == "severity_changed")
    assert "Radar will not upgrade it again on its own" in (down.message or "")
    until(container, monday, monday.now() + timedelta(days=7))
    assert severity_of(container, "INC-1", responder) == "sev3"
    assert calls(notes(container, "INC-1", responder)) == []
    plan = container.engine.plan(responder, "INC-1")
    assert all(i.kind != "upgrade" for i in plan.items)
    container.incidents.change_severity(responder, "INC-1", severity="sev2", reason="worse")
    assert severity_of(container, "INC-1", responder) == "sev2"


def test_an_upgrade_keeps_the_acknowledgement_and_calls_nobody_again(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    """Acknowledged, then silent past the cadence: Sev2 becomes Sev1 after 4 hours, as today,
    but the people on it are not called again; #radar hears of it."""
    container.incidents.declare(responder, Declaration("Checkout down", "checkout", "sev2"))
    until(container, monday, monday.now() + timedelta(minutes=3))
    container.incidents.acknowledge(responder, "INC-1")
    until(container, monday, monday.now() + timedelta(hours=4))
    detail = container.incidents.get(responder, "INC-1")
    assert detail.incident.severity == "sev1"
    assert detail.incident.acknowledgement is not None
    upgrade = next(e for e in detail.timeline if e.kind == "severity_changed")
    assert "Still acknowledged by Ana" in (upgrade.message or "")
    assert calls(notes(container, "INC-1", responder)) == []
    posts = [n.target for n in notes(container, "INC-1", responder) if n.level == "sev1"]
    assert "slack:#radar" in posts


def test_an_incident_being_worked_on_gets_its_upgrade_proposed_not_imposed(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    container.incidents.declare(responder, Declaration("Checkout down", "checkout", "sev2"))
    until(container, monday, monday.now() + timedelta(minutes=3))
    container.incidents.acknowledge(responder, "INC-1")
    for _ in range(16):  # an update every 20 minutes, inside the 30-minute cadence
        until(container, monday, monday.now() + timedelta(minutes=20))
        container.incidents.post_update(responder, "INC-1", message="still on it")
    until(container, monday, madrid("2026-12-14", "14:05"))
    detail = container.incidents.get(responder, "INC-1")
    assert detail.incident.severity == "sev2"
    assert detail.incident.proposed_severity == "sev1"
    proposals = [n for n in notes(container, "INC-1", responder) if n.kind is Kind.PROPOSAL]
    assert [(n.address, n.channels[0].value, n.state) for n in proposals] == [
        ("laura", "slack", DeliveryState.SENT)
    ]
    assert "accept or decline" in proposals[0].body
    assert calls(notes(container, "INC-1", responder)) == []
    # Nobody answers, the work goes on: no upgrade, and no second message about it.
    for _ in range(12):
        until(container, monday, monday.now() + timedelta(minutes=20))
        container.incidents.post_update(responder, "INC-1", message="still on it")
    assert severity_of(container, "INC-1", responder) == "sev2"
    later = [n for n in notes(container, "INC-1", responder) if n.kind is Kind.PROPOSAL]
    assert len(later) == 1
    # A person accepts: it is their decision, and the level moves.
    container.incidents.answer_upgrade(responder, "INC-1", accept=True)
    detail = container.incidents.get(responder, "INC-1")
    assert detail.incident.severity == "sev1"
    assert detail.incident.proposed_severity is None
    moves = [e for e in detail.timeline if e.kind == "severity_changed"]
    assert [(e.actor, e.new) for e in moves] == [("Ana", "sev1")]


def test_a_declined_upgrade_is_asked_again_only_after_another_interval(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    container.incidents.declare(responder, Declaration("Checkout down", "checkout", "sev2"))
    container.incidents.acknowledge(responder, "INC-1")
    for _ in range(12):
        until(container, monday, monday.now() + timedelta(minutes=20))
        container.incidents.post_update(responder, "INC-1", message="on it")
    until(container, monday, monday.now() + timedelta(minutes=1))
    assert container.incidents.get(responder, "INC-1").incident.proposed_severity == "sev1"
    container.incidents.answer_upgrade(responder, "INC-1", accept=False)
    detail = container.incidents.get(responder, "INC-1")
    assert detail.incident.proposed_severity is None
    assert detail.timeline[-1].kind == "upgrade_declined"
    # Silence after the decline: 4 hours later, nobody updating, it is upgraded.
    until(container, monday, monday.now() + timedelta(hours=3, minutes=59))
    assert severity_of(container, "INC-1", responder) == "sev2"
    until(container, monday, monday.now() + timedelta(minutes=1))
    assert severity_of(container, "INC-1", responder) == "sev1"


# -- Send windows and the second decision ----------------------------------------------------


def test_a_sev1_call_is_not_held_behind_the_same_managers_sev2_call(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    container.incidents.declare(responder, Declaration("Checkout slow", "checkout", "sev2"))
    until(container, monday, monday.now() + timedelta(minutes=10))
    assert [n.address for n in calls(notes(container, "INC-1", responder))] == ["laura"]
    until(container, monday, monday.now() + timedelta(seconds=30))
    declared = monday.now()
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    run(container)
    sev1 = calls(notes(container, "INC-2", responder))
    assert [n.address for n in sev1] == ["laura"]
    assert sev1[0].sent_at is not None
    assert sev1[0].sent_at - declared <= timedelta(seconds=60)


def test_pages_held_for_one_person_go_as_one_call_most_severe_first(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    """A Sev1 call opens Laura's window; a Sev2 call and a second Sev1 call decided within the
    minute wait, then go as one call that names the Sev1 first."""
    container.incidents.declare(responder, Declaration("Checkout slow", "checkout", "sev2"))
    until(container, monday, monday.now() + timedelta(minutes=9, seconds=50))
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    run(container)  # Laura is called for INC-2 (Sev1); her window is open for a minute
    until(container, monday, monday.now() + timedelta(seconds=10))  # INC-1's Sev2 call: held
    container.incidents.declare(responder, Declaration("Data exposed", "checkout", "sev1"))
    run(container)  # INC-3's Sev1 call: held behind INC-2's Sev1 call (same level)
    until(container, monday, monday.now() + timedelta(minutes=1))
    held = [calls(notes(container, ref, responder))[0] for ref in ("INC-1", "INC-3")]
    assert held[0].sent_at == held[1].sent_at
    timeline = container.incidents.get(responder, "INC-3").timeline
    said = [
        e.message or "" for e in timeline if e.kind == "delivery" and "Laura" in (e.message or "")
    ]
    assert len(said) == 1
    assert "in one message with 1 other notification" in said[0]
    lines = Path(container.settings.notify_record_file).read_text().splitlines()
    bundle = [r for r in map(json.loads, lines) if r["bundle"] == 2]
    assert [(r["incident_id"], r["channels"][0]) for r in bundle] == [(3, "phone"), (1, "phone")]


def test_a_sev1_call_takes_the_pages_held_for_that_person_along(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    """Two Sev2 calls for Laura 10 s apart: the second waits for the window. A Sev1 declared
    meanwhile goes at once, and the held Sev2 call rides along in it, the Sev1 named first."""
    start = monday.now()
    container.incidents.declare(responder, Declaration("Checkout slow", "checkout", "sev2"))
    until(container, monday, start + timedelta(seconds=10))
    container.incidents.declare(responder, Declaration("Payments slow", "checkout", "sev2"))
    until(container, monday, start + timedelta(minutes=10, seconds=10))  # 2nd call held
    assert calls(notes(container, "INC-2", responder)) == []
    until(container, monday, start + timedelta(minutes=10, seconds=40))
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    run(container)
    sev1 = calls(notes(container, "INC-3", responder))
    rode = calls(notes(container, "INC-2", responder))
    assert [n.sent_at for n in sev1] == [monday.now()]
    assert [n.sent_at for n in rode] == [monday.now()]
    lines = Path(container.settings.notify_record_file).read_text().splitlines()
    bundle = [r for r in map(json.loads, lines) if r["bundle"] == 2]
    assert [r["incident_id"] for r in bundle] == [3, 2]


def test_a_message_settled_unsent_does_not_hold_the_next_one(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    """A held duplicate resolved before its turn is dropped when its turn comes, without
    taking Laura's window: the Sev2 call that follows ten seconds later is not held."""
    start = monday.now()
    until(container, monday, start + timedelta(seconds=10))
    container.incidents.declare(responder, Declaration("Checkout slow", "checkout", "sev2"))
    until(container, monday, start + timedelta(minutes=9))
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    until(container, monday, start + timedelta(minutes=9, seconds=20))
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    until(container, monday, start + timedelta(minutes=9, seconds=40))
    container.incidents.resolve(responder, "INC-3", summary="Duplicate of INC-2")
    until(container, monday, start + timedelta(minutes=10, seconds=30))
    assert calls(notes(container, "INC-3", responder)) == []
    (sev2,) = calls(notes(container, "INC-1", responder))
    assert sev2.sent_at == start + timedelta(minutes=10, seconds=10)


def test_a_call_held_by_the_window_is_not_made_once_the_incident_is_resolved(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    run(container)
    until(container, monday, monday.now() + timedelta(seconds=20))
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    run(container)  # held: Laura was called 20 s ago for INC-1
    until(container, monday, monday.now() + timedelta(seconds=20))
    container.incidents.resolve(responder, "INC-2", summary="Duplicate of INC-1")
    until(container, monday, monday.now() + timedelta(minutes=2))
    assert calls(notes(container, "INC-2", responder)) == []
    timeline = container.incidents.get(responder, "INC-2").timeline
    resolved = next(i for i, e in enumerate(timeline) if e.kind == "resolved")
    assert not any(e.kind == "delivery" for e in timeline[resolved:])
    skipped = [e.message or "" for e in timeline if e.kind == "not_sent"]
    assert any(
        m.startswith("Call to Laura Gómez (engineering manager, Payments) not sent: resolved at")
        for m in skipped
    ), skipped


def test_the_timeline_says_called_when_the_call_went_out_and_when_it_was_decided(
    container: Container, responder: Principal, monday: FrozenClock
) -> None:
    container.incidents.declare(responder, Declaration("Accounts taken over", "accounts", "sev1"))
    run(container)
    until(container, monday, monday.now() + timedelta(seconds=20))
    container.incidents.declare(responder, Declaration("Checkout down", "checkout", "sev1"))
    run(container)
    decided = [e for e in engine_lines(container, "INC-2", responder) if e.kind == "escalated"]
    assert "Calling Laura Gómez (engineering manager, Payments)" in (decided[0].message or "")
    assert not any(e.kind == "delivery" and "Laura" in (e.message or "") for e in decided)
    until(container, monday, monday.now() + timedelta(minutes=1))
    delivery = next(
        e
        for e in engine_lines(container, "INC-2", responder)
        if e.kind == "delivery" and "Laura" in (e.message or "")
    )
    assert delivery.at - decided[0].at == timedelta(seconds=40)
    assert "(40 s after Radar decided to)" in (delivery.message or "")
    assert delivery.field == "decided_at"
    assert delivery.new == decided[0].at.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- Hours -------------------------------------------------------------------------------------


def test_a_sev3_acknowledged_at_night_is_still_posted_in_radar_in_the_morning(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    clock.advance(madrid("2026-12-15", "02:00") - clock.now())
    container.incidents.declare(responder, Declaration("Emails not sent", "notifications", "sev3"))
    run(container)
    container.incidents.acknowledge(responder, "INC-1")
    until(container, clock, madrid("2026-12-15", "08:59"))
    assert notes(container, "INC-1", responder) == []
    until(container, clock, madrid("2026-12-15", "09:00"))
    posted = [n for n in notes(container, "INC-1", responder) if n.target == "slack:#radar"]
    assert [n.state for n in posted] == [DeliveryState.SENT]
    assert posted[0].sent_at == madrid("2026-12-15", "09:00")


@pytest.mark.parametrize(
    ("severity", "service", "declared"),
    [
        ("sev3", "notifications", ("2026-12-14", "10:00")),  # 8 working hours: 18:00
        ("sev3", "notifications", ("2026-12-17", "17:30")),  # Thursday evening, into a weekend
        ("sev4", "catalog", ("2026-12-14", "10:00")),  # 40 working hours: Friday 14:00
    ],
)
def test_levels_that_wait_for_the_morning_wake_nobody_out_of_hours(
    container: Container,
    responder: Principal,
    clock: FrozenClock,
    severity: str,
    service: str,
    declared: tuple[str, str],
) -> None:
    """Unacknowledged, nobody in any role, left open for more than a week: every message to
    anyone (steps, reminders, and the upgrades' own responses) goes out in working hours."""
    clock.advance(madrid(*declared) - clock.now())
    container.incidents.declare(responder, Declaration("Something minor", service, severity))
    until(container, clock, madrid(*declared) + timedelta(days=9))
    sent = [n for n in notes(container, "INC-1", responder) if n.state is DeliveryState.SENT]
    assert sent, "the level's response ran in working hours"
    for n in sent:
        assert n.sent_at is not None
        assert working(n.sent_at), (n.label, n.subject, n.body, n.sent_at)
