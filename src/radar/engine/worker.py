"""The worker loop. It fires due timers and claims due notifications, hands each claimed message
to one of its sender threads, then sleeps until the next due time or until woken (a change in
this process, another process's announcement, a sender finishing). It never polls in a busy loop
and never dies: a failing pass is logged and retried with backoff.

Timers never wait for channels: a slow webhook or a hung SMTP server occupies one sender, while
the loop goes on firing timers on time and the other senders go on sending. A keeper thread
renews the leases of everything claimed and not yet recorded, so however long a send takes, no
other worker sends the same notification while this one lives.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from radar.clock import Clock
from radar.domain.notification import Notification
from radar.services.engine import EngineService
from radar.services.wakeup import Waker

log = logging.getLogger(__name__)

BATCH = 50
SENDERS = 4
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
    senders: int = SENDERS
    stop: threading.Event = field(default_factory=threading.Event)
    _flight: dict[int, tuple[int, ...]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _finished: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def run(self) -> None:
        """Work until ``stop`` is set (see ``shutdown``); sends on their way are finished and
        recorded before it returns."""
        listener = threading.Thread(
            target=self.engine.listen, args=(self.stop, self.waker.wake), daemon=True
        )
        listener.start()
        keeper = threading.Thread(target=self._keep_leases, name="radar-leases", daemon=True)
        self._pool = ThreadPoolExecutor(self.senders, thread_name_prefix="radar-send")
        keeper.start()
        log.info("engine worker %s started with %d senders", self.name, self.senders)
        try:
            self._loop()
        finally:
            self._pool.shutdown(wait=True)
            self._finished.set()
            keeper.join(timeout=5)
            listener.join(timeout=5)
        log.info("engine worker %s stopped", self.name)

    def _loop(self) -> None:
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

    def run_once(self) -> int:
        """One pass: fire what is due, claim what is queued for the senders that are free.
        How much was done."""
        fired = self.engine.fire_due(self.batch)
        free = self._free()
        if free == 0:
            return fired
        claimed = self.engine.claim(self.name, min(free, self.batch))
        for batch in claimed.batches:
            self._submit(batch)
        return fired + claimed.taken

    def _free(self) -> int:
        with self._lock:
            return self.senders - len(self._flight)

    def _submit(self, batch: Notification) -> None:
        assert self._pool is not None, "run() starts the senders"
        with self._lock:
            self._flight[batch.id] = tuple(m.id for m in batch.members)
        future = self._pool.submit(self.engine.deliver, self.name, batch)
        future.add_done_callback(lambda f: self._done(batch, f))

    def _done(self, batch: Notification, future: Future[bool]) -> None:
        with self._lock:
            self._flight.pop(batch.id, None)
        if future.exception() is not None:
            # Recording failed (the database was away): the lease lapses and the send is retried.
            log.error("sending %s failed", batch.key, exc_info=future.exception())
        self.waker.wake()  # a sender is free

    def _keep_leases(self) -> None:
        """Renew the leases of everything claimed and not yet recorded, three times a lease,
        until the last send after ``stop`` is recorded."""
        period = self.engine.lease.total_seconds() / 3
        while not self._finished.wait(period):
            ids = self._flying()
            try:
                self.engine.renew(self.name, ids)
            except Exception:
                log.exception("renewing the leases of %d notifications failed", len(ids))

    def _flying(self) -> list[int]:
        with self._lock:
            return [i for ids in self._flight.values() for i in ids]

    def _sleep(self, did: int) -> float:
        """Seconds until the next due work; 0 to go again at once."""
        due = self.engine.next_due(outbox=self._free() > 0)
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
