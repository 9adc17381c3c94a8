"""Deliver a notification through its channels in order: the first, then each fallback.

A channel that is not configured, or that cannot reach this recipient (no phone number, say),
is passed over and named in the error; the first channel that accepts the message wins. When
none does, the notification fails: retryably if any channel failed for a reason that may pass
(a timeout, a 5xx, a rate limit), for good otherwise ("not sent: slack not configured").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from radar.domain.notification import Notification
from radar.domain.response import Channel
from radar.notify.base import DeliveryError

log = logging.getLogger("radar.notify")


class Sender(Protocol):
    def send(self, notification: Notification, address: str) -> None:
        """Send to ``address`` (a channel, a user id, an email address, a number, a URL), or
        raise ``DeliveryError``."""
        ...


class Router:
    def __init__(self, senders: Mapping[Channel, Sender]) -> None:
        self._senders = dict(senders)

    @property
    def configured(self) -> frozenset[Channel]:
        return frozenset(self._senders)

    def deliver(self, notification: Notification) -> str:
        problems: list[str] = []
        retryable, wait = False, None
        for channel in notification.channels:
            sender = self._senders.get(channel)
            address = notification.address_for(channel)
            if sender is None:
                problems.append(f"{channel.value} not configured")
                continue
            if not address:
                problems.append(f"no {channel.value} address for {notification.label}")
                continue
            try:
                sender.send(notification, address)
            except DeliveryError as exc:
                problems.append(f"{channel.value}: {exc.message}")
                retryable = retryable or exc.retryable
                wait = max(wait or 0.0, exc.retry_after or 0.0) or None
                continue
            return channel.value
        message = "not sent: " + "; ".join(problems or ["no channel"])
        log.warning(
            "%s to %s: %s | %s", notification.key, notification.label, message, notification.subject
        )
        raise DeliveryError(message, retryable=retryable, retry_after=wait)
