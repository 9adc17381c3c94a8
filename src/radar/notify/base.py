"""What every channel offers the engine: deliver one notification, or say why not."""

from __future__ import annotations

from typing import Protocol

from radar.domain.notification import Notification


class DeliveryError(Exception):
    """Sending failed. ``retryable`` failures are tried again later with backoff, and not before
    ``retry_after`` seconds when the provider said so (HTTP 429 ``Retry-After``)."""

    def __init__(
        self, message: str, *, retryable: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after


class Notifier(Protocol):
    def deliver(self, notification: Notification) -> str:
        """Send ``notification``; return the name of the channel that carried it."""
        ...
