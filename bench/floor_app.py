"""The floor under Radar's alert intake, for ``bench/ingest.py``: the least a Python web app on
this stack must do to accept a PagerDuty Events API v2 event durably.

One endpoint, ``POST /v2/enqueue``: read the body, parse the JSON, check that it carries a
routing key, a dedup key and a summary, then upsert one row into SQLite in its own transaction
and answer 202 as PagerDuty does (so an answer still means "stored")::

    INSERT INTO alerts ... ON CONFLICT(dedup_key) DO UPDATE SET count = count + 1, ...

Radar does more for the same event (it validates every field, looks the integration key up by its
digest, reads the running policy, finds the open alert and updates it or inserts one, maybe opens
an incident); the floor is what is left without any of that. It runs as Radar's ``radar serve``
does wherever it makes sense: one uvicorn process (uvloop and httptools when installed, no access
log), an ``async`` handler that reads the body on the event loop and does the database work on
AnyIO's thread pool limited to the same number of threads (``RADAR_WORKER_THREADS``, 6), one
writer at a time behind an in-process lock, SQLite in WAL mode with ``synchronous=FULL`` (Radar's
default), and the start-up objects frozen out of the garbage collector's scans.

    python bench/floor_app.py --port 8099 --database /tmp/floor.db

``--group-commit`` is an experiment, not the floor: concurrent requests share one transaction and
each is answered once its batch has committed (see ``GroupCommitStore``).

``GET /healthz`` is Radar's (a plain function on the thread pool, no database); ``GET /readyz``
answers 200 once the table exists. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import queue
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import uvicorn
from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    dedup_key TEXT PRIMARY KEY,
    routing_key TEXT NOT NULL,
    summary TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
)
"""
UPSERT = """
INSERT INTO alerts (dedup_key, routing_key, summary, count, first_seen, last_seen)
VALUES (?, ?, ?, 1, ?, ?)
ON CONFLICT(dedup_key) DO UPDATE SET
    count = count + 1, summary = excluded.summary, last_seen = excluded.last_seen
"""
SYNCHRONOUS = ("FULL", "NORMAL")


class Store:
    """One SQLite connection in autocommit mode: each upsert is its own transaction (and, with
    ``synchronous=FULL``, its own fsync of the WAL). Writers take turns on a lock, as Radar's do."""

    def __init__(self, path: str, synchronous: str) -> None:
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {SYNCHRONOUS}")
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous}")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.execute(SCHEMA)
        self._lock = threading.Lock()

    async def store(self, routing_key: str, dedup_key: str, summary: str) -> None:
        """Stored (committed) when this returns."""
        await run_in_threadpool(self._upsert, routing_key, dedup_key, summary)

    def _upsert(self, routing_key: str, dedup_key: str, summary: str) -> None:
        now = datetime.now(UTC).isoformat()
        with self._lock:
            self._conn.execute(UPSERT, (dedup_key, routing_key, summary, now, now))

    def close(self) -> None:
        self._conn.close()


Row = tuple[str, str, str, str, str]
Pending = tuple[Row, asyncio.AbstractEventLoop, "asyncio.Future[None]"]


class GroupCommitStore(Store):
    """``--group-commit``, an experiment for the proposals of ``docs/benchmarks.md``: requests
    hand their row to one writer thread and wait; the writer takes every row queued so far,
    upserts them in one transaction (one fsync), commits, and only then answers each request.
    While it commits, the next batch gathers. No thread-pool hop per request."""

    def __init__(self, path: str, synchronous: str) -> None:
        super().__init__(path, synchronous)
        self._queue: queue.SimpleQueue[Pending | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="group-commit", daemon=True)
        self._writer.start()

    async def store(self, routing_key: str, dedup_key: str, summary: str) -> None:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        now = datetime.now(UTC).isoformat()
        self._queue.put(((dedup_key, routing_key, summary, now, now), loop, done))
        await done

    def _write(self) -> None:
        while (first := self._queue.get()) is not None:
            batch, stop = [first], False
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            error: BaseException | None = None
            try:
                with self._lock:
                    self._conn.execute("BEGIN IMMEDIATE")
                    try:
                        self._conn.executemany(UPSERT, [row for row, _, _ in batch])
                        self._conn.execute("COMMIT")
                    except BaseException:
                        self._conn.execute("ROLLBACK")
                        raise
            except Exception as exc:
                error = exc
            for _, loop, done in batch:
                loop.call_soon_threadsafe(_settle, done, error)
            if stop:
                return

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join(5)
        super().close()


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.cancelled():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)


def _event(body: bytes) -> tuple[str, str, str]:
    """The routing key, dedup key and summary of a trigger, or ValueError."""
    data: Any = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("the body is not a JSON object")
    key, dedup, payload = data.get("routing_key"), data.get("dedup_key"), data.get("payload")
    summary = payload.get("summary") if isinstance(payload, dict) else None
    if not all(isinstance(v, str) and v for v in (key, dedup, summary)):
        raise ValueError("routing_key, dedup_key and payload.summary are required strings")
    return key, dedup, summary


def create_app(store: Store, threads: int) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/v2/enqueue", status_code=202)
    async def enqueue(request: Request) -> JSONResponse:
        try:
            key, dedup, summary = _event(await request.body())
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            body = {"status": "invalid event", "message": "Event object is invalid"}
            return JSONResponse({**body, "errors": [str(exc)]}, status_code=400)
        await store.store(key, dedup, summary)
        body = {"status": "success", "message": "Event processed", "dedup_key": dedup}
        return JSONResponse(body, status_code=202)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:  # as Radar's: a plain function, run on the thread pool
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> dict[str, bool]:
        return {"ready": True}

    return app


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="bench/floor_app.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8099)
    p.add_argument("--database", required=True, help="the SQLite file (created if missing)")
    p.add_argument("--sqlite-synchronous", default="FULL", choices=SYNCHRONOUS)
    p.add_argument("--threads", type=int, default=6, help="handler threads, as Radar's (6)")
    p.add_argument(
        "--group-commit",
        action="store_true",
        help="concurrent events share a transaction (an experiment; see GroupCommitStore)",
    )
    args = p.parse_args(argv)
    kind = GroupCommitStore if args.group_commit else Store
    store = kind(args.database, args.sqlite_synchronous)
    try:
        app = create_app(store, args.threads)
        gc.collect()
        gc.freeze()
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    finally:
        store.close()


if __name__ == "__main__":
    main()
