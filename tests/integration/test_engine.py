"""The response runs itself: scenarios on real databases, with a frozen clock moved by hand.

``START`` is Friday 2026-11-27 10:00 UTC, 11:00 in Madrid: inside the example policy's working
hours (Friday 09:00-15:00). Every scenario fires due timers and delivers the outbox the way the
worker does, through ``EngineService``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.escalation import TimerKind
from radar.domain.events import TimelineEntry
from radar.domain.lifecycle import Status
from radar.domain.notification import DeliveryState, Notification
from radar.domain.roles import Role
from radar.notify.base import DeliveryError
from radar.services.engine import EngineService
from radar.services.incidents import Declaration
from radar.store.uow import UnitOfWorkProvider

SEV2 = Declaration(title="Checkout down", service="checkout", severity="sev2")
SEV3 = Declaration(title="Emails not sent", service="notifications", severity="sev3")
FRIDAY_NIGHT = datetime(2026, 11, 27, 22, 10, tzinfo=UTC)  # 23:10 in Madrid
MONDAY_MORNING = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Madrid


def run(c: Container) -> None:
    """What one worker pass does, until there is nothing left due now."""
    while c.engine.fire_due() or c.engine.deliver_due("test"):
        pass


def advance(c: Container, clock: FrozenClock, **delta: float) -> None:
    clock.advance(timedelta(**delta))
    run(c)


def sent(c: Container, ref: str, p: Principal) -> list[Notification]:
    return c.engine.plan(p, ref).notifications


def told(c: Container, ref: str, p: Principal) -> list[tuple[str, str]]:
    """(target, first channel) of every notification sent so far, in order."""
    out = []
    for n in sent(c, ref, p):
        assert n.state is DeliveryState.SENT
        out.append((n.target, n.channels[0].value))
    return out


def engine_lines(c: Container, ref: str, p: Principal) -> list[TimelineEntry]:
    return [e for e in c.incidents.get(p, ref).timeline if e.via == "engine"]


def at(clock: FrozenClock, when: datetime) -> None:
    clock.advance(when - clock.now())


def test_sev2_posts_in_radar_then_calls_the_engineering_manager_after_10_minutes(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    run(container)
    assert told(container, "INC-1", responder) == [("slack:#radar", "slack")]
    advance(container, clock, minutes=9, seconds=59)
    assert len(told(container, "INC-1", responder)) == 1
    advance(container, clock, seconds=1)
    assert told(container, "INC-1", responder)[1] == ("engineering_manager", "phone")
    call = sent(container, "INC-1", responder)[1]
    assert call.address == "laura"
    assert call.channels[1:] == (
        call.channels[1].__class__("sms"),
        call.channels[2].__class__("email"),
    )
    lines = [
        e.message or ""
        for e in engine_lines(container, "INC-1", responder)
        if e.kind == "escalated"
    ]
    assert "Calling Laura Gómez (engineering manager, Payments)" in lines[1]
    assert "nobody has responded after 10 minutes" in lines[1]


def test_ack_cancels_pending_escalation(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    advance(container, clock, minutes=5)
    container.incidents.acknowledge(responder, "INC-1")
    advance(container, clock, minutes=30)
    assert ("engineering_manager", "phone") not in told(container, "INC-1", responder)
    kinds = {i.timer.kind for i in container.engine.plan(responder, "INC-1").items}
    assert TimerKind.STEP not in kinds


def test_resolving_cancels_everything(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    run(container)
    container.incidents.resolve(responder, "INC-1", summary="Rolled back")
    assert container.engine.plan(responder, "INC-1").items == []
    advance(container, clock, hours=10)
    assert len(told(container, "INC-1", responder)) == 1
    assert container.incidents.get(responder, "INC-1").incident.severity == "sev2"


def test_engine_notes_when_it_ran_late(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    run(container)
    advance(container, clock, minutes=13)
    call = [e for e in engine_lines(container, "INC-1", responder) if e.kind == "escalated"][1]
    assert (call.message or "").endswith("(late by 3 minutes)")


def test_sev3_out_of_hours_waits_for_the_morning(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    at(clock, FRIDAY_NIGHT)
    container.incidents.declare(responder, SEV3)
    plan = container.engine.plan(responder, "INC-1").items
    step = next(i for i in plan if i.timer.kind is TimerKind.STEP)
    assert step.runs_at == MONDAY_MORNING
    assert step.held == "held: outside working hours (madrid-office)"
    run(container)
    assert told(container, "INC-1", responder) == []
    held = [e for e in engine_lines(container, "INC-1", responder) if e.kind == "held"]
    assert next(e.message for e in held) == (
        "Step 1 of Sev3 - Minor held until Mon 09:00 Europe/Madrid: outside working hours "
        "(madrid-office)"
    )
    advance(container, clock, hours=24)  # Saturday: still nothing
    assert told(container, "INC-1", responder) == []
    at(clock, MONDAY_MORNING)
    run(container)
    assert ("slack:#radar", "slack") in told(container, "INC-1", responder)


def test_nothing_goes_out_for_an_incident_resolved_overnight(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    at(clock, FRIDAY_NIGHT)
    container.incidents.declare(responder, SEV3)
    run(container)
    advance(container, clock, hours=2)
    container.incidents.resolve(responder, "INC-1", summary="Queue drained by itself")
    at(clock, MONDAY_MORNING + timedelta(hours=1))
    run(container)
    assert told(container, "INC-1", responder) == []


def test_working_hours_only_counts_working_time(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    sev4 = Declaration(title="Wrong image", service="catalog", severity="sev4")
    at(clock, FRIDAY_NIGHT)
    container.incidents.declare(responder, sev4)
    run(container)
    assert told(container, "INC-1", responder) == []
    upgrade = next(
        i
        for i in container.engine.plan(responder, "INC-1").items
        if i.timer.kind is TimerKind.UPGRADE
    )
    # 40 working hours from Monday 09:00 Madrid: Mon-Thu 9 h each (36 h), then 4 h on Friday.
    assert upgrade.runs_at == datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    at(clock, MONDAY_MORNING)
    run(container)
    assert {t for t, _ in told(container, "INC-1", responder)} == {"product_owner", "team_lead"}


def test_unresolved_sev2_becomes_sev1_after_4_hours_and_gets_the_stronger_response(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    run(container)
    advance(container, clock, minutes=10)
    advance(container, clock, hours=3, minutes=50)
    detail = container.incidents.get(responder, "INC-1")
    assert detail.incident.severity == "sev1"
    change = next(e for e in detail.timeline if e.kind == "severity_changed")
    assert (change.actor, change.via, change.old, change.new) == ("Radar", "engine", "sev2", "sev1")
    assert change.message == "unresolved after 4 hours, the limit for Sev2 - Major"
    # Nobody acknowledged: the Sev1 response calls the engineering manager again.
    calls = [
        n
        for n in sent(container, "INC-1", responder)
        if (n.target, n.channels[0].value, n.state)
        == ("engineering_manager", "phone", DeliveryState.SENT)
    ]
    assert [n.level for n in calls] == ["sev2", "sev1"]
    # Sev1 is the top level: it has no upgrade of its own.
    kinds = {i.timer.kind for i in container.engine.plan(responder, "INC-1").items}
    assert TimerKind.UPGRADE not in kinds


def test_downgrade_cancels_the_higher_levels_pending_steps(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    advance(container, clock, minutes=5)
    container.incidents.change_severity(responder, "INC-1", severity="sev3", reason="One region")
    advance(container, clock, minutes=30)
    assert told(container, "INC-1", responder) == [("slack:#radar", "slack")]
    plan = container.engine.plan(responder, "INC-1").items
    assert {i.timer.level for i in plan} == {"sev3"}
    assert TimerKind.STEP not in {i.timer.kind for i in plan}


def test_update_cadence_reminds_the_communications_lead_then_the_commander(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    container.incidents.acknowledge(responder, "INC-1")
    container.incidents.assign_role(
        responder, "INC-1", role=Role.COMMUNICATIONS_LEAD, assignee="maria"
    )
    container.incidents.assign_role(responder, "INC-1", role=Role.COMMANDER, assignee="sam")
    run(container)
    advance(container, clock, minutes=30)
    assert told(container, "INC-1", responder)[-1] == ("communications_lead", "slack")
    advance(container, clock, minutes=30)
    assert told(container, "INC-1", responder)[-2:] == [
        ("communications_lead", "slack"),
        ("commander", "slack"),
    ]
    container.incidents.post_update(responder, "INC-1", message="Fix is rolling out.")
    promise = [
        e for e in engine_lines(container, "INC-1", responder) if e.kind == "update_expected"
    ]
    assert promise[-1].message == "next update by Fri 12:30 Europe/Madrid"
    count = len(told(container, "INC-1", responder))
    advance(container, clock, minutes=29)
    assert len(told(container, "INC-1", responder)) == count


def test_missing_roles_nudge_the_reporter_and_the_engineering_manager(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    container.incidents.acknowledge(responder, "INC-1")
    advance(container, clock, minutes=15)
    assert told(container, "INC-1", responder)[-1] == ("engineering_manager", "slack")
    nudge = [e for e in engine_lines(container, "INC-1", responder) if e.kind == "reminded"][-1]
    assert "needs communications lead; nobody is assigned yet" in (nudge.message or "")


def test_assigning_the_required_roles_cancels_the_nudge(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    run(container)
    container.incidents.acknowledge(responder, "INC-1")
    container.incidents.assign_role(
        responder, "INC-1", role=Role.COMMUNICATIONS_LEAD, assignee="maria"
    )
    advance(container, clock, minutes=20)
    assert told(container, "INC-1", responder) == [("slack:#radar", "slack")]


def test_sev1_repeats_its_steps_while_nobody_acknowledges(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    sev1 = Declaration(title="Data exposed", service="accounts", severity="sev1")
    container.incidents.declare(responder, sev1)
    run(container)
    for _ in range(3):
        advance(container, clock, minutes=5)
    # Round 1 at 0 and 5 min; round 2 at 10 and 15 min (steps 0 and 5 min, rounds of 10 min).
    calls = [t for t, via in told(container, "INC-1", responder) if via == "phone"]
    assert calls == ["engineering_manager", "team_lead"] * 2
    container.incidents.acknowledge(responder, "INC-1")
    advance(container, clock, minutes=30)
    calls = [t for t, via in told(container, "INC-1", responder) if via == "phone"]
    assert calls == ["engineering_manager", "team_lead"] * 2


def test_reopening_starts_the_response_again(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    container.incidents.declare(responder, SEV2)
    run(container)
    container.incidents.resolve(responder, "INC-1", summary="Rolled back")
    advance(container, clock, minutes=5)
    container.incidents.reopen(responder, "INC-1", reason="Back again")
    run(container)
    assert told(container, "INC-1", responder) == [("slack:#radar", "slack")] * 2


@pytest.mark.parametrize("status", [Status.INVESTIGATING])
def test_posting_an_update_does_not_restart_the_steps(
    container: Container, responder: Principal, clock: FrozenClock, status: Status
) -> None:
    container.incidents.declare(responder, SEV2)
    run(container)
    container.incidents.post_update(responder, "INC-1", message="Looking", status=status)
    advance(container, clock, minutes=10)
    assert [t for t, _ in told(container, "INC-1", responder)] == [
        "slack:#radar",
        "engineering_manager",
    ]


class Unreachable:
    """A channel that always fails, the way a phone provider's outage would."""

    def __init__(self, retryable: bool = True) -> None:
        self.retryable = retryable
        self.tries = 0

    def deliver(self, notification: Notification) -> str:
        self.tries += 1
        raise DeliveryError("provider unavailable (503)", retryable=self.retryable)


