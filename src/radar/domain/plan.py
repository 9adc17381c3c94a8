"""The plan in words: what each pending timer will do, when, and whether working hours hold it.

``GET /incidents/{id}/plan`` and ``radar incident plan`` show these items; the timeline shows
what actually happened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from radar.domain import calendar, recipients, reminders
from radar.domain.errors import InvalidInput
from radar.domain.escalation import Timer, TimerKind, announces, team_calendar
from radar.domain.firing import describe
from radar.domain.incident import Incident
from radar.domain.policy import Policy
from radar.domain.preview import VERBS, notify_text
from radar.domain.response import Channel, HoursMode, Notify, Target, TargetKind, WhenWorkedOn
from radar.domain.severity import Severity


@dataclass(frozen=True)
class PlanItem:
    timer: Timer
    what: str
    action: str
    condition: str | None
    runs_at: datetime
    held: str | None


def items(policy: Policy, incident: Incident, timers: Sequence[Timer]) -> list[PlanItem]:
    """One item per pending timer, in the order they will run."""
    out = [_item(policy, incident, t) for t in timers]
    return sorted(out, key=lambda i: (i.runs_at, i.timer.id or 0))


def _item(policy: Policy, incident: Incident, timer: Timer) -> PlanItem:
    try:
        sev = policy.severity(timer.level)
    except InvalidInput:
        return PlanItem(
            timer, timer.kind.value, "nothing: the level left the policy", None, timer.due_at, None
        )
    # ``held`` says why it waits, not until when: ``runs_at`` is that instant, and each
    # surface shows it in its reader's zone (one instant is never shown in two zones).
    cal = team_calendar(policy, incident)
    runs_at, held = timer.due_at, None
    if timer.held and timer.kind is TimerKind.UPGRADE:
        held = f"held: due at closing time, it waits for the next working start ({cal.id})"
    elif timer.held:
        held = f"held: outside working hours ({cal.id})"
    elif timer.kind is not TimerKind.UPGRADE and sev.response.hours is not HoursMode.ALWAYS:
        opens = calendar.next_working_start(cal, timer.due_at)
        if opens is None:
            held = f"never: calendar {cal.id} never opens"
        elif opens > timer.due_at:
            runs_at = opens
            held = f"held: outside working hours ({cal.id})"
    action, condition = _action(policy, incident, sev, timer)
    return PlanItem(timer, describe(timer, sev.name), action, condition, runs_at, held)


def _action(
    policy: Policy, incident: Incident, sev: Severity, timer: Timer
) -> tuple[str, str | None]:
    if timer.kind is TimerKind.STEP:
        steps = sev.response.steps
        if timer.step >= len(steps):
            return "nothing: the step left the policy", None
        step = steps[timer.step]
        text = _told(policy, incident, step.notify)
        if timer.until_ack:
            return text, "unless someone acknowledges first"
        if step.unless_acknowledged and announces(step):
            return text, "only the channel post once someone acknowledges"
        return text, None
    if timer.kind is TimerKind.UPGRADE and sev.upgrade is not None:
        to = policy.severity(sev.upgrade.to).name
        if sev.upgrade.when_worked_on is WhenWorkedOn.PROPOSE:
            return f"becomes {to}", "unless resolved first; proposed instead while being worked on"
        return f"becomes {to}", "unless resolved first"
    targets = reminders.reminder_targets(policy, incident, timer.kind)
    reporter = {t: "reporter" for t in targets if t.kind is TargetKind.PERSON}
    told = _told(policy, incident, [Notify(t, (Channel.SLACK,)) for t in targets], reporter)
    if timer.kind is TimerKind.ROLES_MISSING:
        roles = ", ".join(r.value.replace("_", " ") for r in sev.required_roles)
        return f"{told}: assign {roles}", "unless the roles are assigned first"
    what = "an update is due" if timer.kind is TimerKind.UPDATE_DUE else "the update is overdue"
    return f"{told}: {what}", "unless an update is posted first"


def _told(
    policy: Policy,
    incident: Incident,
    notify: Sequence[Notify],
    reasons: Mapping[Target, str] | None = None,
) -> str:
    """Who a timer will tell, one person once: targets the same person holds are folded into
    one ("Laura Gómez (reporter; engineering manager, Payments) is messaged on Slack")."""
    team = policy.owner_of(incident.service)
    found, _ = recipients.fold(policy, incident, notify, reasons)
    parts: list[str] = []
    done: set[Target] = set()
    for n in notify:
        if n.target in done:
            continue
        r = next((r for r in found if n.target in r.targets), None)
        if r is not None and r.folded:
            parts.append(f"{r.label} is {VERBS[r.notify.via[0]]}")
            done |= set(r.targets)
        else:
            parts.append(notify_text(policy, n, team))
    return " and ".join(parts)
