"""What a due upgrade timer does: raise the level, propose it instead, or nothing. Pure.

An incident unresolved for its level's ``upgrade.after`` goes up to ``upgrade.to``, unless a
person moved it down (automatic upgrades stop) or it is already as severe. One being worked on
(``worked_on``: acknowledged and updated in time) gets the upgrade proposed to its commander
instead, when the level says so, and is looked at again after another full interval.
``firing.fire`` has already checked that the timer still applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial

from radar.domain import calendar
from radar.domain import events as ev
from radar.domain import incident as inc
from radar.domain.escalation import ENGINE, Timer, team_calendar, upgrade_timer
from radar.domain.incident import Incident
from radar.domain.notification import Kind
from radar.domain.outgoing import Firing, sentence, tell
from radar.domain.policy import Policy
from radar.domain.preview import span
from radar.domain.reminders import first_holder
from radar.domain.response import (
    Channel,
    Counting,
    HoursMode,
    Notify,
    Target,
    TargetKind,
    WhenWorkedOn,
)
from radar.domain.roles import Role, TeamRole
from radar.domain.severity import Severity


def upgrade(
    policy: Policy, incident: Incident, sev: Severity, timer: Timer, now: datetime
) -> Firing:
    up = sev.upgrade
    assert up is not None  # only planned for levels that upgrade
    if not incident.auto_upgrade:
        return Firing(note="automatic upgrades stopped: a person moved it down")
    target = policy.severity(up.to)
    if not target.is_more_severe_than(sev):
        return Firing(note=f"{sev.id} is already the top level it can reach")
    cal = team_calendar(policy, incident)
    held_at = timer.first_due if timer.held else None
    reason = _upgrade_reason(sev, held_at, partial(calendar.local_label, cal))
    if up.when_worked_on is WhenWorkedOn.PROPOSE and worked_on(policy, incident, sev, now):
        return _propose(policy, incident, sev, target, now, reason, held_at)
    change = inc.change_severity(policy, incident, ENGINE, now, severity=target.id, reason=reason)
    return Firing(note=f"upgraded to {target.id}", change=change)


def _upgrade_reason(
    sev: Severity, held_at: datetime | None, label: Callable[[datetime], str]
) -> str:
    """Why the level goes up; ``held_at``, shown by ``label``, when it waited for working hours."""
    up = sev.upgrade
    assert up is not None
    counted = " of working time" if up.counting is Counting.WORKING_TIME else ""
    reason = f"unresolved after {span(up.after)}{counted}, the limit for {sev.name}"
    if held_at is not None:
        reason += (
            f"; due at {label(held_at)}, at closing time, it waited for the next working start"
        )
    return reason


def worked_on(policy: Policy, incident: Incident, sev: Severity, now: datetime) -> bool:
    """Someone acknowledged the incident and its people posted an update within the level's
    cadence (counted as the cadence is: in working time for a level that waits for working
    hours), or at all for a level without one."""
    last = incident.last_update_at
    if incident.acknowledgement is None or last is None:
        return False
    if sev.updates_every is None:
        return True
    if sev.response.hours is HoursMode.ALWAYS:
        return now - last <= sev.updates_every
    cal = team_calendar(policy, incident)
    return calendar.working_time_between(cal, last, now) <= sev.updates_every


def _propose(
    policy: Policy,
    incident: Incident,
    sev: Severity,
    target: Severity,
    now: datetime,
    reason: str,
    held_at: datetime | None = None,
) -> Firing:
    """Ask the commander (else the engineering manager) instead of upgrading; ask again, or
    upgrade if the work stopped, after another full interval."""
    again = upgrade_timer(sev, team_calendar(policy, incident), now)
    then = (again,) if again is not None else ()
    if incident.proposed_severity == target.id:
        return Firing(note=f"the upgrade to {target.id} is still proposed", then=then)

    def why(text: str) -> str:
        return (
            f"{sentence(text)}; it is being worked on, so Radar proposes {target.name} "
            "instead of imposing it: accept or decline it, and without an answer it stays "
            f"{sev.name}"
        )

    def local(zone: str) -> str:
        return why(_upgrade_reason(sev, held_at, partial(calendar.label_in, zone)))

    who = first_holder(incident, (Role.COMMANDER,)) or Target(
        TargetKind.TEAM_ROLE, TeamRole.ENGINEERING_MANAGER.value
    )
    only = (Notify(who, (Channel.SLACK,)),)
    told = tell(policy, incident, sev, None, now, only, why(reason), ev.Reminded, local=local)
    proposed = inc.propose_upgrade(policy, incident, ENGINE, now, to=target.id, reason=reason)
    outgoing = tuple(replace(o, kind=Kind.PROPOSAL) for o in told.outgoing)
    return Firing(
        note=f"proposed {target.id}",
        outgoing=outgoing,
        events=told.events,
        change=proposed,
        then=then,
    )
