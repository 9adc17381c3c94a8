"""Database engines. SQLite gets WAL, foreign keys, a busy timeout and one writer at a time.

SQLite allows a single writer. Rather than let threads collide on the file lock and sleep in
SQLite's busy handler (which wrecks tail latency), writes take an in-process lock and open their
transaction with ``BEGIN IMMEDIATE``; reads run concurrently under WAL. Several processes on one
SQLite file still work through ``busy_timeout``. PostgreSQL needs none of this: writers lock the
rows they change (``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

WRITE_OPTION = "radar_write"
log = logging.getLogger(__name__)
SQLITE_MIN_POOL = 40
# SQLite's lower() and LIKE fold ASCII letters only ('Ü' stays 'Ü'): searches fold text with
# this function instead, registered on every SQLite connection (PostgreSQL's lower() folds all).
SQLITE_FOLD = "radar_fold"


def fold(value: object) -> object:
    """What ``radar_fold(x)`` is in SQL on SQLite: the text case-folded, anything else as is."""
    return value.casefold() if isinstance(value, str) else value


@dataclass
class Database:
    """An engine plus what writers need to take turns. One per process."""

    engine: Engine
    is_sqlite: bool
    _write_lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    def __post_init__(self) -> None:
        # Built once: each ``execution_options`` call makes a new engine object.
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})

        # A connection still checked out when the database is disposed (a request finishing
        # during shutdown) is closed when it comes back, not parked in a pool nobody will close.
        @event.listens_for(self.engine, "checkin")
        def _close_late_returns(dbapi_conn: Any, _record: Any) -> None:
            if self._closed and dbapi_conn is not None:
                dbapi_conn.close()

    @contextmanager
    def writer(self) -> Iterator[Engine]:
        """An engine whose transactions are writes; on SQLite, one at a time per process."""
        if not self.is_sqlite:
            yield self.engine
            return
        with self._write_lock:
            yield self._write_engine

    def dispose(self) -> None:
        """Close every connection: the idle ones now, those in use when they are returned."""
        self._closed = True
        self.engine.dispose()


def connect(url: str, *, pool_size: int = 10, sqlite_synchronous: str = "FULL") -> Database:
    if url.startswith("sqlite"):
        return Database(_sqlite_engine(url, sqlite_synchronous, pool_size), is_sqlite=True)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )
    return Database(engine, is_sqlite=False)


def _sqlite_engine(url: str, synchronous: str, pool_size: int) -> Engine:
    memory = url in ("sqlite://", "sqlite:///:memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        # One shared connection: each new connection to :memory: would be a new, empty database.
        kwargs["poolclass"] = StaticPool
    else:
        # Connections are cheap to keep and costly to reopen (pragmas, WAL index mapping), and
        # overflow connections are closed when returned: keep one per server worker thread
        # (AnyIO's default pool has 40) so a busy server never churns them.
        size = max(pool_size, SQLITE_MIN_POOL)
        kwargs.update(pool_size=size, max_overflow=size)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions start (see "begin" below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()
        dbapi_conn.create_function(SQLITE_FOLD, 1, fold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Straight to the driver: SQLAlchemy's execution path costs more than BEGIN itself.
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        driver = conn.connection.driver_connection
        if driver.in_transaction:
            # A COMMIT that failed (a deferred constraint, the disk) leaves SQLite's transaction
            # open, and the pool, told the transaction ended, does not roll it back: do it now.
            log.warning("rolling back a transaction left open by a failed COMMIT")
            driver.rollback()
        driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def listen(
    db: Database,
    stop: threading.Event,
    on_notify: Callable[[], None],
    *,
    channel: str,
    poll_seconds: float = 1.0,
) -> None:
    """Call ``on_notify`` whenever another process announces work, until ``stop`` is set.

    PostgreSQL: ``LISTEN channel`` on a connection of its own, reconnecting after errors (and
    calling ``on_notify`` then, since announcements may have been missed). SQLite has no
    notifications: once a second, ``PRAGMA data_version`` tells whether another connection has
    committed anything; that check reads no table and costs microseconds.
    """
    while not stop.is_set():
        try:
            if db.is_sqlite:
                _watch_sqlite(db, stop, on_notify, poll_seconds)
            else:
                _listen_postgres(db, stop, on_notify, channel, poll_seconds)
        except Exception:  # the database went away: wait, then listen again
            log.warning("lost the wake-up connection; retrying", exc_info=True)
            stop.wait(5 * poll_seconds)
            on_notify()


def _watch_sqlite(
    db: Database, stop: threading.Event, on_notify: Callable[[], None], poll: float
) -> None:
    with db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        seen = driver.execute("PRAGMA data_version").fetchone()
        while not stop.wait(poll):
            now = driver.execute("PRAGMA data_version").fetchone()
            if now != seen:
                seen = now
                on_notify()


def _listen_postgres(
    db: Database, stop: threading.Event, on_notify: Callable[[], None], channel: str, poll: float
) -> None:
    import psycopg

    url = db.engine.url.set(drivername="postgresql")
    dsn = url.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"LISTEN {channel}")
        on_notify()  # anything announced before we listened
        while not stop.is_set():
            for _ in conn.notifies(timeout=poll, stop_after=1):
                on_notify()
