"""Deliver a notification through its channels in order: the first, then each fallback.

A channel that is not configured, or that cannot reach this recipient (no phone number, say),
is passed over and named in the error; the first channel that accepts the message wins. When
none does, the notification fails: retryably if any channel failed for a reason that may pass
(a timeout, a 5xx, a rate limit), for good otherwise ("not sent: slack not configured").

Every channel tried is one ``Attempt``, kept with the notification.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Protocol, runtime_checkable

from radar.domain.notification import Attempt, Delivered, Kind, Notification
from radar.domain.response import Channel
from radar.notify.base import DeliveryError

log = logging.getLogger("radar.notify")


class Sender(Protocol):
    def send(self, notification: Notification, address: str) -> str | None:
        """Send to ``address`` (a channel, a user id, an email address, a number, a URL) and
        return the provider's id for the message, or raise ``DeliveryError``."""
        ...


@runtime_checkable
class Updater(Protocol):
    def update(self, notification: Notification, provider_id: str) -> str | None:
        """Replace the message ``provider_id`` with ``notification`` (Slack's ``chat.update``)."""
        ...


@runtime_checkable
class ChannelKeeper(Protocol):
    def keep_channel(self, notification: Notification, channel_id: str | None) -> Delivered:
        """Open the incident's own channel (``channel_id`` None) or bring it up to date: the
        delivery names the channel's id, and says ``created`` when it was opened now."""
        ...


class Router:
    def __init__(self, senders: Mapping[Channel, Sender]) -> None:
        self._senders = dict(senders)

    @property
    def configured(self) -> frozenset[Channel]:
        return frozenset(self._senders)

    def deliver(self, notification: Notification) -> Delivered:
        if notification.kind is Kind.REFRESH:
            return self._refresh(notification)
        if notification.kind is Kind.CHANNEL:
            return self._keep_channel(notification)
        if notification.kind is Kind.MIRROR and notification.provider_id:
            # Posted in the incident's channel, whose id the engine found.
            notification = replace(
                notification, contacts={Channel.SLACK.value: notification.provider_id}
            )
        problems: list[str] = []
        attempts: list[Attempt] = []
        retryable, wait = False, None
        for channel in notification.channels:
            sender = self._senders.get(channel)
            address = notification.address_for(channel)
            if sender is None or not address:
                problem = (
                    f"{channel.value} not configured"
                    if sender is None
                    else f"no {channel.value} address for {notification.label}"
                )
                problems.append(problem)
                attempts.append(Attempt(channel.value, "skipped", problem))
                continue
            try:
                provider_id = sender.send(notification, address)
            except DeliveryError as exc:
                problems.append(f"{channel.value}: {exc.message}")
                attempts.append(Attempt(channel.value, "failed", exc.message))
                retryable = retryable or exc.retryable
                wait = max(wait or 0.0, exc.retry_after or 0.0) or None
                continue
            attempts.append(Attempt(channel.value, "sent", address, provider_id))
            return Delivered(channel.value, provider_id, tuple(attempts))
        message = "not sent: " + "; ".join(problems or ["no channel"])
        log.warning(
            "%s to %s: %s | %s", notification.key, notification.label, message, notification.subject
        )
        raise DeliveryError(
            message, retryable=retryable, retry_after=wait, attempts=tuple(attempts)
        )

    def _keep_channel(self, n: Notification) -> Delivered:
        sender = self._senders.get(Channel.SLACK)
        if not isinstance(sender, ChannelKeeper):
            raise DeliveryError("no incident channel: Slack not configured", retryable=False)
        try:
            return sender.keep_channel(n, n.provider_id)
        except DeliveryError as exc:
            exc.attempts = (Attempt(Channel.SLACK.value, "failed", exc.message),)
            raise

    def _refresh(self, n: Notification) -> Delivered:
        sender = self._senders.get(Channel.SLACK)
        if n.provider_id is None or not isinstance(sender, Updater):
            raise DeliveryError("nothing to update: Slack not configured", retryable=False)
        try:
            provider_id = sender.update(n, n.provider_id)
        except DeliveryError as exc:
            exc.attempts = (Attempt(Channel.SLACK.value, "failed", exc.message),)
            raise
        attempt = Attempt(Channel.SLACK.value, "updated", n.provider_id, provider_id)
        return Delivered(Channel.SLACK.value, provider_id, (attempt,))
