"""`radar worker` as real processes: killed with SIGKILL at random moments it loses nothing, and
two of them on PostgreSQL never send one notification twice nor skip one.

These tests run on the system clock: they start, kill and wait for real processes. The timers
they plan fall due within a few seconds, and the tests poll the database (never app time) until
the work is done.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from radar.bootstrap import Container, build
from radar.domain.access import Principal, UserRole
from radar.services.incidents import Declaration
from radar.settings import Settings
from tests.conftest import EXAMPLE_POLICY, _postgres_url, _truncate, make_principal

RADAR = [sys.executable, "-m", "radar.cli.main"]
STEPS = 4
TARGETS = ("slack:#radar", "engineering_manager")


def fast_policy() -> str:
    """The example policy with a Sev2 whose steps fall due within seconds, and nothing else."""
    doc = yaml.safe_load(EXAMPLE_POLICY.read_text())
    sev2 = next(s for s in doc["severities"] if s["id"] == "sev2")
    notify = [{"target": t, "via": ["slack"]} for t in TARGETS]
    sev2["response"] = {
        "hours": "always",
        "steps": [
            {"after": f"{i}s", "notify": notify, "unless_acknowledged": False} for i in range(STEPS)
        ],
    }
    for key in ("updates", "upgrade", "required_roles"):
        sev2.pop(key, None)
    return yaml.safe_dump(doc, allow_unicode=True)


@pytest.fixture
def system_container(db_url: str) -> Iterator[Container]:
    built = build(Settings(database_url=db_url))
    built.policies.apply(fast_policy(), filename="fast.yaml", author="test")
    yield built
    built.close()


def declare_many(c: Container, who: Principal, count: int) -> None:
    for n in range(count):
        c.incidents.declare(who, Declaration(f"Outage {n}", "checkout", "sev2"))


STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test() -> Iterator[None]:
    """A failing test must not leave workers behind to take the next test's notifications."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def start_worker(db_url: str, record: Path, *, wait: bool = False) -> subprocess.Popen[bytes]:
    """A `radar worker` process; with ``wait``, once it says it is running."""
    env = {
        **os.environ,
        "RADAR_DATABASE_URL": db_url,
        "RADAR_NOTIFY_RECORD_FILE": str(record),
        "RADAR_LOG_LEVEL": "warning",
        "RADAR_NOTIFY_LEASE_SECONDS": "2",
        # Every notification here goes to the same two recipients: without send windows, each
        # is its own message, and the count of resends after kills is exact.
        "RADAR_NOTIFY_SEND_WINDOWS": "{}",
    }
    proc = subprocess.Popen([*RADAR, "worker"], env=env, stdout=subprocess.PIPE)
    STARTED.append(proc)
    if wait:
        assert proc.stdout is not None
        assert b"running" in proc.stdout.readline()
    return proc


def counts(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        found = {
            "pending_timers": conn.scalar(
                text("SELECT count(*) FROM timers WHERE state='pending'")
            ),
            "queued": conn.scalar(text("SELECT count(*) FROM notifications")),
            "sent": conn.scalar(text("SELECT count(*) FROM notifications WHERE state='sent'")),
        }
    engine.dispose()
    return {k: int(v or 0) for k, v in found.items()}


def wait_until_done(db_url: str, expected: int, workers: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for w in workers:
            assert w.poll() is None, "a worker died"
        now = counts(db_url)
        if now["pending_timers"] == 0 and now["sent"] == expected:
            return
        time.sleep(0.2)  # polling real processes' progress
    raise AssertionError(f"workers did not finish within 120 s: {counts(db_url)}")


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.communicate(timeout=30)
        assert w.returncode == 0


def recorded(record: Path) -> Counter[str]:
    lines = record.read_text().splitlines() if record.exists() else []
    return Counter(json.loads(line)["key"] for line in lines)


def escalations_per_step(db_url: str) -> Counter[tuple[int, str]]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT incident_id, message FROM timeline_entries WHERE kind = 'escalated'")
        ).all()
    engine.dispose()
    return Counter((r[0], r[1].split(":")[0]) for r in rows)


def test_a_worker_killed_at_random_moments_loses_nothing(
    system_container: Container, db_url: str, tmp_path: Path
) -> None:
    incidents = 150
    who = make_principal(system_container, "ana", UserRole.RESPONDER)
    declare_many(system_container, who, incidents)
    record = tmp_path / "sent.jsonl"
    rng = random.Random(4)
    kills, expected = 12, incidents * STEPS * len(TARGETS)
    progress = []
    for n in range(kills):
        # A random instant in a real process's life: every third kill may fall while it starts
        # up; the others once it runs (its first pass reads the policy, then works through
        # the backlog for a second or two).
        worker = start_worker(db_url, record, wait=n % 3 != 0)
        time.sleep(rng.uniform(0.1, 1.0) if n % 3 == 0 else rng.uniform(0.1, 1.5))
        worker.kill()
        worker.communicate()
        progress.append(counts(db_url)["sent"])
    # The kills fell while there was work in hand, not only before or after it.
    assert len({p for p in progress if 0 < p < expected}) >= 3, progress
    final = start_worker(db_url, record, wait=True)
    wait_until_done(db_url, expected, [final])
    stop([final])
    # Every step of every incident fired exactly once, and queued each target exactly once.
    per_step = escalations_per_step(db_url)
    assert len(per_step) == incidents * STEPS
    assert set(per_step.values()) == {1}
    assert counts(db_url)["queued"] == expected
    # Every notification was delivered; a kill between sending and recording may resend one.
    sent = recorded(record)
    assert len(sent) == expected
    assert sum(sent.values()) - expected <= kills


@pytest.fixture
def postgres_url() -> str:
    """The test PostgreSQL database, migrated and emptied (several workers need PostgreSQL)."""
    url = _postgres_url()
    if url is None:
        pytest.skip("RADAR_TEST_DATABASE_URL does not name a PostgreSQL database")
    return url


@pytest.mark.postgres_only
def test_two_workers_share_the_work_and_never_send_twice(
    postgres_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    request.getfixturevalue("postgres_migrated")
    _truncate(postgres_url)
    db_url = postgres_url
    c = build(Settings(database_url=db_url))
    request.addfinalizer(c.close)
    c.policies.apply(fast_policy(), filename="fast.yaml", author="test")
    incidents = 500
    who = make_principal(c, "ana", UserRole.RESPONDER)
    declare_many(c, who, incidents)
    record = tmp_path / "sent.jsonl"
    workers = [start_worker(db_url, record, wait=True) for _ in range(2)]
    expected = incidents * STEPS * len(TARGETS)
    wait_until_done(db_url, expected, workers)
    stop(workers)
    sent = recorded(record)
    assert len(sent) == expected
    assert set(sent.values()) == {1}
    pids = {json.loads(line)["pid"] for line in record.read_text().splitlines()}
    assert len(pids) == 2, "both workers took part"
