"""What a due timer does: notify people, hold until working hours, remind, or upgrade. Pure.

The engine calls ``fire`` with the locked incident and the policy in force, and stores the
result in the same transaction that marks the timer done, so each timer acts exactly once.
Everything is re-checked at the last moment: a timer for an incident resolved, acknowledged or
moved to another level meanwhile does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from radar.domain import calendar, incident_channel, recipients, wording
from radar.domain import events as ev
from radar.domain import incident as inc
from radar.domain.errors import InvalidInput
from radar.domain.escalation import (
    ENGINE,
    Timer,
    TimerKind,
    round_length,
    team_calendar,
    update_timer,
    upgrade_timer,
)
from radar.domain.incident import Incident
from radar.domain.notification import Kind, Notification
from radar.domain.policy import Policy
from radar.domain.preview import span
from radar.domain.response import (
    OWN_CHANNEL,
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

# The engine is "late" when it fires a timer this long after it was due.
LATE_AFTER = timedelta(seconds=1)
# Overdue-update reminders, one update interval apart, before Radar stops asking.
OVERDUE_REMINDERS = 3
# A message's words for a reader in the IANA zone given: each person reads its times in their
# own zone (``people[].timezone``), else in the team calendar's. The timeline keeps the calendar's.
Local = Callable[[str], str]


@dataclass(frozen=True)
class Outgoing:
    """One notification to send: a target, who it resolved to, and the channels in order."""

    target: str
    address: str
    label: str
    channels: tuple[Channel, ...]
    subject: str
    body: str
    contacts: tuple[tuple[str, str], ...] = ()
    facts: tuple[tuple[str, str], ...] = ()  # Severity, Service, Status ... shown as fields
    kind: Kind = Kind.MESSAGE
    # The level it was decided for: checked again at the moment it is sent (see ``stale``).
    level: str | None = None
    rank: int | None = None
    urgent: bool = False
    until_ack: bool = False  # an acknowledgement before it is sent means it is not sent


@dataclass(frozen=True)
class Firing:
    """The outcome of one due timer. ``note`` says what happened in a few words."""

    note: str
    outgoing: tuple[Outgoing, ...] = ()
    events: tuple[ev.Event, ...] = ()
    hold_until: datetime | None = None
    change: inc.Change | None = None
    then: tuple[Timer, ...] = ()


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
        return _upgrade(policy, incident, sev, timer, now)
    if timer.kind is TimerKind.STEP and timer.until_ack and incident.acknowledgement:
        return Firing(note=f"acknowledged by {incident.acknowledgement.by}")
    cal = team_calendar(policy, incident)
    if sev.response.hours is not HoursMode.ALWAYS and not calendar.is_working(cal, now):
        return _hold(cal, timer, sev, now)
    handlers = {
        TimerKind.STEP: _step,
        TimerKind.UPDATE_DUE: _update_due,
        TimerKind.UPDATE_OVERDUE: _update_overdue,
        TimerKind.ROLES_MISSING: _roles_missing,
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


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def late_note(timer: Timer, now: datetime) -> str:
    late = now - timer.due_at
    if late < LATE_AFTER:
        return ""
    seconds = int(late.total_seconds())
    text = span(timedelta(seconds=seconds - seconds % 60)) if seconds >= 120 else f"{seconds}s"
    return f" (late by {text})"


def _hold(cal: calendar.Calendar, timer: Timer, sev: Severity, now: datetime) -> Firing:
    until = calendar.next_working_start(cal, now)
    what = describe(timer, sev.name)
    if until is None:
        return Firing(note=f"{what} dropped: calendar {cal.id} never opens")
    label = calendar.local_label(cal, until)
    message = f"{_sentence(what)} held until {label}: outside working hours ({cal.id})"
    return Firing(
        note="held",
        hold_until=until,
        events=(ev.Held(at=now, actor=ENGINE, message=message, until=until),),
    )


def _upgrade(
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
            f"{_sentence(text)}; it is being worked on, so Radar proposes {target.name} "
            "instead of imposing it: accept or decline it, and without an answer it stays "
            f"{sev.name}"
        )

    def local(zone: str) -> str:
        return why(_upgrade_reason(sev, held_at, partial(calendar.label_in, zone)))

    who = _first_holder(incident, (Role.COMMANDER,)) or Target(
        TargetKind.TEAM_ROLE, TeamRole.ENGINEERING_MANAGER.value
    )
    only = (Notify(who, (Channel.SLACK,)),)
    told = _notify(policy, incident, sev, None, now, only, why(reason), ev.Reminded, local=local)
    proposed = inc.propose_upgrade(policy, incident, ENGINE, now, to=target.id, reason=reason)
    outgoing = tuple(replace(o, kind=Kind.PROPOSAL) for o in told.outgoing)
    return Firing(
        note=f"proposed {target.id}",
        outgoing=outgoing,
        events=told.events,
        change=proposed,
        then=then,
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
    reason = f"{_sentence(describe(timer, sev.name))}: {why}"
    notify = step.notify
    ack = incident.acknowledgement
    if ack is not None and step.unless_acknowledged:
        # Only the announcement is left: the people in the step are spared.
        notify = tuple(n for n in notify if n.target.kind in OWN_CHANNEL)
        if not notify:
            return Firing(note=f"acknowledged by {ack.by}")
        reason += f" (acknowledged by {ack.by}: posted for the record)"
    return _notify(policy, incident, sev, timer, now, notify, reason)


def reminder_targets(policy: Policy, incident: Incident, kind: TimerKind) -> list[Target]:
    """Who a reminder goes to, as the incident stands now.

    An update due: the communications lead, else the commander, the deputy, the engineering
    manager. Overdue: the communications lead and the commander (else the deputy, else the
    engineering manager). Missing roles: the reporter (when the policy knows them) and the
    engineering manager.
    """
    manager = Target(TargetKind.TEAM_ROLE, TeamRole.ENGINEERING_MANAGER.value)
    if kind is TimerKind.UPDATE_DUE:
        lead = _first_holder(incident, (Role.COMMUNICATIONS_LEAD, Role.COMMANDER, Role.DEPUTY))
        return [lead or manager]
    if kind is TimerKind.UPDATE_OVERDUE:
        lead = _first_holder(incident, (Role.COMMUNICATIONS_LEAD,))
        boss = _first_holder(incident, (Role.COMMANDER, Role.DEPUTY)) or manager
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
    return _notify(policy, incident, sev, timer, now, notes, reason, ev.Reminded, reporter, local)


def _with_last_update(incident: Incident, reason: str) -> Local:
    """An update reminder says when people last heard, in its reader's zone."""

    def local(zone: str) -> str:
        if incident.last_update_at is not None:
            return f"{reason}\nLast update: {calendar.label_in(zone, incident.last_update_at)}."
        declared = calendar.label_in(zone, incident.declared_at)
        return f"{reason}\nNo update since it was declared, {declared}."

    return local


