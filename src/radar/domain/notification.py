"""A notification in the outbox: one message to one target, and what became of it.

While its sender lives, a notification is sent at most once: a worker leases it, marks the send
begun (still holding the lease), sends, and records the outcome; its lease is renewed for as long
as the send takes. A worker that dies after beginning a send leaves the lease to lapse, and
another worker sends that notification once more, with the same ``key`` (the channels' idempotency
key) so receivers can drop the repeat. See docs/notifications.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from radar.domain.response import URGENCY, Channel

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(minutes=10)


class Kind(StrEnum):
    MESSAGE = "message"  # a page: a step of the response; it offers to acknowledge
    REMINDER = "reminder"  # a nudge: an update is due, a role is missing
    REFRESH = "refresh"  # bring the earlier Slack message about the incident up to date
    CHANNEL = "channel"  # open the incident's own Slack channel, or bring it up to date
    MIRROR = "mirror"  # a status update, posted in the incident's own Slack channel
    PROPOSAL = "proposal"  # Radar proposes an upgrade; a person accepts or declines it

    @property
    def is_upkeep(self) -> bool:
        """Keeping Slack in step with the incident, not telling a person anything new: never
        bundled, signed or windowed; a failure is noted on the timeline, nobody else is told."""
        return self in (Kind.REFRESH, Kind.CHANNEL, Kind.MIRROR)


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # a refresh with nothing left to update


@dataclass(frozen=True)
class Notification:
    id: int
    incident_id: int
    key: str
    target: str
    address: str
    label: str
    channels: tuple[Channel, ...]
    subject: str
    body: str
    state: DeliveryState
    created_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    sent_at: datetime | None = None
    channel: str | None = None
    last_error: str | None = None
    contacts: Mapping[str, str] = field(default_factory=dict)
    link_used_at: datetime | None = None
    facts: tuple[tuple[str, str], ...] = ()
    kind: Kind = Kind.MESSAGE
    provider_id: str | None = None  # what the provider called it: Slack channel:ts, Twilio SID
    ack_token: str | None = None  # set when sending: signs the acknowledge link and keypress
    ack_url: str | None = None  # set when sending: a signed one-click acknowledge link
    bundled: tuple[Notification, ...] = ()  # others for the same recipient sent in this one
    # A send begun and never recorded: its worker died mid-send, so this one may be a repeat.
    interrupted_at: datetime | None = None
    # The level it was decided for (None for word to the admins): see ``Firing`` and ``stale``.
    level: str | None = None
    rank: int | None = None
    urgent: bool = False
    until_ack: bool = False

    @property
    def members(self) -> tuple[Notification, ...]:
        """The notifications this message carries: itself, or the bundle."""
        return self.bundled or (self,)

    @property
    def idempotency_key(self) -> str:
        """What a receiver may drop a repeat by: the notification's key, or for a bundle one
        made from every key it carries. The same on every try and after a takeover."""
        if not self.bundled:
            return self.key
        joined = "\n".join(m.key for m in self.bundled)
        return "bundle:" + hashlib.sha256(joined.encode()).hexdigest()[:32]

    def address_for(self, channel: Channel) -> str | None:
        """Where ``channel`` reaches the recipient: a phone number, an address, a Slack id."""
        return self.contacts.get(channel.value)


@dataclass(frozen=True)
class Attempt:
    """One try on one channel, or a later word from the provider about it."""

    channel: str
    outcome: str  # sent, failed, skipped; ringing, answered, no-answer, pressed 1 ...
    detail: str = ""
    provider_id: str | None = None
    at: datetime | None = None  # when it was recorded (set when read back)


@dataclass(frozen=True)
class Delivered:
    """A notification that a channel took: which one, the provider's id, every try on the way."""

    channel: str
    provider_id: str | None = None
    attempts: tuple[Attempt, ...] = ()


# At most one message per recipient on a channel per window; what piles up meanwhile goes out
# as one bundle when the window reopens. Email and webhooks have no window. The defaults of the
# server's RADAR_NOTIFY_SEND_WINDOWS.
WINDOWS = {
    Channel.PHONE: timedelta(minutes=1),
    Channel.SMS: timedelta(minutes=1),
    Channel.SLACK: timedelta(seconds=1),
    Channel.APPRISE: timedelta(seconds=1),
}

MAX_BUNDLE = 10  # a longer message is not read; the rest go in the next window


def window(
    n: Notification, windows: Mapping[Channel, timedelta] = WINDOWS
) -> tuple[str, timedelta] | None:
    """The send window ``n`` falls in: its first channel and the address there."""
    if n.kind.is_upkeep or not n.channels:
        return None
    channel = n.channels[0]
    span = windows.get(channel)
    if not span:
        return None
    return f"{channel.value}:{n.address_for(channel) or n.address}", span


_KIND_ORDER = {Kind.MESSAGE: 0, Kind.PROPOSAL: 1, Kind.REMINDER: 2}


def severity_order(n: Notification) -> tuple[int, int, int, int]:
    """Sort key, the most urgent first: the most severe level (word without a level last), a
    page before a proposal before a reminder, the most urgent channel, then the oldest."""
    channel = URGENCY.index(n.channels[0]) if n.channels else len(URGENCY)
    rank = n.rank if n.rank is not None else 1_000
    return (rank, _KIND_ORDER.get(n.kind, 3), channel, n.id)


def fold_key(n: Notification) -> tuple[int, str, datetime] | None:
    """Messages decided for one person about one incident in one engine pass share this key:
    they go out as one message. None for Slack upkeep, which is never folded."""
    if n.kind.is_upkeep:
        return None
    return (n.incident_id, n.address, n.created_at)


_WHAT = {
    "phone": "Call to {label}",
    "sms": "Text to {label}",
    "email": "Email to {label}",
    "slack": "Slack message to {label}",
    "webhook": "Webhook to {label}",
    "apprise": "Apprise notification to {label}",
}


def what(n: Notification) -> str:
    """The message as people would name it: "Call to Laura Gómez (...)", "Post in #radar"."""
    if n.target.startswith("slack:"):
        return f"Post in {n.label}"
    channel = n.channels[0].value if n.channels else "slack"
    return _WHAT.get(channel, "Message to {label}").format(label=n.label)


def bundle(members: tuple[Notification, ...]) -> Notification:
    """One message carrying several notifications for the same recipient, in order."""
    if len(members) == 1:
        return members[0]
    head = members[0]
    parts = []
    for m in members:
        link = f"\nAcknowledge: {m.ack_url}" if m.ack_url else ""
        parts.append(f"{m.subject}\n{m.body}{link}")
    return replace(
        head,
        subject=f"{len(members)} notifications from Radar",
        body="\n\n".join(parts),
        facts=(),
        ack_url=None,
        ack_token=None,
        bundled=members,
    )


_DONE = {
    "slack": "sent {label} a Slack message",
    "email": "emailed {label}",
    "phone": "called {label}",
    "sms": "texted {label}",
    "webhook": "sent the webhook to {label}",
    "apprise": "notified {label} through Apprise",
    "record": "recorded the message to {label}",
}


def story(
    n: Notification, d: Delivered, now: datetime | None = None, incident_id: int | None = None
) -> str:
    """What happened, for the timeline: "Called Laura Gómez (...) after slack: timed out". When
    the send came well after the decision (a send window, a retry), it says how long after."""
    if d.channel == "slack" and n.target.startswith("slack:"):
        text = f"posted in {n.label} on Slack"
    else:
        text = _DONE.get(d.channel, "sent {label} a message by " + d.channel).format(label=n.label)
    text = text[0].upper() + text[1:]
    missed = [f"{a.channel}: {a.detail}" for a in d.attempts if a.outcome != "sent"]
    if missed:
        text += " (" + "; ".join(missed) + ")"
    if len(n.members) > 1:
        text += f", in one message with {len(n.members) - 1} other notification"
        text += "" if len(n.members) == 2 else "s"
        text += _about(n, n.incident_id if incident_id is None else incident_id)
    if any(m.interrupted_at is not None for m in n.members):
        text += ", again: the worker sending it stopped before it could record the send"
    decided = min(m.created_at for m in n.members)
    if now is not None and now - decided >= LATE_SEND:
        text += f" ({_ago(now - decided)} after Radar decided to)"
    return text


def _about(n: Notification, incident_id: int) -> str:
    """Which other incidents a bundle's notifications were about, seen from ``incident_id``."""
    others = sorted({m.incident_id for m in n.members} - {incident_id})
    if not others:
        return ""
    return " (about " + ", ".join(f"INC-{i}" for i in others) + ")"


LATE_SEND = timedelta(seconds=5)  # a send this long after its decision says how long


def _ago(gap: timedelta) -> str:
    seconds = int(gap.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def retry_at(attempts: int, now: datetime, jitter: float = 0.5) -> datetime | None:
    """When to try again after ``attempts`` failed tries: 30 s, doubling, at most 10 minutes
    apart, spread by ±10 % (``jitter`` in [0, 1), 0.5 for none) so that many notifications
    failing together do not all retry at once; None once ``MAX_ATTEMPTS`` are spent."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait: timedelta = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)
    return now + wait * (0.9 + 0.2 * jitter)
