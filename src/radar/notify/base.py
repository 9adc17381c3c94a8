"""What every channel offers the engine: deliver one notification, or say why not."""

from __future__ import annotations

from typing import Protocol

from radar.domain.notification import Notification


class DeliveryError(Exception):
    """Sending failed. ``retryable`` failures are tried again later with backoff."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class Notifier(Protocol):
    def deliver(self, notification: Notification) -> str:
        """Send ``notification``; return the name of the channel that carried it."""
        ...
