"""`radar worker` as real processes: killed with SIGKILL at moments picked from its progress it
loses nothing and repeats only the sends it had begun, and two of them on PostgreSQL never send
one notification twice nor skip one.

These tests run on the system clock: they start, kill and wait for real processes. The timers
they plan fall due within a few seconds, and the tests poll the database (never app time) for
the progress they wait for.
"""

from __future__ import annotations

import json
import random
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
from tests.support import workers as w

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


@pytest.fixture
def started(db_url: str, tmp_path: Path) -> Iterator[w.Workers]:
    """`radar worker` processes that record what they send in one file; none outlives the test.
    Every notification here goes to the same two recipients: without send windows, each is its
    own message, and the count of resends after kills is exact."""
    env = {
        "RADAR_NOTIFY_RECORD_FILE": str(tmp_path / "sent.jsonl"),
        "RADAR_LOG_LEVEL": "warning",
        "RADAR_NOTIFY_LEASE_SECONDS": "2",
        "RADAR_NOTIFY_SEND_WINDOWS": "{}",
    }
    yield from w.workers(db_url, env)


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
    system_container: Container, started: w.Workers, db_url: str, tmp_path: Path
) -> None:
    incidents = 150
    who = make_principal(system_container, "ana", UserRole.RESPONDER)
    declare_many(system_container, who, incidents)
    db = w.engine_for(db_url)
    rng = random.Random(4)
    kills, expected = 12, incidents * STEPS * len(TARGETS)
    progress: list[int] = []
    begun: Counter[int] = Counter()  # per notification: the kills that fell while it was sending
    for n in range(kills):
        # Moments picked from the work: every third kill falls as the process starts up; the
        # others once it has sent a random number more (its first pass reads the policy, then
        # works through the backlog), often with sends begun and not yet recorded.
        worker = started.start(wait=n % 3 != 0)
        if n % 3 == 0:
            worker.kill()
            worker.wait()
        else:
            goal = w.progress(db)["sent"] + rng.randint(1, 60)
            w.wait_for(
                f"{goal} sent",
                lambda goal=goal: w.progress(db)["sent"] >= min(goal, expected),  # type: ignore[misc]
                [worker],
            )
            begun.update(w.freeze_and_kill(db, worker))
        progress.append(w.progress(db)["sent"])
    # The kills fell while there was work in hand, not only before or after it.
    assert len({p for p in progress if 0 < p < expected}) >= 3, progress
    final = started.start()
    w.wait_until_sent(db, expected, [final])
    started.stop([final])
    # Every step of every incident fired exactly once, and queued each target exactly once.
    per_step = escalations_per_step(db_url)
    assert len(per_step) == incidents * STEPS
    assert set(per_step.values()) == {1}
    assert w.progress(db)["queued"] == expected
    # Every notification was delivered; only a send begun when its worker was killed was
    # made again, once for each kill that fell during it (a busy machine can let a second
    # worker take it up and be killed in the same send).
    sent = recorded(tmp_path / "sent.jsonl")
    assert len(sent) == expected
    allowed = Counter(dict.fromkeys(sent, 1))
    for ident, kills in begun.items():
        (key,) = w.keys_of(db, {ident})
        allowed[key] += kills
    too_many = {k: times for k, times in sent.items() if times > allowed[k]}
    assert too_many == {}, (too_many, begun)
    db.dispose()


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
    db = w.engine_for(db_url)
    found = w.Workers(
        db_url,
        {
            "RADAR_NOTIFY_RECORD_FILE": str(tmp_path / "sent.jsonl"),
            "RADAR_LOG_LEVEL": "warning",
            "RADAR_NOTIFY_SEND_WINDOWS": "{}",
        },
    )
    request.addfinalizer(found.close)
    workers = [found.start() for _ in range(2)]
    expected = incidents * STEPS * len(TARGETS)
    w.wait_until_sent(db, expected, workers)
    found.stop(workers)
    db.dispose()
    record = tmp_path / "sent.jsonl"
    sent = recorded(record)
    assert len(sent) == expected
    assert set(sent.values()) == {1}
    pids = {json.loads(line)["pid"] for line in record.read_text().splitlines()}
    assert len(pids) == 2, "both workers took part"
