"""Apprise: Microsoft Teams, Telegram, Discord, ntfy, Pushover and the rest, by URL, so a team
adds a channel without code. An ``apprise:NAME`` target sends to every URL the server's
``RADAR_APPRISE_URLS`` gives that name (the URLs carry tokens, so they are not in the policy).
"""

from __future__ import annotations

from collections.abc import Mapping

import apprise

from radar.domain.notification import Notification
from radar.notify.base import DeliveryError


class AppriseSender:
    def __init__(self, named: Mapping[str, list[str]]) -> None:
        self._named = dict(named)

    def send(self, notification: Notification, address: str) -> str | None:
        urls = self._named.get(address)
        if not urls:
            raise DeliveryError(
                f"RADAR_APPRISE_URLS names no {address!r}; it has: "
                + (", ".join(sorted(self._named)) or "none"),
                retryable=False,
            )
        sender = apprise.Apprise()
        for number, url in enumerate(urls, start=1):
            if not sender.add(url):
                # The URL itself is not shown: it carries a token.
                raise DeliveryError(
                    f"Apprise cannot use URL {number} of {address!r}", retryable=False
                )
        n = notification
        link = f"\n\nAcknowledge: {n.ack_url}" if n.ack_url else ""
        if not sender.notify(title=n.subject, body=f"{n.body}{link}"):
            raise DeliveryError(f"Apprise: {address} did not take the message")
        return None
