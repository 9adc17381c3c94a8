"""The escalation plan and what a due timer does, without a database: pure functions over the
example policy and hand-made levels."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from radar.domain import escalation, firing, outgoing, reminders
from radar.domain import incident as inc
from radar.domain.escalation import Timer, TimerKind
from radar.domain.incident import Actor, Incident
from radar.domain.lifecycle import Status
from radar.domain.response import HoursMode, Notify, Response, Step, Target
from radar.domain.roles import Role
from tests.unit.test_lifecycle import POLICY

MADRID = POLICY.calendars["madrid-office"]
FRIDAY_1100 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # 11:00 in Madrid, open until 15:00
FRIDAY_1430 = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)
MONDAY_0900 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ANA = Actor("Ana")


def declared(
    severity: str = "sev2", service: str = "checkout", at: datetime = FRIDAY_1100
) -> Incident:
    incident, _ = inc.declare(
        POLICY, title="Checkout down", service=service, severity=severity, actor=ANA, now=at
    )
    return replace(incident, id=7)


def steps_at(*minutes: int) -> tuple[Step, ...]:
    notify = (Notify(Target.parse("slack:#radar"), Target.parse("slack:#radar").default_channels),)
    return tuple(Step(timedelta(minutes=m), notify) for m in minutes)


@pytest.mark.parametrize(
    ("minutes", "length"),
    [((0, 5), 10), ((0, 10), 20), ((10,), 20), ((0,), 5), ((0, 1), 5), ((0, 30, 40), 50)],
)
def test_a_round_runs_to_its_last_step_plus_the_gap_before_it(
    minutes: tuple[int, ...], length: int
) -> None:
    assert escalation.round_length(steps_at(*minutes)) == timedelta(minutes=length)


def test_sev2_plans_its_steps_upgrade_update_promise_and_roles_nudge() -> None:
    timers = escalation.start_level(POLICY, declared(), FRIDAY_1100)
    got = {(t.kind, t.step, t.due_at - FRIDAY_1100) for t in timers}
    assert got == {
        (TimerKind.STEP, 0, timedelta(0)),
        (TimerKind.STEP, 1, timedelta(minutes=10)),
        (TimerKind.UPGRADE, 0, timedelta(hours=4)),
        (TimerKind.UPDATE_DUE, 0, timedelta(minutes=30)),
        (TimerKind.ROLES_MISSING, 0, escalation.ROLE_GRACE),
    }
    # The #radar post announces the incident: an acknowledgement does not cancel it. The
    # engineering manager's call is cancelled by one.
    assert [(t.step, t.until_ack) for t in timers if t.kind is TimerKind.STEP] == [
        (0, False),
        (1, True),
    ]


def test_repeats_are_planned_round_after_round() -> None:
    sev1 = POLICY.severity("sev1")  # steps at 0 and 5 minutes, repeated twice
    timers = escalation.step_timers(sev1, MADRID, FRIDAY_1100)
    assert [(t.repeat, t.step, int((t.due_at - FRIDAY_1100).seconds / 60)) for t in timers] == [
        (0, 0, 0),
        (0, 1, 5),
        (1, 0, 10),
        (1, 1, 15),
        (2, 0, 20),
        (2, 1, 25),
    ]


def test_working_hours_only_delays_count_working_time() -> None:
    sev = replace(
        POLICY.severity("sev4"),
        response=Response(HoursMode.WORKING_HOURS_ONLY, steps_at(0, 60)),
    )
    timers = escalation.step_timers(sev, MADRID, FRIDAY_1430)
    # 14:30 on Friday: 30 minutes left today (closing 15:00), the other 30 on Monday.
    assert [t.due_at for t in timers] == [FRIDAY_1430, MONDAY_0900 + timedelta(minutes=30)]


def test_upgrade_in_working_time_skips_nights_weekends_and_holidays() -> None:
    sev3 = POLICY.severity("sev3")  # 8 h of working time
    timer = escalation.upgrade_timer(sev3, MADRID, FRIDAY_1100)
    assert timer is not None
    # 4 h left on Friday (11:00-15:00), then 4 h on Monday from 09:00.
    assert timer.due_at == MONDAY_0900 + timedelta(hours=4)


def test_acknowledging_cancels_only_the_steps() -> None:
    acked, events = inc.acknowledge(declared(), ANA, FRIDAY_1100)
    reaction = escalation.react(POLICY, acked, events, FRIDAY_1100)
    assert reaction.cancel == {TimerKind.STEP}
    assert reaction.cancel_until_ack_only
    assert not reaction.restart


@pytest.mark.parametrize("end", ["resolve", "decline"])
def test_ending_an_incident_cancels_everything(end: str) -> None:
    incident = declared()
    if end == "resolve":
        done, events = inc.resolve(incident, ANA, FRIDAY_1100, summary="fixed")
    else:
        done, events = inc.decline(incident, ANA, FRIDAY_1100, reason="a ticket")
    reaction = escalation.react(POLICY, done, events, FRIDAY_1100)
    assert reaction.cancel == escalation.ALL_KINDS
    assert reaction.schedule == ()


def test_an_upgrade_starts_the_stronger_response_from_its_first_step() -> None:
    up, events = inc.change_severity(
        POLICY, declared(), ANA, FRIDAY_1100, severity="sev1", reason="x"
    )
    reaction = escalation.react(POLICY, up, events, FRIDAY_1100)
    assert reaction.restart
    steps = [t for t in reaction.schedule if t.kind is TimerKind.STEP]
    assert (steps[0].level, steps[0].step, steps[0].due_at) == ("sev1", 0, FRIDAY_1100)


def test_a_downgrade_cancels_steps_and_plans_none() -> None:
    down, events = inc.change_severity(
        POLICY, declared(), ANA, FRIDAY_1100, severity="sev3", reason="x"
    )
    reaction = escalation.react(POLICY, down, events, FRIDAY_1100)
    assert reaction.restart
    assert TimerKind.STEP not in {t.kind for t in reaction.schedule}
    # A person moved it down: Radar no longer upgrades it on its own.
    assert not down.auto_upgrade
    assert TimerKind.UPGRADE not in {t.kind for t in reaction.schedule}
    assert "Radar will not upgrade it again on its own" in (events[0].entry().message or "")


def test_radars_own_move_down_keeps_automatic_upgrades() -> None:
    down, _ = inc.change_severity(
        POLICY, declared(), escalation.ENGINE, FRIDAY_1100, severity="sev3", reason="x"
    )
    assert down.auto_upgrade


def test_an_update_renews_the_promise_in_local_time() -> None:
    updated, events = inc.post_update(declared(), ANA, FRIDAY_1100, message="Looking")
    reaction = escalation.react(POLICY, updated, events, FRIDAY_1100)
    assert reaction.cancel == escalation.UPDATE_KINDS
    assert [e.entry().message for e in reaction.events] == [
        "next update by Fri 11:30 Europe/Madrid"
    ]


def step(level: str, index: int, due: datetime, **kw: object) -> Timer:
    return replace(Timer(TimerKind.STEP, level, due, index, until_ack=True, planned_at=due), **kw)  # type: ignore[arg-type]


def test_a_defer_step_out_of_hours_is_held_until_the_next_working_start() -> None:
    night = datetime(2026, 11, 27, 22, 10, tzinfo=UTC)
    incident = declared("sev3", "notifications", night)
    result = firing.fire(POLICY, incident, step("sev3", 0, night), night)
    assert result.hold_until == MONDAY_0900
    assert result.outgoing == ()
    assert "held until Mon 09:00 Europe/Madrid" in (result.events[0].entry().message or "")


def test_a_step_fires_nothing_once_acknowledged_resolved_or_moved() -> None:
    incident = declared()
    timer = step("sev2", 1, FRIDAY_1100)
    acked, _ = inc.acknowledge(incident, ANA, FRIDAY_1100)
    assert firing.fire(POLICY, acked, timer, FRIDAY_1100).note == "acknowledged by Ana"
    done = replace(incident, status=Status.RESOLVED)
    assert firing.fire(POLICY, done, timer, FRIDAY_1100).note == "incident resolved"
    moved = replace(incident, severity="sev1")
    assert firing.fire(POLICY, moved, timer, FRIDAY_1100).note == "severity is now sev1"


def test_the_engineering_manager_is_called_with_fallbacks() -> None:
    result = firing.fire(POLICY, declared(), step("sev2", 1, FRIDAY_1100), FRIDAY_1100)
    (call,) = result.outgoing
    assert (call.address, call.label) == ("laura", "Laura Gómez (engineering manager, Payments)")
    assert [c.value for c in call.channels] == ["phone", "sms", "email"]
    assert call.body == "Step 2 of Sev2 - Major: nobody has responded after 10 minutes"


def test_nobody_holding_a_role_is_named_on_the_timeline() -> None:
    incident = replace(declared(), roles={})
    timer = Timer(TimerKind.UPDATE_OVERDUE, "sev2", FRIDAY_1100)
    result = firing.fire(POLICY, incident, timer, FRIDAY_1100)
    assert [o.target for o in result.outgoing] == ["engineering_manager"]
    with_lead = replace(incident, roles={Role.COMMUNICATIONS_LEAD: "maria", Role.DEPUTY: "sam"})
    result = firing.fire(POLICY, with_lead, timer, FRIDAY_1100)
    assert [o.label for o in result.outgoing] == [
        "María Ruiz (communications lead)",
        "Sam Ortega (deputy)",
    ]
    assert result.then[0].kind is TimerKind.UPDATE_OVERDUE  # it keeps asking


def test_restricted_titles_stay_out_of_messages_and_drills_say_so() -> None:
    timer = step("sev2", 0, FRIDAY_1100)
    secret = replace(declared(), restricted=True, title="Breach of the payroll database")
    (msg,) = firing.fire(POLICY, secret, timer, FRIDAY_1100).outgoing
    assert "payroll" not in msg.subject + msg.body
    drill = replace(declared(), drill=True)
    assert (
        firing.fire(POLICY, drill, timer, FRIDAY_1100)
        .outgoing[0]
        .subject.startswith("[DRILL] INC-7")
    )


@pytest.mark.parametrize(
    ("late", "note"),
    [
        (timedelta(milliseconds=900), ""),
        (timedelta(seconds=3), " (late by 3s)"),
        (timedelta(minutes=13, seconds=20), " (late by 13 minutes)"),
    ],
)
def test_late_notes(late: timedelta, note: str) -> None:
    assert outgoing.late_note(step("sev2", 0, FRIDAY_1100), FRIDAY_1100 + late) == note


def test_overdue_reminders_stop_after_three() -> None:
    incident = declared()
    first = Timer(TimerKind.UPDATE_OVERDUE, "sev2", FRIDAY_1100)
    nxt = firing.fire(POLICY, incident, first, FRIDAY_1100).then
    assert [(t.kind, t.step) for t in nxt] == [(TimerKind.UPDATE_OVERDUE, 1)]
    last = replace(first, step=reminders.OVERDUE_REMINDERS - 1)
    result = firing.fire(POLICY, incident, last, FRIDAY_1100)
    assert result.then == ()
    assert "the last reminder until an update is posted" in result.outgoing[0].body


def test_the_roles_nudge_finds_the_reporter_by_name_or_id() -> None:
    timer = Timer(TimerKind.ROLES_MISSING, "sev2", FRIDAY_1100)
    for reporter in ("Ana Torres", "ana"):
        incident = replace(declared(), reporter=reporter)
        result = firing.fire(POLICY, incident, timer, FRIDAY_1100)
        assert [o.target for o in result.outgoing] == ["person:ana", "engineering_manager"]
    stranger = replace(declared(), reporter="A customer")
    assert [o.target for o in firing.fire(POLICY, stranger, timer, FRIDAY_1100).outgoing] == [
        "engineering_manager"
    ]
