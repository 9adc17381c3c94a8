"""The worker loop. It fires due timers and delivers the outbox, then sleeps until the next due
time or until woken (a change in this process, or another process's announcement). It never
polls in a busy loop and never dies: a failing pass is logged and retried with backoff.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field

from radar.clock import Clock
from radar.services.engine import EngineService
from radar.services.wakeup import Waker

log = logging.getLogger(__name__)

BATCH = 50
MAX_SLEEP = 60.0
MAX_BACKOFF = 30.0
IDLE_RETRY = 0.05


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass
class Worker:
    engine: EngineService
    waker: Waker
    clock: Clock
    name: str = field(default_factory=worker_name)
    batch: int = BATCH
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Work until ``stop`` is set (see ``shutdown``)."""
        listener = threading.Thread(
            target=self.engine.listen, args=(self.stop, self.waker.wake), daemon=True
        )
        listener.start()
        log.info("engine worker %s started", self.name)
        failures = 0
        while not self.stop.is_set():
            try:
                did = self.run_once()
                failures = 0
            except Exception:
                failures += 1
                pause = min(0.5 * 2**failures, MAX_BACKOFF)
                log.exception("engine pass failed; retrying in %.1f s", pause)
                self.stop.wait(pause)
                continue
            pause = self._sleep(did)
            if pause > 0:
                self.waker.wait(pause)
        listener.join(timeout=5)
        log.info("engine worker %s stopped", self.name)

    def run_once(self) -> int:
        """One pass: fire what is due, deliver what is queued. How much was done."""
        fired = self.engine.fire_due(self.batch)
        sent = self.engine.deliver_due(self.name, self.batch)
        return fired + sent

    def _sleep(self, did: int) -> float:
        """Seconds until the next due work; 0 to go again at once."""
        due = self.engine.next_due()
        if due is None:
            return MAX_SLEEP
        wait = (due - self.clock.now()).total_seconds()
        if wait > 0:
            return min(wait, MAX_SLEEP)
        # Due already. If this pass got work done, more may be waiting: go on. If it got
        # nothing, someone else holds it (another worker, a person's change): look again soon.
        return 0.0 if did else IDLE_RETRY

    def shutdown(self) -> None:
        self.stop.set()
        self.waker.wake()


def start_in_thread(worker: Worker) -> threading.Thread:
    thread = threading.Thread(target=worker.run, name="radar-engine", daemon=True)
    thread.start()
    return thread
