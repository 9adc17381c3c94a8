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
                busy = self.run_once()
                failures = 0
            except Exception:
                failures += 1
                pause = min(0.5 * 2**failures, MAX_BACKOFF)
                log.exception("engine pass failed; retrying in %.1f s", pause)
                self.stop.wait(pause)
                continue
            if not busy:
                self.waker.wait(self._sleep())
        listener.join(timeout=5)
        log.info("engine worker %s stopped", self.name)

    def run_once(self) -> bool:
        """One pass; True when there may be more due work right now."""
        fired = self.engine.fire_due(self.batch)
        sent = self.engine.deliver_due(self.name, self.batch)
        return fired >= self.batch or sent >= self.batch

    def _sleep(self) -> float:
        due = self.engine.next_due()
        if due is None:
            return MAX_SLEEP
        wait = (due - self.clock.now()).total_seconds()
        # Due already but not taken: another worker or a person holds it. Look again shortly.
        return min(wait if wait > 0 else 0.05, MAX_SLEEP)

    def shutdown(self) -> None:
        self.stop.set()
        self.waker.wake()


def start_in_thread(worker: Worker) -> threading.Thread:
    thread = threading.Thread(target=worker.run, name="radar-engine", daemon=True)
    thread.start()
    return thread
