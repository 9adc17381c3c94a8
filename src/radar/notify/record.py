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

from radar.domain.notification import Notification


class RecordNotifier:
    def __init__(self, path: Path) -> None:
        self.path = path

    def deliver(self, notification: Notification) -> str:
        n = notification
        line = {
            "key": n.key,
            "id": n.id,
            "incident_id": n.incident_id,
            "target": n.target,
            "address": n.address,
            "channels": [c.value for c in n.channels],
            "subject": n.subject,
            "body": n.body,
            "queued_at": n.next_attempt_at.isoformat(),
            "sent_at": datetime.now(UTC).isoformat(),
            "pid": os.getpid(),
        }
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        return "record"
