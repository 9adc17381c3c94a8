"""Wake the engine when there is new work, instead of letting it poll.

Within a process, services call ``wake()`` after committing a change that scheduled timers.
Across processes, the transaction itself announces the work (PostgreSQL ``NOTIFY``) and each
worker's listener calls ``wake()`` (see ``store.db.listen``).
"""

from __future__ import annotations

import threading


class Waker:
    def __init__(self) -> None:
        self._event = threading.Event()

    def wake(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds or until woken; True if woken."""
        woke = self._event.wait(max(timeout, 0.0))
        self._event.clear()
        return woke
