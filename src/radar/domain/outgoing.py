"""What a decision sends: who is told what, in which words, and the timeline line saying whom. Pure.

A due timer's outcome is a ``Firing``: the ``Outgoing`` messages it queues, its timeline events,
and any change or next timer. ``tell`` turns "tell these targets this" into one message per
recipient (targets that are the same person folded into one), each headed by the incident's
``subject_line`` and ``facts``, and one timeline line saying whom Radar is about to reach.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from radar.domain import events as ev
from radar.domain import incident as inc
from radar.domain import recipients
from radar.domain.escalation import ENGINE, Timer, TimerKind, team_calendar
from radar.domain.incident import Incident
from radar.domain.notification import Kind
from radar.domain.policy import Policy
from radar.domain.preview import span
from radar.domain.response import Channel, Notify, Target, TargetKind
from radar.domain.severity import Severity

# The engine is "late" when it fires a timer this long after it was due.
LATE_AFTER = timedelta(seconds=1)
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
    # The level it was decided for: checked again at the moment it is sent (see ``firing.stale``).
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


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def late_note(timer: Timer, now: datetime) -> str:
    late = now - timer.due_at
    if late < LATE_AFTER:
        return ""
    seconds = int(late.total_seconds())
    text = span(timedelta(seconds=seconds - seconds % 60)) if seconds >= 120 else f"{seconds}s"
    return f" (late by {text})"


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


def subject_line(incident: Incident, sev: Severity) -> str:
    """What the message is about. A restricted incident's title stays inside Radar: messages
    go to channels and phones that people outside the incident may see."""
    title = "restricted incident, details in Radar" if incident.restricted else incident.title
    drill = "[DRILL] " if incident.drill else ""
    return f"{drill}{incident.reference} · {sev.name} · {title}"


def tell(
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
    subject = subject_line(incident, sev)
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
    parts = [reason, sentence("; ".join(told)) if told else "nobody could be told"]
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
