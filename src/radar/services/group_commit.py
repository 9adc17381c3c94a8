"""Group commit: many small writes from concurrent requests share one transaction.

One writer thread per process takes every piece of work queued so far, runs them all in one
write transaction, commits once, and only then resolves each caller's future: so a caller
told "done" is told after its work is durable, exactly as with a transaction of its own, but a
storm of events pays for one ``BEGIN``, one ``COMMIT`` (one fsync on SQLite) and one writer
hand-off per batch instead of per event.

Each piece fails alone: when one raises, the batch is undone and run again with each piece in a
savepoint, so the exception undoes only that piece's writes and is raised to its own caller; the
others commit. Work may therefore run twice: whatever it does outside the transaction must be
harmless to repeat. A conflict with another process (a unique index,
PostgreSQL's deadlock or serialisation failure) is retried in a fresh savepoint. If the batch's
``COMMIT`` fails, nothing of it is stored and every caller in it gets the error: never a
success that was not written.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

from radar.store.uow import UnitOfWork, UnitOfWorkProvider

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 256  # bounds one transaction's length, so other writers get their turn
ATTEMPTS = 3
# PostgreSQL: deadlock_detected, serialization_failure: retrying the piece is the remedy.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})


@dataclass
class _Work(Generic[T]):
    run: Callable[[UnitOfWork], T]
    then: Callable[[T], None] | None
    future: Future[T] = field(default_factory=Future)
    outcome: tuple[bool, Any] | None = None  # (succeeded, result or exception)


class GroupCommit:
    def __init__(self, uow: UnitOfWorkProvider, *, name: str = "group-commit") -> None:
        self._uow = uow
        self._name = name
        self._queue: queue.SimpleQueue[_Work[Any] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def submit(
        self, run: Callable[[UnitOfWork], T], then: Callable[[T], None] | None = None
    ) -> Future[T]:
        """Run ``run(uow)`` in the next batch; the future resolves once the batch committed.
        ``then`` runs on the writer after the commit, before the future resolves."""
        work: _Work[T] = _Work(run, then)
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self._name} is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            self._queue.put(work)
        return work.future

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop the writer."""
        with self._lock:
            self._closed = True
            thread = self._thread
            self._queue.put(None)
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch: list[_Work[Any]] = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._write(batch)
            if stop:
                return

    def _write(self, queued: list[_Work[Any]]) -> None:
        # A caller that gave up before its work began (its request was cancelled) is skipped:
        # it was never told anything. Once running, a future can no longer be cancelled.
        batch = [work for work in queued if work.future.set_running_or_notify_cancel()]
        if not batch:
            return
        try:
            try:
                self._transaction(batch, careful=False)
            except _Redo:
                self._transaction(batch, careful=True)
        except Exception as exc:  # BEGIN or COMMIT failed: nothing of the batch is stored
            log.exception("a batch of %d writes failed to commit", len(batch))
            for work in batch:
                work.future.set_exception(exc)
            return
        for work in batch:
            assert work.outcome is not None
            succeeded, value = work.outcome
            if not succeeded:
                work.future.set_exception(value)
                continue
            if work.then is not None:
                try:
                    work.then(value)
                except Exception:  # the write is stored: its caller still hears so
                    log.exception("an after-commit step failed")
            work.future.set_result(value)

    def _transaction(self, batch: list[_Work[Any]], *, careful: bool) -> None:
        """One transaction for the batch. Optimistic first: the pieces run one after another
        with nothing between them; the first that raises undoes the whole transaction, and the
        batch runs again ``careful``ly, each piece in a savepoint of its own (two statements
        more per piece, so only when something failed)."""
        with self._uow(write=True) as uow:
            for work in batch:
                if careful:
                    work.outcome = _attempt(uow, work)
                    continue
                try:
                    work.outcome = True, work.run(uow)
                except Exception as exc:
                    raise _Redo from exc
            uow.commit()


class _Redo(Exception):
    """A piece failed in an optimistic batch: run the batch again with savepoints."""


def _attempt(uow: UnitOfWork, work: _Work[Any]) -> tuple[bool, Any]:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with uow.savepoint():
                return True, work.run(uow)
        except (IntegrityError, DBAPIError) as exc:
            if attempt == ATTEMPTS or not _retryable(exc):
                return False, exc
        except Exception as exc:
            return False, exc
    raise AssertionError("unreachable")


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # another process stored the same row first; the next attempt sees it
    return getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES
