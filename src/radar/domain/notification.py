"""A notification in the outbox: one message to one target, and what became of it.

Delivery is at least once: a worker leases a notification, sends it, then records the result.
A worker that dies between sending and recording leaves the lease to expire and another worker
sends again, with the same ``key`` so receivers can tell a repeat from a new message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from radar.domain.response import Channel

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(minutes=10)


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


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
    ack_url: str | None = None  # set when sending: a signed one-click acknowledge link

    def address_for(self, channel: Channel) -> str | None:
        """Where ``channel`` reaches the recipient: a phone number, an address, a Slack id."""
        return self.contacts.get(channel.value)


def retry_at(attempts: int, now: datetime, jitter: float = 0.5) -> datetime | None:
    """When to try again after ``attempts`` failed tries: 30 s, doubling, at most 10 minutes
    apart, spread by ±10 % (``jitter`` in [0, 1), 0.5 for none) so that many notifications
    failing together do not all retry at once; None once ``MAX_ATTEMPTS`` are spent."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait: timedelta = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)
    return now + wait * (0.9 + 0.2 * jitter)
