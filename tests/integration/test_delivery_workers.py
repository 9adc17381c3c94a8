"""Several `radar worker` processes on PostgreSQL, sending to slow receivers over real sockets:
an HTTPS webhook server and an SMTP server that take 1 to 3 seconds over each message, longer
than the workers' lease. Each receiver counts what it really got.

While no worker dies, every notification arrives exactly once. When a worker is killed while
another keeps running, only the sends it had begun may arrive a second time, once, with the same
idempotency key; its claims are taken over and everything arrives.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from radar.bootstrap import build
from radar.domain.access import UserRole
from radar.services.incidents import Declaration
from radar.settings import Settings
from tests.conftest import EXAMPLE_POLICY, _postgres_url, _truncate, make_principal
from tests.support import workers as w
from tests.support.receivers import Inbox, self_signed, slow_smtp, slow_webhook

pytestmark = pytest.mark.postgres_only

LEASE = "2"  # seconds: every send here outlasts half of it, many outlast all of it
EMAIL = "oncall@example.com"


def slow_policy(hooks: str) -> str:
    """The example policy with a Sev2 that, at once, sends two webhooks and an email."""
    doc = yaml.safe_load(EXAMPLE_POLICY.read_text())
    sev2 = next(s for s in doc["severities"] if s["id"] == "sev2")
    notify = [{"target": f"webhook:{hooks}/{path}"} for path in ("a", "b")]
    notify.append({"target": f"email:{EMAIL}"})
    sev2["response"] = {"hours": "always", "steps": [{"notify": notify}]}
    for key in ("updates", "upgrade", "required_roles"):
        sev2.pop(key, None)
    return yaml.safe_dump(doc, allow_unicode=True)


class Rig:
    """A PostgreSQL database with a policy that sends to slow receivers, and its workers."""

    def __init__(self, db_url: str, hooks: Inbox, mail: Inbox, workers: w.Workers) -> None:
        self.db_url = db_url
        self.db = w.engine_for(db_url)
        self.hooks = hooks
        self.mail = mail
        self.workers = workers

    def declare(self, count: int, hook_url: str) -> int:
        """Declare ``count`` Sev2 incidents; how many notifications they queue."""
        c = build(Settings(database_url=self.db_url))
        try:
            c.policies.apply(slow_policy(hook_url), filename="slow.yaml", author="test")
            who = make_principal(c, "ana", UserRole.RESPONDER)
            for n in range(count):
                c.incidents.declare(who, Declaration(f"Outage {n}", "checkout", "sev2"))
        finally:
            c.close()
        return count * 3

    def received(self) -> dict[str, int]:
        return dict(self.hooks.counts() + self.mail.counts())


@pytest.fixture
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Rig, str]]:
    url = _postgres_url()
    if url is None:
        pytest.skip("RADAR_TEST_DATABASE_URL does not name a PostgreSQL database")
    request.getfixturevalue("postgres_migrated")
    _truncate(url)
    cert, key = self_signed(tmp_path)
    hooks, mail = Inbox(1.0, 3.0, seed=1), Inbox(1.0, 3.0, seed=2)
    with slow_webhook(hooks, cert, key) as hook_url, slow_smtp(mail) as smtp_port:
        env = {
            "RADAR_LOG_LEVEL": "warning",
            "RADAR_NOTIFY_LEASE_SECONDS": LEASE,
            "RADAR_NOTIFY_SEND_WINDOWS": "{}",
            "RADAR_WEBHOOK_SECRET": "test-secret",
            "SSL_CERT_FILE": str(cert),
            "RADAR_SMTP_HOST": "127.0.0.1",
            "RADAR_SMTP_PORT": str(smtp_port),
            "RADAR_SMTP_STARTTLS": "false",
        }
        for started in w.workers(url, env):
            made = Rig(url, hooks, mail, started)
            yield made, hook_url
            made.db.dispose()


@pytest.mark.parametrize("count", [2, 3])
def test_slow_receivers_get_each_notification_once_from_several_workers(
    rig: tuple[Rig, str], count: int
) -> None:
    r, hook_url = rig
    expected = r.declare(8, hook_url)
    procs = [r.workers.start() for _ in range(count)]
    w.wait_until_sent(r.db, expected, procs)
    r.workers.stop(procs)
    got = r.received()
    assert len(got) == expected, "every notification arrived"
    assert {k: n for k, n in got.items() if n > 1} == {}, "none arrived twice"
    # Each carried its key where the receiver can drop a repeat by it.
    assert all(r.hooks.idempotency_keys(k) == {k} for k in r.hooks.counts())
    assert all(len(r.mail.idempotency_keys(k)) == 1 for k in r.mail.counts())


@pytest.mark.parametrize("senders", [1, 3])
def test_a_killed_worker_repeats_only_the_sends_it_had_begun(
    rig: tuple[Rig, str], senders: int
) -> None:
    r, hook_url = rig
    expected = r.declare(8, hook_url)
    env = {"RADAR_NOTIFY_SENDERS": str(senders)}
    survivor = r.workers.start(**env)
    kills: list[set[int]] = []
    taken_over: list[float] = []
    for n in range(4):
        victim = r.workers.start(**env)
        # Kill it at a moment picked from its work: mid-send (most kills), or holding claims it
        # has not begun to send.
        mid_send = n % 3 != 2

        def ready(pid: int = victim.pid, mid_send: bool = mid_send) -> bool:
            if mid_send:
                return bool(w.sends_begun_by(r.db, pid))
            return w.claimed_by(r.db, pid) > len(w.sends_begun_by(r.db, pid))

        if not _wait_or_done(r, ready, [survivor, victim], expected):
            victim.kill()
            victim.wait()
            break
        begun = w.freeze_and_kill(r.db, victim)
        assert len(begun) <= senders
        kills.append(begun)
        killed_at = time.monotonic()
        # Its sends are taken over once its lease lapses, by the survivor.
        w.wait_for(
            "the killed worker's sends taken over",
            lambda ids=begun: w.settled(r.db, ids),  # type: ignore[misc]
            [survivor],
        )
        taken_over.append(time.monotonic() - killed_at)
    assert any(kills), "some kills fell mid-send"
    w.wait_until_sent(r.db, expected, [survivor])
    r.workers.stop([survivor])
    got = r.received()
    assert len(got) == expected, "every notification arrived"
    repeated = {k for k, n in got.items() if n > 1}
    assert all(got[k] == 2 for k in repeated), "a repeat happens once"
    begun_keys = w.keys_of(r.db, set().union(*kills))
    assert repeated <= begun_keys, "only a send begun by the killed worker was repeated"
    assert len(repeated) <= sum(len(k) for k in kills) <= len(kills) * senders
    for k in repeated:  # the repeat carried the same idempotency key as the first send
        assert len(r.hooks.idempotency_keys(k) | r.mail.idempotency_keys(k)) == 1
    # The timeline says which sends may have been repeated (a begin committed as the worker
    # froze counts too: it never sent, but nobody can know that).
    again = w.scalar(
        r.db,
        "SELECT count(*) FROM timeline_entries WHERE kind = 'delivery' AND message LIKE :m",
        m="%again: the worker sending it stopped%",
    )
    assert len(repeated) <= again <= len(kills) * senders
    # Taken over within the lease, plus the time the slow receiver took to answer.
    assert max(taken_over) < float(LEASE) + 3.0 + 20.0, taken_over


def _wait_or_done(
    r: Rig, ready: Callable[[], bool], alive: list[subprocess.Popen[bytes]], expected: int
) -> bool:
    """Wait until ``ready()``; False if the work ran out first."""
    outcome: list[bool] = []

    def check() -> bool:
        if ready():
            outcome.append(True)
            return True
        if w.progress(r.db)["sent"] == expected:
            outcome.append(False)
            return True
        return False

    w.wait_for("the worker to have work in hand", check, alive)
    return outcome[-1]
