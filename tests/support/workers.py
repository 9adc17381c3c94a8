"""Real `radar worker` processes for the tests that start, freeze and kill them.

Every moment such a test picks comes from progress it observes in the database (a send begun,
a count reached), never from a wall-clock sleep: on a loaded machine a process may take seconds
to get anywhere, and the test waits for it to get there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine, bindparam, create_engine, text

from tests.support.patience import PATIENCE

RADAR = [sys.executable, "-m", "radar.cli.main"]


@dataclass
class Workers:
    """The worker processes a test started; each is killed when the test ends."""

    db_url: str
    env: Mapping[str, str]
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, *, wait: bool = True, **extra: str) -> subprocess.Popen[bytes]:
        """A `radar worker` process; with ``wait``, once it says it is running."""
        env = {**os.environ, "RADAR_DATABASE_URL": self.db_url, **self.env, **extra}
        proc = subprocess.Popen([*RADAR, "worker"], env=env, stdout=subprocess.PIPE)
        self.started.append(proc)
        if wait:
            assert proc.stdout is not None
            assert b"running" in proc.stdout.readline(), "the worker did not start"
        return proc

    def stop(self, procs: list[subprocess.Popen[bytes]]) -> None:
        """Ask each to stop (SIGTERM), and check it finished its sends and exited cleanly."""
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.communicate(timeout=60)
            assert p.returncode == 0, f"worker {p.pid} exited with {p.returncode}"

    def close(self) -> None:
        while self.started:
            proc = self.started.pop()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()


def workers(db_url: str, env: Mapping[str, str]) -> Iterator[Workers]:
    """For a fixture: the test's workers, none of which outlives it."""
    made = Workers(db_url, env)
    try:
        yield made
    finally:
        made.close()


def engine_for(db_url: str) -> Engine:
    return create_engine(db_url, pool_size=1, max_overflow=0)


def scalar(db: Engine, sql: str, **params: object) -> int:
    with db.connect() as conn:
        return int(conn.scalar(text(sql), params) or 0)


def progress(db: Engine) -> dict[str, int]:
    """What the engine has done so far, as the database says."""
    return {
        "pending_timers": scalar(db, "SELECT count(*) FROM timers WHERE state = 'pending'"),
        "queued": scalar(db, "SELECT count(*) FROM notifications"),
        "sent": scalar(db, "SELECT count(*) FROM notifications WHERE state = 'sent'"),
    }


def wait_for(
    what: str,
    done: Callable[[], bool],
    alive: list[subprocess.Popen[bytes]] = (),  # type: ignore[assignment]
) -> None:
    """Poll real processes' progress until ``done``; fail if one of ``alive`` dies meanwhile."""
    deadline = time.monotonic() + PATIENCE
    while not done():
        for p in alive:
            assert p.poll() is None, f"worker {p.pid} died while waiting for {what}"
        if time.monotonic() > deadline:
            raise AssertionError(f"no progress within {PATIENCE:.0f} s: {what}")
        time.sleep(0.02)  # polling another process's progress, not waiting for app time


def wait_until_sent(db: Engine, expected: int, alive: list[subprocess.Popen[bytes]]) -> None:
    def finished() -> bool:
        now = progress(db)
        return now["pending_timers"] == 0 and now["sent"] == expected

    wait_for(f"{expected} notifications sent", finished, alive)


def sends_begun_by(db: Engine, pid: int) -> set[int]:
    """The notifications worker ``pid`` has begun to send and not yet recorded."""
    with db.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id FROM notifications WHERE state = 'pending' "
                "AND send_started_at IS NOT NULL AND lease_owner LIKE :me"
            ),
            {"me": f"%:{pid}:%"},
        )
        return {r[0] for r in rows}


def claimed_by(db: Engine, pid: int) -> int:
    """How many notifications worker ``pid`` holds (claimed or being sent)."""
    return scalar(
        db,
        "SELECT count(*) FROM notifications WHERE state = 'pending' AND lease_owner LIKE :me",
        me=f"%:{pid}:%",
    )


def freeze_and_kill(db: Engine, proc: subprocess.Popen[bytes]) -> set[int]:
    """SIGSTOP the worker, read the sends it had begun (exact: a frozen process commits
    nothing more), then SIGKILL it. The sends begun are the only ones it may have made twice."""
    proc.send_signal(signal.SIGSTOP)
    try:
        begun = sends_begun_by(db, proc.pid)
    finally:
        proc.kill()
        proc.wait()
    return begun


_KEYS = text("SELECT key FROM notifications WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_PENDING_AMONG = text(
    "SELECT count(*) FROM notifications WHERE state = 'pending' AND id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def keys_of(db: Engine, ids: set[int]) -> set[str]:
    """The keys of the notifications ``ids``."""
    if not ids:
        return set()
    with db.connect() as conn:
        return {r[0] for r in conn.execute(_KEYS, {"ids": list(ids)})}


def settled(db: Engine, ids: set[int]) -> bool:
    """Whether every one of the notifications ``ids`` was recorded (sent, or failed for good)."""
    if not ids:
        return True
    with db.connect() as conn:
        return not conn.execute(_PENDING_AMONG, {"ids": list(ids)}).scalar()
