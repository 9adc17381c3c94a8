"""What an update or roles reminder does, and whom it asks. Pure.

An update due asks the communications lead (else the commander, the deputy, the engineering
manager) for a status update, saying when people last heard; unanswered, up to
``OVERDUE_REMINDERS`` overdue reminders follow, one update interval apart, to the communications
lead and the commander. A level whose required roles nobody holds yet reminds the reporter and the
engineering manager. ``firing.fire`` has already checked that the timer still applies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from radar.domain import calendar
from radar.domain import events as ev
from radar.domain.escalation import Timer, TimerKind, team_calendar, update_timer
from radar.domain.incident import Incident
from radar.domain.outgoing import Firing, Local, tell
from radar.domain.policy import Policy
from radar.domain.preview import span
from radar.domain.response import Channel, Notify, Target, TargetKind
from radar.domain.roles import Role, TeamRole
from radar.domain.severity import Severity

# Overdue-update reminders, one update interval apart, before Radar stops asking.
OVERDUE_REMINDERS = 3


def reminder_targets(policy: Policy, incident: Incident, kind: TimerKind) -> list[Target]:
    """Who a reminder goes to, as the incident stands now.

    An update due: the communications lead, else the commander, the deputy, the engineering
    manager. Overdue: the communications lead and the commander (else the deputy, else the
    engineering manager). Missing roles: the reporter (when the policy knows them) and the
    engineering manager.
    """
    manager = Target(TargetKind.TEAM_ROLE, TeamRole.ENGINEERING_MANAGER.value)
    if kind is TimerKind.UPDATE_DUE:
        lead = first_holder(incident, (Role.COMMUNICATIONS_LEAD, Role.COMMANDER, Role.DEPUTY))
        return [lead or manager]
    if kind is TimerKind.UPDATE_OVERDUE:
        lead = first_holder(incident, (Role.COMMUNICATIONS_LEAD,))
        boss = first_holder(incident, (Role.COMMANDER, Role.DEPUTY)) or manager
        return [t for t in (lead, boss) if t is not None]
    reporter = policy.find_person(incident.reporter)
    return ([Target(TargetKind.PERSON, reporter.id)] if reporter else []) + [manager]


def _reminder(
    policy: Policy,
    incident: Incident,
    sev: Severity,
    timer: Timer,
    now: datetime,
    reason: str,
    local: Local | None = None,
) -> Firing:
    targets = reminder_targets(policy, incident, timer.kind)
    notes = tuple(Notify(t, (Channel.SLACK,)) for t in targets)
    reporter = {t: "reporter" for t in targets if t.kind is TargetKind.PERSON}
    return tell(policy, incident, sev, timer, now, notes, reason, ev.Reminded, reporter, local)


def _with_last_update(incident: Incident, reason: str) -> Local:
    """An update reminder says when people last heard, in its reader's zone."""

    def local(zone: str) -> str:
        if incident.last_update_at is not None:
            return f"{reason}\nLast update: {calendar.label_in(zone, incident.last_update_at)}."
        declared = calendar.label_in(zone, incident.declared_at)
        return f"{reason}\nNo update since it was declared, {declared}."

    return local


def update_due(
    policy: Policy, incident: Incident, sev: Severity, timer: Timer, now: datetime
) -> Firing:
    every = span(sev.updates_every) if sev.updates_every else "?"
    reason = f"An update is due: {sev.name} expects one every {every}"
    local = _with_last_update(incident, reason)
    firing = _reminder(policy, incident, sev, timer, now, reason, local)
    return _with_next(firing, policy, incident, sev, now, 0)


def update_overdue(
    policy: Policy, incident: Incident, sev: Severity, timer: Timer, now: datetime
) -> Firing:
    every = span(sev.updates_every) if sev.updates_every else "?"
    last = timer.step + 1 >= OVERDUE_REMINDERS
    reason = f"An update is overdue: {sev.name} expects one every {every}"
    if last:
        reason += "; this is the last reminder until an update is posted"
    firing = _reminder(
        policy, incident, sev, timer, now, reason, _with_last_update(incident, reason)
    )
    return firing if last else _with_next(firing, policy, incident, sev, now, timer.step + 1)


def _with_next(
    firing: Firing, policy: Policy, incident: Incident, sev: Severity, now: datetime, count: int
) -> Firing:
    """Plan overdue reminder number ``count`` (from 0) one update interval from now."""
    again = update_timer(sev, team_calendar(policy, incident), now)
    if again is None:
        return firing
    return replace(firing, then=(replace(again, kind=TimerKind.UPDATE_OVERDUE, step=count),))


def roles_missing(
    policy: Policy, incident: Incident, sev: Severity, timer: Timer, now: datetime
) -> Firing:
    missing = [r.value.replace("_", " ") for r in sev.required_roles if r not in incident.roles]
    if not missing:
        return Firing(note="required roles assigned")
    reason = f"{sev.name} needs {', '.join(missing)}; nobody is assigned yet"
    return _reminder(policy, incident, sev, timer, now, reason)


def first_holder(incident: Incident, roles: tuple[Role, ...]) -> Target | None:
    """The first of ``roles`` someone holds in the incident, as a target; None if nobody does."""
    for role in roles:
        if role in incident.roles:
            return Target(TargetKind.INCIDENT_ROLE, role.value)
    return None