def _update_due(
    policy: Policy, incident: Incident, sev: Severity, timer: Timer, now: datetime
) -> Firing:
    every = span(sev.updates_every) if sev.updates_every else "?"
    reason = f"An update is due: {sev.name} expects one every {every}"
    local = _with_last_update(incident, reason)
    firing = _reminder(policy, incident, sev, timer, now, reason, local)
    return _with_next(firing, policy, incident, sev, now, 0)


def _update_overdue(
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


def _roles_missing(
    policy: Policy, incident: Incident, sev: Severity, timer: Timer, now: datetime
) -> Firing:
    missing = [r.value.replace("_", " ") for r in sev.required_roles if r not in incident.roles]
    if not missing:
        return Firing(note="required roles assigned")
    reason = f"{sev.name} needs {', '.join(missing)}; nobody is assigned yet"
    return _reminder(policy, incident, sev, timer, now, reason)


def _first_holder(incident: Incident, roles: tuple[Role, ...]) -> Target | None:
    for role in roles:
        if role in incident.roles:
            return Target(TargetKind.INCIDENT_ROLE, role.value)
    return None


def facts(incident: Incident, sev: Severity) -> tuple[tuple[str, str], ...]:
    """The incident at a glance, for the fields of a Slack card. A restricted incident shows
    only its reference, level and status."""
    ack = incident.acknowledgement
    pairs = [
        ("Reference", incident.reference),
        ("Severity", sev.name),
        ("Service", "" if incident.restricted else incident.service),
        ("Status", incident.status.value + (" (drill)" if incident.drill else "")),
        ("Acknowledged", f"by {ack.by}" if ack else "not yet"),
    ]
    return tuple((k, v) for k, v in pairs if v)


def refresh(policy: Policy, incident: Incident, target: str) -> Outgoing | None:
    """The up-to-date card for the incident's earlier message in a Slack channel."""
    try:
        sev = policy.severity(incident.severity)
    except InvalidInput:
        return None  # the level left the policy: the message stays as it was
    channel = Target.parse(target).value
    body = f"Status: {incident.status.value}" + (
        f" · acknowledged by {incident.acknowledgement.by}" if incident.acknowledgement else ""
    )
    return Outgoing(
        target=target,
        address=channel,
        label=channel,
        channels=(Channel.SLACK,),
        subject=_subject(incident, sev),
        body=body,
        contacts=((Channel.SLACK.value, channel),),
        facts=facts(incident, sev),
        kind=Kind.REFRESH,
    )


INCIDENT_CHANNEL = "incident_channel"  # the target of what goes to the incident's own channel


def channel(policy: Policy, incident: Incident, people: tuple[str, ...] = ()) -> Outgoing:
    """Open the incident's own Slack channel, or bring it up to date: its name (``address``),
    its topic (``body``), who to invite (``contacts["slack"]``, comma-separated), whether it
    is private, and the card posted in it when it opens."""
    plan = incident_channel.plan(policy, incident, people)
    try:
        sev = policy.severity(incident.severity)
        subject, card = _subject(incident, sev), facts(incident, sev)
    except InvalidInput:  # the level left the policy
        subject, card = f"{incident.reference} · {incident.severity}", ()
    return Outgoing(
        target=INCIDENT_CHANNEL,
        address=plan.name,
        label=f"#{plan.name}",
        channels=(Channel.SLACK,),
        subject=subject,
        body=plan.topic,
        contacts=(
            (Channel.SLACK.value, ",".join(plan.invite)),
            (Channel.EMAIL.value, ",".join(plan.invite_by_email)),
            ("private", "yes" if plan.private else ""),
            ("archive", "yes" if plan.archive else ""),
        ),
        facts=card,
        kind=Kind.CHANNEL,
    )


def mirror(incident: Incident, update: ev.UpdatePosted) -> Outgoing:
    """A status update, posted in the incident's own channel (found when it is sent), worded
    as on the timeline ("Public update"), with the update's own line breaks."""
    what = wording.word(update.entry()).what
    return Outgoing(
        target=INCIDENT_CHANNEL,
        address="",
        label="the incident's channel",
        channels=(Channel.SLACK,),
        subject=f"{incident.reference} · {what} from {update.actor.name}",
        body=update.message,
        kind=Kind.MIRROR,
    )


def _subject(incident: Incident, sev: Severity) -> str:
    """What the message is about. A restricted incident's title stays inside Radar: messages
    go to channels and phones that people outside the incident may see."""
    title = "restricted incident, details in Radar" if incident.restricted else incident.title
    drill = "[DRILL] " if incident.drill else ""
    return f"{drill}{incident.reference} · {sev.name} · {title}"


def _notify(
    policy: Policy,
    incident: Incident,
    sev: Severity,
    timer: Timer | None,
    now: datetime,
    notify: tuple[Notify, ...],
    reason: str,
    event: type[ev.EngineNote] = ev.Escalated,
    reasons: Mapping[Target, str] | None = None,
    local: Local | None = None,
) -> Firing:
    """Tell each recipient ``reason`` (``local(zone)`` instead, where it holds times: in the
    person's own zone, else the team calendar's), and write one timeline line saying whom."""
    subject = _subject(incident, sev)
    card = facts(incident, sev)
    kind = Kind.MESSAGE if event is ev.Escalated else Kind.REMINDER
    until_ack = timer is not None and timer.kind is TimerKind.STEP and timer.until_ack
    found, missed = recipients.fold(policy, incident, notify, reasons)
    home = team_calendar(policy, incident).timezone
    outgoing, told = [], []
    for r in found:
        text = local(r.timezone or home) if local is not None else reason
        body = f"{text}\n{r.as_whom()}" if r.folded else text
        outgoing.append(
            Outgoing(
                str(r.notify.target),
                r.address,
                r.label,
                r.notify.via,
                subject,
                body,
                r.contacts,
                card,
                kind,
                level=sev.id,
                rank=sev.rank,
                urgent=sev.urgent and kind is Kind.MESSAGE,
                until_ack=until_ack,
            )
        )
        told.append(deciding(r.notify, r.label))
    parts = [reason, _sentence("; ".join(told)) if told else "nobody could be told"]
    if missed:
        parts.append("nobody holds " + ", ".join(missed))
    message = ". ".join(parts) + (late_note(timer, now) if timer is not None else "")
    note = "notified" if outgoing else "nobody to notify"
    return Firing(
        note=note, outgoing=tuple(outgoing), events=(event(at=now, actor=ENGINE, message=message),)
    )


_DECIDING = {
    Channel.PHONE: "calling {label}",
    Channel.SMS: "texting {label}",
    Channel.EMAIL: "emailing {label}",
    Channel.SLACK: "messaging {label} on Slack",
    Channel.WEBHOOK: "sending a webhook to {label}",
    Channel.APPRISE: "notifying {label} through Apprise",
}


def deciding(n: Notify, label: str) -> str:
    """What Radar is about to do, written when it decides: "calling Laura Gómez (...)". The
    timeline says "Called ..." only once the call went out."""
    if n.target.kind is TargetKind.SLACK_CHANNEL:
        return f"posting in {label}"
    return _DECIDING[n.via[0]].format(label=label)
