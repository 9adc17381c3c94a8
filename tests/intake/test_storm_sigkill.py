"""A 202 means committed: `radar serve` killed with SIGKILL in the middle of a storm of PagerDuty
events loses none that it answered 202, and stores none twice.

The server is a real process on the system clock; the test starts it, fires events at it from
several threads, kills it once enough have been answered, starts it again on the same database,
and reads what is stored. It runs on SQLite and, when RADAR_TEST_DATABASE_URL names one, on
PostgreSQL. Every thread's first event is the same shared key, so the storm also opens one alert
from several requests at once.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from radar.bootstrap import build
from radar.domain.alerts import Alert, Kind
from radar.settings import Settings
from tests.conftest import EXAMPLE_POLICY
from tests.intake.conftest import ADMIN
from tests.support.patience import PATIENCE

RADAR = [sys.executable, "-m", "radar.cli.main"]
THREADS = 8
SHARED = [f"shared-{n}" for n in range(4)]  # keys every thread triggers again and again
KILL_AFTER = 600  # answered events before the kill
STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def no_server_outlives_its_test() -> Iterator[None]:
    """A failing test must not leave a server behind writing to the next test's database."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`radar serve --no-worker` on ``port``, once it answers /readyz."""
    env = {**os.environ, "RADAR_DATABASE_URL": db_url, "RADAR_LOG_LEVEL": "warning"}
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*RADAR, "serve", "--no-worker", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    STARTED.append(proc)
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"radar serve exited:\n{log.read_text()}"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling a real process until it listens
    raise AssertionError(f"radar serve was not ready within {PATIENCE:.0f} s:\n{log.read_text()}")


def trigger(key: str, dedup: str) -> dict[str, object]:
    return {
        "routing_key": key,
        "event_action": "trigger",
        "dedup_key": dedup,
        "payload": {"summary": f"Storm {dedup}", "source": "storm.example", "severity": "info"},
    }


@dataclass
class Storm:
    """Every event sent, by what became of it."""

    url: str
    key: str
    answered: Counter[str] = field(default_factory=Counter)  # 202
    unanswered: Counter[str] = field(default_factory=Counter)  # sent; the server died
    refused: Counter[str] = field(default_factory=Counter)  # never reached a server
    other: list[tuple[str, int]] = field(default_factory=list)  # any other status
    enough: threading.Event = field(default_factory=threading.Event)
    killed: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def figures(self) -> str:
        return (
            f"{self.answered.total()} answered 202 ({len(self.answered)} keys), "
            f"{self.unanswered.total()} cut off, {self.refused.total()} refused, "
            f"other answers: {self.other[:5]}"
        )

    def sender(self, thread: int) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            n = 0
            while not self.killed.is_set():
                dedup = SHARED[n % len(SHARED)] if n % 3 == 0 else f"t{thread}-{n}"
                n += 1
                try:
                    answer = client.post("/v2/enqueue", json=trigger(self.key, dedup))
                except httpx.ConnectError:
                    with self.lock:
                        self.refused[dedup] += 1
                    continue
                except httpx.TransportError:
                    with self.lock:
                        self.unanswered[dedup] += 1
                    continue
                with self.lock:
                    if answer.status_code == 202:
                        self.answered[dedup] += 1
                        if self.answered.total() >= KILL_AFTER:
                            self.enough.set()
                    else:
                        self.other.append((dedup, answer.status_code))


def stored_alerts(db_url: str) -> list[Alert]:
    c = build(Settings(database_url=db_url))
    try:
        return c.ingest.alerts(ADMIN, limit=1_000_000)
    finally:
        c.close()


def test_every_event_answered_202_before_a_sigkill_is_stored_exactly_once(
    db_url: str, tmp_path: Path
) -> None:
    c = build(Settings(database_url=db_url))
    try:
        c.policies.apply(EXAMPLE_POLICY.read_text(), filename="policy.yaml", author="test")
        # Made without a rate, the key has no limit: the storm is far above 120 a minute.
        key = c.ingest.create(ADMIN, service="checkout", kind=Kind.PAGERDUTY).key
    finally:
        c.close()
    port, log = free_port(), tmp_path / "serve.log"
    server = start_server(db_url, port, log)
    storm = Storm(f"http://127.0.0.1:{port}", key)
    senders = [threading.Thread(target=storm.sender, args=(t,)) for t in range(THREADS)]
    for s in senders:
        s.start()
    assert storm.enough.wait(timeout=PATIENCE), f"fewer than {KILL_AFTER} answers in time"
    server.kill()  # SIGKILL, while the senders are still sending
    server.wait()
    storm.killed.set()
    for s in senders:
        s.join(timeout=PATIENCE)
        assert not s.is_alive(), "a sender hung after the kill"
    assert storm.other == [], storm.figures()
    assert storm.unanswered.total() > 0, f"the kill fell between events: {storm.figures()}"

    # Started again on the same database, it carries on from what was committed.
    start_server(db_url, port, log)
    with httpx.Client(base_url=storm.url, timeout=10) as client:
        for dedup in SHARED:
            assert client.post("/v2/enqueue", json=trigger(key, dedup)).status_code == 202
            storm.answered[dedup] += 1

    alerts = stored_alerts(db_url)
    per_key = Counter(a.dedup_key for a in alerts)
    assert [k for k, n in per_key.items() if n > 1] == [], f"stored twice; {storm.figures()}"
    missing = set(storm.answered) - set(per_key)
    assert missing == set(), f"answered 202 but not stored; {storm.figures()}"
    assert set(per_key) <= set(storm.answered) | set(storm.unanswered), storm.figures()
    counts = {a.dedup_key: a.count for a in alerts}
    for dedup in SHARED:
        # Each 202 was counted; an event whose answer the kill cut off may have been too.
        low, high = storm.answered[dedup], storm.answered[dedup] + storm.unanswered[dedup]
        assert low <= counts[dedup] <= high, f"{dedup}: {counts[dedup]} not in [{low}, {high}]"
    assert all(a.incident_id is None for a in alerts)  # info pages nobody
