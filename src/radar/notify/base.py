"""What every channel offers the engine: deliver one notification, or say why not."""

from __future__ import annotations

from typing import Protocol

from radar.domain.notification import Attempt, Delivered, Notification


class DeliveryError(Exception):
    """Sending failed. ``retryable`` failures are tried again later with backoff, and not before
    ``retry_after`` seconds when the provider said so (HTTP 429 ``Retry-After``). ``attempts``
    are the tries made on the way (one per channel), for the record."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = True,
        retry_after: float | None = None,
        attempts: tuple[Attempt, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        self.attempts = attempts


class Notifier(Protocol):
    def deliver(self, notification: Notification) -> Delivered:
        """Send ``notification``: which channel carried it, and the provider's id for it."""
        ...


def incident_link(public_url: str, reference: str) -> str:
    """Where a message sends people to see the incident: its page in the web UI."""
    return f"{public_url.rstrip('/')}/incidents/{reference}"
