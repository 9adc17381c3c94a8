"""The log channel: each notification becomes one line in Radar's log.

It is what Radar does before any real channel is configured, so that nothing the engine
decides is silently dropped.
"""

from __future__ import annotations

import logging

from radar.domain.notification import Notification

log = logging.getLogger("radar.notify")


class LogNotifier:
    def deliver(self, notification: Notification) -> str:
        n = notification
        via = ",".join(c.value for c in n.channels)
        log.info("notify %s <%s> via %s: %s | %s", n.label, n.address, via, n.subject, n.body)
        return "log"
