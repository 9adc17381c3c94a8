"""What a response costs the people it reaches: each message that interrupted someone, when in
their day, how, and why. Pure: it reads what was sent and the incidents' timelines.

A message is one send: a bundle carries several notifications in one message (same recipient,
same first channel, same instant) and interrupts once. Only messages to people count as
interruptions; a post in ``#radar`` or to an address is nobody's phone ringing, though it is
still a message sent (see ``Sent``).

When, in the person's own time zone (``people[].timezone``, else their team's calendar, else
the policy's default calendar): ``business hours`` while that calendar is working, ``night``
from 22:00 to 07:00, else ``evening`` (evenings, weekends and closed days).

Why: a page of a level the incident was declared at or a person moved it to (``response``), of a
level Radar reached by its own upgrade (``automatic upgrade``), an update or roles reminder, or
an upgrade proposal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from itertools import groupby
from zoneinfo import ZoneInfo

from radar.domain import calendar
from radar.domain.calendar import Calendar
from radar.domain.errors import InvalidInput
from radar.domain.events import TimelineEntry
from radar.domain.incident import Incident
from radar.domain.notification import DeliveryState, Kind, Notification
from radar.domain.policy import Policy
from radar.domain.response import OWN_CHANNEL, Channel, Target

NIGHT_STARTS = time(22)
NIGHT_ENDS = time(7)
ENGINE_VIA = "engine"  # how Radar's own changes are written on the timeline
UPDATE_REMINDER_STARTS = "An update is"  # "An update is due ...", "An update is overdue ..."
ROLES_REMINDER_SAYS = ("needs ", "nobody is assigned yet")


class When(StrEnum):
    BUSINESS_HOURS = "business hours"
    EVENING = "evening"
    NIGHT = "night"


class Cause(StrEnum):
    RESPONSE = "response"
    AUTOMATIC_UPGRADE = "automatic upgrade"
    UPDATE_REMINDER = "update reminder"
    ROLES_REMINDER = "roles reminder"
    UPGRADE_PROPOSAL = "upgrade proposal"
    OTHER = "other"  # word to the admins' fallback, a reminder of a kind this does not know


# How people name a message by its first channel.
HOW = {Channel.PHONE: "call", Channel.SMS: "text", Channel.EMAIL: "email", Channel.SLACK: "slack"}
CALL = HOW[Channel.PHONE]


@dataclass(frozen=True)
class Record:
    """One incident as the response left it: its state, timeline and notifications."""

    incident: Incident
    timeline: Sequence[TimelineEntry]
    notifications: Sequence[Notification]


@dataclass(frozen=True)
class Sent:
    """One notification that went out (a bundle's members are one ``Sent`` each)."""

    id: int
    incident_id: int
    recipient: str  # a person's id, or the channel or address
    label: str
    person: bool
    how: str
    kind: Kind
    cause: Cause
    level: str | None
    rank: int | None
    decided_at: datetime
    at: datetime
    acknowledged: bool  # when it was decided


@dataclass(frozen=True)
class Interruption:
    """One message that reached a person: a bundle counts once, with its most severe member's
    cause and level."""

    person: str
    at: datetime
    when: When
    how: str
    cause: Cause
    level: str | None
    acknowledged: bool
    incident_ids: tuple[int, ...]
    members: int

    @property
    def is_call(self) -> bool:
        return self.how == CALL


@dataclass(frozen=True)
class Entered:
    """The incident came to ``level``: declared at it, or moved there by a person or by Radar."""

    level: str
    at: datetime
    by_radar: bool
    declared: bool
    acknowledged: bool  # right after the move


@dataclass(frozen=True)
class Facts:
    """One incident, as a policy author checks it against the process."""

    incident_id: int
    service: str
    declared_at: datetime
    declared_level: str
    level: str
    entered: tuple[Entered, ...]
    acknowledged_at: datetime | None  # the first acknowledgement
    ended_at: datetime | None  # resolved or declined
    sent: tuple[Sent, ...]
    first_calls: Mapping[str, datetime]  # level -> the first call sent at that level
    sent_after_end: tuple[Sent, ...]  # must be empty


@dataclass(frozen=True)
class Counts:
    """Interruptions in each part of the day, and the calls among them."""

    by_when: Mapping[When, int] = field(default_factory=dict)
    calls: Mapping[When, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_when.values())

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def add(self, i: Interruption) -> Counts:
        by_when = dict(self.by_when)
        by_when[i.when] = by_when.get(i.when, 0) + 1
        calls = dict(self.calls)
        if i.is_call:
            calls[i.when] = calls.get(i.when, 0) + 1
        return Counts(by_when, calls)


def sent(policy: Policy, record: Record) -> list[Sent]:
    """The incident's notifications that went out, oldest first; Slack upkeep (cards refreshed,
    the incident's channel kept) is not a message and is left out."""
    out = []
    entries = sorted(record.timeline, key=lambda e: e.at)
    for n in record.notifications:
        if n.state is not DeliveryState.SENT or n.sent_at is None or n.kind.is_upkeep:
            continue
        out.append(
            Sent(
                id=n.id,
                incident_id=n.incident_id,
                recipient=n.address,
                label=n.label,
                person=is_person(n.target),
                how=how(n),
                kind=n.kind,
                cause=cause(n, entries),
                level=n.level,
                rank=n.rank,
                decided_at=n.created_at,
                at=n.sent_at,
                acknowledged=acknowledged(policy, entries, n.created_at),
            )
        )
    return sorted(out, key=lambda s: (s.at, s.id))


def is_person(target: str) -> bool:
    """A person, an incident role or a team role: not a channel, an address or a webhook."""
    try:
        return Target.parse(target).kind not in OWN_CHANNEL
    except InvalidInput:
        return False  # the admins' fallback, the incident's own channel


def how(n: Notification) -> str:
    """``call``, ``text``, ``email``, ``slack``, else the first channel's name."""
    if not n.channels:
        return "slack"
    return HOW.get(n.channels[0], n.channels[0].value)


def cause(n: Notification, timeline: Sequence[TimelineEntry]) -> Cause:
    if n.kind is Kind.PROPOSAL:
        return Cause.UPGRADE_PROPOSAL
    if n.kind is Kind.REMINDER:
        if n.body.startswith(UPDATE_REMINDER_STARTS):
            return Cause.UPDATE_REMINDER
        if all(part in n.body for part in ROLES_REMINDER_SAYS):
            return Cause.ROLES_REMINDER
        return Cause.OTHER
    if n.kind is not Kind.MESSAGE or n.level is None:
        return Cause.OTHER
    moved = _level_set(timeline, n.created_at)
    if moved is not None and moved.new == n.level and moved.via == ENGINE_VIA:
        return Cause.AUTOMATIC_UPGRADE
    return Cause.RESPONSE


def _level_set(timeline: Sequence[TimelineEntry], until: datetime) -> TimelineEntry | None:
    """The last declaration or severity change at or before ``until``."""
    last = None
    for e in timeline:
        if e.at > until:
            break
        if e.kind in ("declared", "severity_changed"):
            last = e
    return last


def acknowledged(policy: Policy, timeline: Sequence[TimelineEntry], at: datetime) -> bool:
    """Whether the incident stood acknowledged at ``at``: an acknowledgement counts until the
    incident is reopened, or moved to a more severe level that asks for a fresh one."""
    state = False
    for e in timeline:
        if e.at > at:
            break
        state = _after(policy, e, state)
    return state


def _after(policy: Policy, e: TimelineEntry, acked: bool) -> bool:
    if e.kind == "acknowledged":
        return True
    if e.kind == "reopened":
        return False
    if e.kind == "severity_changed" and acked and e.old and e.new:
        try:
            new, old = policy.severity(e.new), policy.severity(e.old)
        except InvalidInput:
            return acked
        return not (new.is_more_severe_than(old) and new.fresh_acknowledgement)
    return acked


def interruptions(policy: Policy, messages: Iterable[Sent]) -> list[Interruption]:
    """The messages that reached people, one per send (a bundle once), oldest first."""

    def send(s: Sent) -> tuple[str, str, datetime]:
        return (s.recipient, s.how, s.at)

    to_people = sorted((s for s in messages if s.person), key=send)
    out = []
    for (person, via, at), group in groupby(to_people, key=send):
        members = sorted(group, key=lambda s: (s.rank if s.rank is not None else 1_000, s.id))
        head = members[0]
        out.append(
            Interruption(
                person=person,
                at=at,
                when=when(policy, person, at),
                how=via,
                cause=head.cause,
                level=head.level,
                acknowledged=head.acknowledged,
                incident_ids=tuple(sorted({m.incident_id for m in members})),
                members=len(members),
            )
        )
    return sorted(out, key=lambda i: (i.at, i.person))


def home(policy: Policy, person_id: str) -> tuple[ZoneInfo, Calendar]:
    """A person's time zone and working hours: their own zone, else their first team's
    calendar's (as a member or a role holder), else the policy's default calendar's."""
    team = next(
        (t for t in policy.teams if person_id in t.members or person_id in t.roles.values()),
        None,
    )
    cal = policy.calendar_of(team)
    person = policy.person(person_id)
    zone = person.timezone if person is not None and person.timezone else cal.timezone
    return ZoneInfo(zone), cal


def when(policy: Policy, person_id: str, at: datetime) -> When:
    zone, cal = home(policy, person_id)
    if calendar.is_working(cal, at):
        return When.BUSINESS_HOURS
    local = at.astimezone(zone).time()
    if local >= NIGHT_STARTS or local < NIGHT_ENDS:
        return When.NIGHT
    return When.EVENING


def facts(policy: Policy, record: Record) -> Facts:
    i = record.incident
    assert i.id is not None
    entries = sorted(record.timeline, key=lambda e: e.at)
    messages = tuple(sent(policy, record))
    first_calls: dict[str, datetime] = {}
    for s in messages:
        if s.person and s.how == CALL and s.level is not None:
            first_calls.setdefault(s.level, s.at)
    ended = i.resolved_at if i.resolved_at is not None else i.closed_at
    acks = [e.at for e in entries if e.kind == "acknowledged"]
    return Facts(
        incident_id=i.id,
        service=i.service,
        declared_at=i.declared_at,
        declared_level=next((e.new for e in entries if e.kind == "declared" and e.new), i.severity),
        level=i.severity,
        entered=tuple(_entered(policy, entries)),
        acknowledged_at=acks[0] if acks else None,
        ended_at=ended,
        sent=messages,
        first_calls=first_calls,
        sent_after_end=tuple(s for s in messages if ended is not None and s.at > ended),
    )


def _entered(policy: Policy, entries: Sequence[TimelineEntry]) -> list[Entered]:
    out = []
    acked = False
    for e in entries:
        acked = _after(policy, e, acked)
        if e.kind in ("declared", "severity_changed") and e.new:
            out.append(Entered(e.new, e.at, e.via == ENGINE_VIA, e.kind == "declared", acked))
    return out


def tally(found: Iterable[Interruption], key: str) -> dict[str, Counts]:
    """Counts per ``key`` (``person``, ``cause``, ``how`` ...), in order of the first seen."""
    out: dict[str, Counts] = {}
    for i in found:
        k = str(getattr(i, key))
        out[k] = out.get(k, Counts()).add(i)
    return out


def total(counts: Iterable[Counts]) -> Counts:
    by_when: dict[When, int] = {}
    calls: dict[When, int] = {}
    for c in counts:
        for w, n in c.by_when.items():
            by_when[w] = by_when.get(w, 0) + n
        for w, n in c.calls.items():
            calls[w] = calls.get(w, 0) + n
    return Counts(by_when, calls)
