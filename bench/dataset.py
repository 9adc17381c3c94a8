"""The database a benchmark runs against: wiped, migrated, given the example policy and an admin
token (all through the `radar` CLI, as an operator would), then filled with stored incidents.

Pre-loading goes through the domain decisions and the store's repositories in batches of
``BATCH`` incidents per transaction: the rows are the ones the service layer would write (same
incident state, same timeline entries), but 10,000 incidents take seconds rather than minutes.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from radar.bootstrap import build
from radar.domain import incident as inc
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Incident, Via
from radar.domain.lifecycle import Status
from radar.domain.policy import Policy
from radar.services.access import actor
from radar.settings import Settings, normalise_database_url
from radar.store.uow import UnitOfWorkProvider

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_POLICY = REPO / "examples" / "policy.yaml"
TOKEN_LINE = re.compile(r"^\s*API token:\s*(radar_\S+)\s*$", re.MULTILINE)
BATCH = 500
SPACING = timedelta(minutes=13)  # 10,000 incidents span about three months of history

SYMPTOMS = ("elevated error rate", "p99 latency above SLO", "timeouts from upstream", "5xx spike")
UPDATES = ("Rolled back the last deploy.", "Failing over to the standby.", "Scaled out workers.")


@dataclass(frozen=True)
class Target:
    """Where the benchmark's Radar keeps its data, and how the server should open it."""

    database_url: str
    sqlite_synchronous: str

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def local_postgres(self) -> bool:
        """PostgreSQL on this machine, whose CPU time the benchmark can read."""
        host = make_url(self.database_url).host
        return not self.is_sqlite and host in (None, "", "localhost", "127.0.0.1", "::1")

    @property
    def backend(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    def env(self) -> dict[str, str]:
        """Environment for `radar` child processes: this target, quiet logs, no line wrapping."""
        return dict(
            os.environ,
            RADAR_DATABASE_URL=self.database_url,
            RADAR_SQLITE_SYNCHRONOUS=self.sqlite_synchronous,
            RADAR_LOG_LEVEL="warning",
            COLUMNS="500",
        )

    def settings(self) -> Settings:
        return Settings(database_url=self.database_url, sqlite_synchronous=self.sqlite_synchronous)


def radar_cli(target: Target, *args: str) -> str:
    """Run ``radar ARGS`` (the CLI installed next to this Python) and return its stdout."""
    exe = Path(sys.executable).with_name("radar")
    done = subprocess.run(
        [str(exe), *args], env=target.env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"radar {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def wipe(database_url: str) -> None:
    """Start from nothing: delete the SQLite file, or drop and recreate PostgreSQL's public schema.

    Everything in that database is lost; point the benchmark only at a database of its own.
    """
    url = normalise_database_url(database_url)
    if url.startswith("sqlite"):
        path = Settings(database_url=url).sqlite_path()
        if path is None:
            raise ValueError("the benchmark needs a SQLite file, not an in-memory database")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(target: Target) -> str:
    """Wipe and migrate the database, apply the example policy; return the first admin's token."""
    wipe(target.database_url)
    radar_cli(target, "db", "upgrade")
    radar_cli(target, "policy", "apply", str(EXAMPLE_POLICY))
    found = TOKEN_LINE.search(radar_cli(target, "user", "bootstrap-admin"))
    if found is None:
        raise RuntimeError("`radar user bootstrap-admin` printed no API token")
    return found.group(1)


def preload(target: Target, token: str, count: int, *, seed: int) -> list[int]:
    """Store ``count`` incidents, each declared, acknowledged and updated; return their ids."""
    container = build(target.settings())
    try:
        who = actor(container.accounts.authenticate(token), Via.API)
        running = container.policies.current()
        uow = UnitOfWorkProvider(container.db)
        rng = random.Random(seed)
        start = datetime.now(UTC) - SPACING * (count + 1)
        ids: list[int] = []
        for first in range(0, count, BATCH):
            with uow(write=True) as work:
                for n in range(first, min(first + BATCH, count)):
                    incident, entries = history(
                        running.policy, running.id, who, rng, at=start + SPACING * n
                    )
                    stored = work.incidents.add(incident, entries)
                    assert stored.id is not None
                    ids.append(stored.id)
                work.commit()
        return ids
    finally:
        container.close()


def history(
    policy: Policy, policy_id: int, who: Actor, rng: random.Random, *, at: datetime
) -> tuple[Incident, list[TimelineEntry]]:
    """One incident as the services leave it after declare, acknowledge and an update that moves
    it to ``investigating``: four timeline entries."""
    service = rng.choice(policy.services)
    incident, declared = inc.declare(
        policy,
        title=f"{service.name}: {rng.choice(SYMPTOMS)}",
        description="Customers report failures; dashboards confirm it. " * rng.randint(1, 4),
        service=service.id,
        severity=rng.choice(policy.severities).id,
        actor=who,
        now=at,
        policy_version=policy_id,
    )
    incident, acknowledged = inc.acknowledge(incident, who, at + timedelta(minutes=2))
    incident, updated = inc.post_update(
        incident,
        who,
        at + timedelta(minutes=9),
        message=rng.choice(UPDATES),
        status=Status.INVESTIGATING,
    )
    return incident, [e.entry() for e in (*declared, *acknowledged, *updated)]
