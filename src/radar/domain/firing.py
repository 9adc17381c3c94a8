"""What a due timer does: notify people, hold until working hours, remind, or upgrade. Pure.

The engine calls ``fire`` with the locked incident and the policy in force, and stores the
result in the same transaction that marks the timer done, so each timer acts exactly once.
Everything is re-checked at the last moment: a timer for an incident resolved, acknowledged or
moved to another level meanwhile does nothing. A step is decided here; reminders in
``reminders``, upgrades in ``upgrades``. ``stale`` decides again, at the moment of sending.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from radar.domain import calendar, reminders, upgrades
from radar.domain import events as ev
from radar.domain.errors import InvalidInput
from radar.domain.escalation import ENGINE, Timer, TimerKind, round_length, team_calendar
from radar.domain.incident import Incident
from radar.domain.notification import Kind, Notification
from radar.domain.outgoing import Firing, sentence, tell
from radar.domain.policy import Policy
from radar.domain.preview import span
from radar.domain.response import OWN_CHANNEL, HoursMode
from radar.domain.severity import Severity


def fire(policy: Policy, incident: Incident, timer: Timer, now: datetime) -> Firing:
    if not incident.is_open:
        return Firing(note=f"incident {incident.status.value}")
    if timer.level != incident.severity:
        return Firing(note=f"severity is now {incident.severity}")
    try:
        sev = policy.severity(timer.level)
    except InvalidInput:
        return Firing(note=f"{timer.level} is no longer in the policy")
    if timer.kind is TimerKind.UPGRADE:
        return upgrades.upgrade(policy, incident, sev, timer, now)
    if timer.kind is TimerKind.STEP and timer.until_ack and incident.acknowledgement:
        return Firing(note=f"acknowledged by {incident.acknowledgement.by}")
    cal = team_calendar(policy, incident)
    if sev.response.hours is not HoursMode.ALWAYS and not calendar.is_working(cal, now):
        return _hold(cal, timer, sev, now)
    handlers = {
        TimerKind.STEP: _step,
        TimerKind.UPDATE_DUE: reminders.update_due,
        TimerKind.UPDATE_OVERDUE: reminders.update_overdue,
        TimerKind.ROLES_MISSING: reminders.roles_missing,
    }
    return handlers[timer.kind](policy, incident, sev, timer, now)


def stale(policy: Policy, incident: Incident, n: Notification) -> str | None:
    """Why a message decided earlier must not go out now, or None: decided again at the moment
    of sending. Times are in the incident's team calendar."""
    cal = team_calendar(policy, incident)
    if not incident.is_open:
        at = incident.resolved_at or incident.closed_at or incident.updated_at
        return f"{incident.status.value} at {calendar.local_label(cal, at)}"
    ack = incident.acknowledgement
    if n.until_ack and ack is not None:
        return f"acknowledged by {ack.by} at {calendar.local_label(cal, ack.at)}"
    if n.level is not None and incident.severity != n.level:
        return f"it is {incident.severity} now, no longer {n.level}"
    if n.kind is Kind.PROPOSAL and incident.proposed_severity is None:
        return "the proposed upgrade was answered"
    return None


def describe(timer: Timer, sev_name: str) -> str:
    """``step 2 of Sev2 - Major``, ``update reminder``: what a timer is, for people."""
    if timer.kind is TimerKind.STEP:
        rnd = f", repeat {timer.repeat}" if timer.repeat else ""
        return f"step {timer.step + 1} of {sev_name}{rnd}"
    return {
        TimerKind.UPGRADE: f"upgrade of {sev_name}",
        TimerKind.UPDATE_DUE: "update reminder",
        TimerKind.UPDATE_OVERDUE: "overdue-update reminder",
        TimerKind.ROLES_MISSING: "missing-roles reminder",
    }[timer.kind]


def _hold(cal: calendar.Calendar, timer: Timer, sev: Severity, now: datetime) -> Firing:
    until = calendar.next_working_start(cal, now)
    what = describe(timer, sev.name)
    if until is None:
        return Firing(note=f"{what} dropped: calendar {cal.id} never opens")
    label = calendar.local_label(cal, until)
    message = f"{sentence(what)} held until {label}: {calendar.closed_because(cal, now)}"
    return Firing(
        note="held",
        hold_until=until,
        events=(ev.Held(at=now, actor=ENGINE, message=message, until=until),),
    )


def _step(policy: Policy, incident: Incident, sev: Severity, timer: Timer, now: datetime) -> Firing:
    try:
        step = sev.response.steps[timer.step]
    except IndexError:
        return Firing(note=f"step {timer.step + 1} is no longer in the policy")
    waited = round_length(sev.response.steps) * timer.repeat + step.after
    if waited == timedelta(0):
        why = "the response started"
    elif timer.until_ack:
        why = f"nobody has responded after {span(waited)}"
    else:
        why = f"{span(waited)} after the start"
    reason = f"{sentence(describe(timer, sev.name))}: {why}"
    notify = step.notify
    ack = incident.acknowledgement
    if ack is not None and step.unless_acknowledged:
        # Only the announcement is left: the people in the step are spared.
        notify = tuple(n for n in notify if n.target.kind in OWN_CHANNEL)
        if not notify:
            return Firing(note=f"acknowledged by {ack.by}")
        reason += f" (acknowledged by {ack.by}: posted for the record)"
    return tell(policy, incident, sev, timer, now, notify, reason)
