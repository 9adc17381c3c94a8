"""Benchmark: the escalation engine's lateness under load, and its idle cost (issue "The response
runs itself").

Setup: a fresh database (a temporary SQLite file unless ``--database-url`` names another; that
database is wiped), migrated, the example policy applied, and ``--incidents`` open Sev2 incidents
planned exactly as ``IncidentService.declare`` plans them (same decisions, same ``follow``), in
batches of 500 per transaction. Their declarations are spread evenly over ``--spread`` seconds,
so each incident's first step (post in #radar) falls due at its own moment and every incident
keeps its later timers pending (the call after 10 minutes, reminders, the 4-hour upgrade).

Then a real ``radar worker`` process runs with the record channel (``RADAR_NOTIFY_RECORD_FILE``):

1. **idle**: the schedule is moved to start a day from now, so nothing is due; after 5 s the
   worker's CPU time is read from ``/proc`` for ``--idle`` seconds.
2. **firing**: the schedule is moved to start a few seconds from now and announced (``NOTIFY``
   on PostgreSQL; SQLite's commit is seen through ``PRAGMA data_version``); for ``--measure``
   seconds, steps fall due at ``incidents / spread`` per second.
   Lateness of a fired timer is ``done_at - due_at`` as the engine recorded it; the delivery
   figure is ``sent_at - due_at`` of the notification it queued, through the outbox.

Targets: lateness p50 < 50 ms and p99 < 500 ms, judged on delivery (due to sent, what the
people told see); idle worker < 1 % of a core.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, create_engine, select, text, update

import cpu
from dataset import EXAMPLE_POLICY, Target, radar_cli, wipe
from loadgen import percentile
from radar.bootstrap import build
from radar.domain import incident as inc
from radar.domain.incident import Actor, Via
from radar.services.response import follow
from radar.store.tables import TimerRow
from radar.store.uow import UnitOfWorkProvider
from report import Machine, revision, today

BATCH = 500
FAR = timedelta(days=300)  # where the schedule is built before it is moved to "now"
STARTUP = 5.0  # seconds for the worker to settle before the idle phase is measured
PARKED = timedelta(days=1)  # where the schedule waits while the idle worker is measured
TARGETS = {"p50_ms": 50.0, "p99_ms": 500.0, "idle_cores": 0.01}
TIMERS = TimerRow.__table__


@dataclass(frozen=True)
class Lateness:
    count: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Lateness:
        ordered = sorted(seconds)
        pick = lambda q: percentile(ordered, q) * 1000  # noqa: E731
        return cls(
            len(ordered), pick(50), pick(90), pick(99), (ordered[-1] if ordered else 0) * 1000
        )


@dataclass(frozen=True)
class Result:
    date: str
    revision: str
    backend: str
    incidents: int
    spread_s: float
    measure_s: float
    seed_s: float
    pending_timers: int
    idle_cores: float | None
    fired: Lateness
    delivered: Lateness
    machine: Machine


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", help="A database of the benchmark's own: it is wiped.")
    p.add_argument("--sqlite-synchronous", default="FULL")
    p.add_argument("--incidents", type=int, default=10_000)
    p.add_argument("--spread", type=float, default=600.0, help="Seconds the first steps span.")
    p.add_argument("--measure", type=float, default=120.0, help="Seconds of firing measured.")
    p.add_argument("--idle", type=float, default=30.0, help="Seconds of idle worker measured.")
    p.add_argument("--json-out", type=Path)
    return p.parse_args(argv)


def seed(target: Target, count: int, spread: float) -> datetime:
    """Plan ``count`` Sev2 incidents declared from FAR on, one every spread/count seconds."""
    container = build(target.settings())
    try:
        running = container.policies.current()
        uow = UnitOfWorkProvider(container.db)
        who = Actor("bench", Via.API)
        start = datetime.now(UTC) + FAR
        step = timedelta(seconds=spread / count)
        services = [s.id for s in running.policy.services]
        for first in range(0, count, BATCH):
            with uow(write=True) as work:
                for n in range(first, min(first + BATCH, count)):
                    at = start + step * n
                    incident, events = inc.declare(
                        running.policy,
                        title=f"Outage {n}",
                        service=services[n % len(services)],
                        severity="sev2",
                        actor=who,
                        now=at,
                        policy_version=running.id,
                    )
                    stored = work.incidents.add(incident, [e.entry() for e in events])
                    follow(work, running.policy, stored, events, at)
                work.commit()
        return start
    finally:
        container.close()


def move_schedule(url: str, shift: timedelta) -> int:
    """Move every pending timer ``shift`` earlier; return how many are pending."""
    engine = create_engine(url)
    with engine.begin() as conn:
        rows = conn.execute(
            select(TIMERS.c.id, TIMERS.c.due_at, TIMERS.c.planned_at).where(
                TIMERS.c.state == "pending"
            )
        ).all()
        stmt = (
            update(TIMERS)
            .where(TIMERS.c.id == bindparam("tid"))
            .values(due_at=bindparam("due"), planned_at=bindparam("planned"))
        )
        params = [{"tid": r[0], "due": r[1] - shift, "planned": r[2] - shift} for r in rows]
        for first in range(0, len(params), 5000):
            conn.execute(stmt, params[first : first + 5000])
        if conn.dialect.name == "postgresql":
            conn.execute(text("NOTIFY radar_engine"))  # as every change that plans timers does
    engine.dispose()
    return len(rows)


def lateness(url: str, since: datetime, until: datetime) -> tuple[list[float], list[float], int]:
    """(fired, delivered) lateness in seconds of step timers due in [since, until), and how many
    of them are not done."""
    engine = create_engine(url)
    q = text(
        "SELECT t.due_at, t.done_at, n.sent_at, t.state FROM timers t "
        "LEFT JOIN notifications n ON n.timer_id = t.id "
        "WHERE t.kind = 'step' AND t.due_at >= :since AND t.due_at < :until"
    )
    fired, delivered, missing = [], [], 0
    with engine.connect() as conn:
        for due, done, sent, state in conn.execute(q, {"since": since, "until": until}):
            due, done, sent = (_utc(v) for v in (due, done, sent))
            if state != "done" or done is None or sent is None:
                missing += 1
                continue
            fired.append((done - due).total_seconds())
            delivered.append((sent - due).total_seconds())
    engine.dispose()
    return fired, delivered, missing


def _utc(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def idle_cores(pid: int, seconds: float, windows: int = 3) -> float | None:
    """The worker's CPU over ``seconds``, in cores; each third is printed, to show whether the
    cost is steady or a start-up transient."""
    used, began = 0.0, time.perf_counter()
    for n in range(windows):
        before, t0 = cpu.process_seconds(pid), time.perf_counter()
        time.sleep(seconds / windows)
        after, t1 = cpu.process_seconds(pid), time.perf_counter()
        if before is None or after is None:
            return None
        used += after - before
        say(f"  idle window {n + 1}: {(after - before) / (t1 - t0) * 100:.2f} % of a core")
    return used / (time.perf_counter() - began)


def start_worker(target: Target, record: Path) -> subprocess.Popen[str]:
    # The bench's incidents all tell the same few recipients: send windows would bundle them
    # and measure the windows, not the engine. They are off here.
    env = {
        **target.env(),
        "RADAR_NOTIFY_RECORD_FILE": str(record),
        "RADAR_NOTIFY_SEND_WINDOWS": "{}",
    }
    exe = Path(sys.executable).with_name("radar")
    proc = subprocess.Popen([str(exe), "worker"], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "running" not in line:
        raise RuntimeError(f"radar worker did not start: {line!r}")
    return proc


def run(target: Target, args: argparse.Namespace, workdir: Path) -> Result:
    wipe(target.database_url)
    radar_cli(target, "db", "upgrade")
    radar_cli(target, "policy", "apply", str(EXAMPLE_POLICY))
    say(f"planning {args.incidents:,} incidents ...")
    began = time.perf_counter()
    start = seed(target, args.incidents, args.spread)
    seed_s = time.perf_counter() - began
    # Phase 1, idle: nothing falls due for a day while the worker runs.
    parked = datetime.now(UTC) + PARKED
    moved = time.perf_counter()
    pending = move_schedule(target.database_url, start - parked)
    move_s = time.perf_counter() - moved
    say(f"planned in {seed_s:.0f} s; {pending:,} timers pending; starting the worker")
    worker = start_worker(target, workdir / "sent.jsonl")
    try:
        time.sleep(STARTUP)
        idle = idle_cores(worker.pid, args.idle)
        say(f"idle worker: {idle if idle is None else f'{idle * 100:.2f} % of a core'}")
        # Phase 2, firing: bring the schedule to a few seconds from now (after the move itself)
        # and announce it, as any change does: NOTIFY on PostgreSQL, a commit on SQLite.
        first_due = datetime.now(UTC) + timedelta(seconds=2 * move_s + 5)
        move_schedule(target.database_url, parked - first_due)
        end = first_due + timedelta(seconds=args.measure)
        time.sleep(max(0.0, (end - datetime.now(UTC)).total_seconds() + 5))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=30)
    fired, delivered, missing = lateness(target.database_url, first_due, end)
    if missing:
        raise RuntimeError(f"{missing} due steps were not fired and delivered")
    return Result(
        date=today(),
        revision=revision(),
        backend=target.backend,
        incidents=args.incidents,
        spread_s=args.spread,
        measure_s=args.measure,
        seed_s=round(seed_s, 1),
        pending_timers=pending,
        idle_cores=idle,
        fired=Lateness.of(fired),
        delivered=Lateness.of(delivered),
        machine=Machine.here(),
    )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


MARKDOWN_HEADER = (
    "| backend | incidents | pending timers | due per s | measured | fired p50 ms | p90 | p99 "
    "| max | delivered p50 ms | p99 | idle worker CPU | targets met |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
)


def markdown_row(r: Result) -> str:
    idle = "n/a" if r.idle_cores is None else f"{r.idle_cores * 100:.2f} %"
    met = (  # judged on delivery: what the people told see
        r.delivered.p50_ms < TARGETS["p50_ms"]
        and r.delivered.p99_ms < TARGETS["p99_ms"]
        and (r.idle_cores is None or r.idle_cores < TARGETS["idle_cores"])
    )
    cells = [
        r.backend,
        f"{r.incidents:,}",
        f"{r.pending_timers:,}",
        f"{r.incidents / r.spread_s:.1f}",
        f"{r.fired.count:,}",
        f"{r.fired.p50_ms:.1f}",
        f"{r.fired.p90_ms:.1f}",
        f"{r.fired.p99_ms:.1f}",
        f"{r.fired.max_ms:.1f}",
        f"{r.delivered.p50_ms:.1f}",
        f"{r.delivered.p99_ms:.1f}",
        idle,
        "yes" if met else "**no**",
    ]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="radar-bench-engine-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'radar.db'}"
        target = Target(url, args.sqlite_synchronous.upper())
        result = run(target, args, Path(tmp))
    print(
        f"{result.date} · code {result.revision} · {result.machine.cores} cores "
        f"{result.machine.cpu} · Python {result.machine.python}"
    )
    print(MARKDOWN_HEADER)
    print(markdown_row(result))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(asdict(result), indent=2, default=str))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
