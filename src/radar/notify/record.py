"""The record channel: each notification is appended to a file as one JSON line.

For drills, tests and benchmarks: a process killed at any moment leaves whole lines behind
(each line is written with a single ``write`` on a file opened for appending), and several
processes may share one file.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from radar.domain.notification import Attempt, Delivered, Kind, Notification


class RecordNotifier:
    def __init__(self, path: Path) -> None:
        self.path = path

    def deliver(self, notification: Notification) -> Delivered:
        """One line per notification; a bundle writes one line for each it carries, all in
        one ``write``, each naming the bundle's size."""
        size = len(notification.members)
        sent_at = datetime.now(UTC).isoformat()
        lines = [
            {
                "key": n.key,
                "id": n.id,
                "incident_id": n.incident_id,
                "target": n.target,
                "address": n.address,
                "channels": [c.value for c in n.channels],
                "kind": n.kind.value,
                "subject": n.subject,
                "body": n.body,
                "bundle": size,
                "queued_at": n.next_attempt_at.isoformat(),
                "sent_at": sent_at,
                "pid": os.getpid(),
            }
            for n in notification.members
        ]
        data = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        # An incident's channel "exists" once recorded, so what is posted in it is recorded too.
        opened = f"record:{notification.address}" if notification.kind is Kind.CHANNEL else None
        return Delivered("record", opened, (Attempt("record", "sent", str(self.path), opened),))
