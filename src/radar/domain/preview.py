"""What a severity's response will do, in words, for the service it hits. Pure text from the
policy; the engine decides the times, this tells people what to expect."""

from __future__ import annotations

from datetime import timedelta

from radar.domain import escalation
from radar.domain.policy import Policy, Team
from radar.domain.response import (
    Channel,
    Counting,
    HoursMode,
    Notify,
    Step,
    TargetKind,
    WhenWorkedOn,
)
from radar.domain.roles import TeamRole
from radar.domain.severity import Severity

VERBS = {
    Channel.PHONE: "called",
    Channel.SMS: "texted",
    Channel.EMAIL: "emailed",
    Channel.SLACK: "messaged on Slack",
    Channel.WEBHOOK: "sent a webhook",
    Channel.APPRISE: "notified through Apprise",
}


def span(value: timedelta) -> str:
    """``10 minutes``, ``4 hours``, ``1 day``, ``1h30m``."""
    seconds = int(value.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return "0 minutes"


def who(policy: Policy, notify: Notify, team: Team | None) -> str:
    target = notify.target
    if target.kind is TargetKind.SLACK_CHANNEL:
        return target.value
    if target.kind in (TargetKind.EMAIL, TargetKind.WEBHOOK):
        return target.value
    if target.kind is TargetKind.INCIDENT_ROLE:
        return f"the {target.value.replace('_', ' ')}"
    if target.kind is TargetKind.PERSON:
        person = policy.person(target.value)
        return person.name if person else target.value
    role = target.value.replace("_", " ")
    holder = team.roles.get(TeamRole(target.value)) if team else None
    person = policy.person(holder) if holder else None
    if person is None:
        return f"the {role} (nobody holds it)" if team else f"the {role} of the owning team"
    return f"{person.name} ({role}, {team.name})" if team else person.name


def notify_text(policy: Policy, notify: Notify, team: Team | None) -> str:
    """``Laura Gómez (engineering manager, Payments) is called (if that fails: sms)``."""
    if notify.target.kind is TargetKind.SLACK_CHANNEL:
        return f"{notify.target.value} is told"
    first, *fallbacks = notify.via
    text = f"{who(policy, notify, team)} is {VERBS[first]}"
    if fallbacks:
        text += " (if that fails: " + ", then ".join(c.value for c in fallbacks) + ")"
    return text


def _step(policy: Policy, step: Step, team: Team | None) -> str:
    what = " and ".join(notify_text(policy, n, team) for n in step.notify)
    if step.after <= timedelta(0):
        return f"{what} now"
    if step.unless_acknowledged:
        return f"if nobody responds in {span(step.after)}, {what}"
    return f"after {span(step.after)}, {what}"


def repeats(sev: Severity) -> str:
    """``If nobody acknowledges, this happens twice more, every 10 minutes.``"""
    n = sev.response.repeat
    more = {1: "once more", 2: "twice more"}.get(n, f"{n} more times")
    every = span(escalation.round_length(sev.response.steps))
    return f"If nobody acknowledges, this happens {more}, every {every}."


def response(policy: Policy, severity_id: str, service_id: str | None = None) -> list[str]:
    """Sentences saying what Radar will do when an incident of this level hits this service."""
    sev = policy.severity(severity_id)
    team = policy.owner_of(service_id) if service_id else None
    cal = policy.calendar_of(team)
    lines = []
    steps = [_step(policy, s, team) for s in sev.response.steps]
    if steps:
        first = "; ".join(steps)
        lines.append(first[0].upper() + first[1:] + ".")
    else:
        lines.append("Nobody is notified automatically.")
    if sev.response.repeat and sev.response.steps:
        lines.append(repeats(sev))
    hours = sev.response.hours
    if hours is HoursMode.DEFER:
        lines.append(
            f"Out of working hours ({cal.id}, {cal.timezone}), it waits for the next working start."
        )
    elif hours is HoursMode.WORKING_HOURS_ONLY:
        lines.append(
            f"Only in working hours ({cal.id}, {cal.timezone}); delays count working time."
        )
    if sev.updates_every:
        lines.append(f"An update is expected every {span(sev.updates_every)}.")
    if sev.required_roles:
        roles = ", ".join(r.value.replace("_", " ") for r in sev.required_roles)
        lines.append(f"Roles to assign: {roles}.")
    if sev.upgrade:
        lines.extend(_upgrade_lines(policy, sev))
    if sev.urgent:
        lines.append("Its calls are never held behind a less severe level's.")
    if sev.fresh_acknowledgement:
        lines.append("An incident upgraded to it must be acknowledged again.")
    if sev.postmortem and sev.postmortem.required:
        lines.append(f"A postmortem is due within {span(sev.postmortem.due_within)} of resolution.")
    return lines


def _upgrade_lines(policy: Policy, sev: Severity) -> list[str]:
    """How the level upgrades, in the words of the process page and ``radar policy show``."""
    up = sev.upgrade
    assert up is not None
    to = policy.severity(up.to).name
    working = up.counting is Counting.WORKING_TIME
    counted = " of working time" if working else ""
    lines = [f"Unresolved after {span(up.after)}{counted}, it becomes {to}."]
    if up.when_worked_on is WhenWorkedOn.PROPOSE:
        lines.append(
            "While people are on it (acknowledged, and updated in time), Radar proposes the "
            "upgrade to the commander instead; no answer, no upgrade."
        )
    if working and up.near_closing > timedelta(0):
        lines.append(
            f"An upgrade that falls within {span(up.near_closing)} of closing time waits for the "
            "next working start."
        )
    lines.append("Moved down by a person, it is no longer upgraded automatically.")
    return lines