def engine_with(c: Container, clock: FrozenClock, notifier: Unreachable) -> EngineService:
    return EngineService(UnitOfWorkProvider(c.db), clock, c.policies, notifier)


def test_failed_deliveries_are_retried_with_backoff_then_reported_on_the_timeline(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    channel = Unreachable()
    engine = engine_with(container, clock, channel)
    container.incidents.declare(responder, SEV2)
    engine.fire_due()
    engine.deliver_due("test")
    assert channel.tries == 1
    engine.deliver_due("test")
    assert channel.tries == 1, "no retry before the backoff"
    for _ in range(12):
        clock.advance(timedelta(minutes=10))
        engine.deliver_due("test")
    (note,) = [n for n in sent(container, "INC-1", responder) if n.target == "slack:#radar"]
    assert (note.state, note.attempts) == (DeliveryState.FAILED, 8)
    assert note.last_error == "provider unavailable (503)"
    failed = [
        e
        for e in container.incidents.get(responder, "INC-1").timeline
        if e.kind == "delivery_failed"
    ]
    assert "Could not reach #radar (slack:#radar) after 8 attempts" in (failed[0].message or "")


def test_a_permanent_delivery_failure_is_not_retried(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    channel = Unreachable(retryable=False)
    engine = engine_with(container, clock, channel)
    container.incidents.declare(responder, SEV2)
    engine.fire_due()
    engine.deliver_due("test")
    clock.advance(timedelta(hours=1))
    engine.deliver_due("test")
    assert channel.tries == 1
    assert [n.state for n in sent(container, "INC-1", responder)] == [DeliveryState.FAILED]
