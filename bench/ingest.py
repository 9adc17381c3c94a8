"""Benchmark: alert intake through ``POST /v2/enqueue`` (issue 7), against a bare floor app.

Workloads (PagerDuty Events API v2 triggers, ``--concurrency`` 32 closed-loop workers):

* **W1**: ``--w1-events`` (20,000) triggers over ``--w1-keys`` (500) dedup keys, in a shuffled
  order (fixed ``--seed``), every key the same number of times; payload severity ``info``, so
  every event is recorded and none pages: the first event of a key stores an alert, the others
  count on it.
* **W1-paging**: the same, but ``--paging-keys`` (50) of the keys, evenly spread, send severity
  ``critical``: each of them opens an incident (each has its own source, hence its own group),
  and the engine inside ``radar serve`` fires and delivers its first step during the run.
* **W2**: ``--w2-events`` (5,000) triggers, each with its own dedup key (``info``).

For each workload: a fresh database (a temporary SQLite file unless ``--database-url`` names
another; **that database is WIPED**: its ``public`` schema is dropped), migrated, the example
policy applied, an admin bootstrapped (``bench/dataset.py``) and one PagerDuty integration key
for ``checkout`` made with ``IngestService.create`` (no per-minute limit, as ``radar integration
create`` makes it without ``--rate``). Then ``radar serve`` runs as its own process with the
engine in it (the default) and the record channel (``RADAR_NOTIFY_RECORD_FILE``), and this
process drives it: ``--warmup`` unmeasured events on dedup keys of their own, then the workload.

The same workload is then sent, from the same load generator, to the **floor**:
``bench/floor_app.py``, a minimal FastAPI app on the same uvicorn and thread settings that
parses the JSON and upserts one row into SQLite (WAL, the same ``synchronous``). Radar's
throughput is reported as a fraction of the floor's (W1-paging against the floor's W1).
``--floor-group-commit`` also measures ``floor_app.py --group-commit``, where concurrent events
share one transaction, each answered after its batch commits: an experiment, not the floor.

After each workload the database is checked, for Radar and for the floor: exactly one alert per
dedup key, the sum of their counts equal to the events sent (warm-up included, on its own
keys), no error response; for W1-paging also one incident per paging key and at least one step
fired by the engine during the measured phase. Anything else fails the run (exit 1).

With ``--healthz N``, ``N`` requests of ``GET /healthz`` are measured on each app once a run,
before its first workload: no database, no body, no key, only uvicorn, FastAPI and the thread
pool at the same concurrency, the ceiling of any handler on this stack.

Everything runs ``--runs`` times (3) and the medians are reported; the p99 column also gives
the lowest and highest run. A phase during which other processes kept more than 0.1 core busy
is reported with a WARNING; ``--redo-perturbed N`` discards and repeats such runs, and
``--max-load L`` waits for a quiet machine before each run. The results printed are Markdown
tables for ``docs/benchmarks.md``; ``--json-out`` also writes every figure to a file.

Targets (issue 7, SQLite, 2-core machine): W1 with the engine running at least 3,000 events/s
with a p99 under 25 ms; reported, and failing the run only with ``--check-targets``.

Run ``python bench/ingest.py --help`` for the options; ``bench/README.md`` explains the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import ColumnElement, Connection, create_engine, func, select

import cpu
from dataset import Target, prepare
from loadgen import Call, CallFactory, HttpxConnection, Phase, Summary, run_phase
from loadgen import Connection as ClientConnection
from radar.bootstrap import build
from radar.domain.access import Principal, User, UserRole
from radar.domain.alerts import Kind
from radar.store.tables import AlertRow, IncidentRow, NotificationRow, TimerRow
from rawhttp import RawConnection
from report import QUIET_CORES, Machine, revision, summary_cells, today
from server import Server, _stop, free_port, serving

SERVICE = "checkout"  # from examples/policy.yaml
ADMIN = Principal(User(id=0, username="ops", display_name="Ops", role=UserRole.ADMIN))
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
WARMUP_PREFIX = "warmup"
WARMUP_KEYS = 50
TARGET_EVENTS_PER_S = 3_000.0  # issue 7: W1, SQLite, with the engine running
TARGET_P99_MS = 25.0
TARGETED = ("W1", "W1-paging")
APP_NAMES = {"radar": "Radar", "floor": "floor", "floor-gc": "floor, group commit"}
READY_TIMEOUT_S = 30.0
DASH = "\N{EN DASH}"  # for the Markdown tables, as in docs/benchmarks.md
STAMP = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")

ALERTS = AlertRow.__table__
INCIDENTS = IncidentRow.__table__
NOTIFICATIONS = NotificationRow.__table__
TIMERS = TimerRow.__table__


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/ingest.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument(
        "--database-url",
        help="Radar's database, to WIPE and use: sqlite:////path/radar.db or\n"
        "postgresql+psycopg://user@host/db (default: a temporary SQLite file). The floor\n"
        "app always uses a temporary SQLite file.",
    )
    p.add_argument("--sqlite-synchronous", default="FULL", choices=["FULL", "NORMAL"])
    p.add_argument("--concurrency", type=int, default=32, help="closed-loop workers (32)")
    p.add_argument(
        "--client",
        default="raw",
        choices=["raw", "httpx"],
        help="raw: bench/rawhttp.py, about 0.2 ms of client CPU per request (default);\n"
        "httpx: an httpx.AsyncClient per worker, about 2 ms (see bench/README.md)",
    )
    p.add_argument(
        "--workloads",
        nargs="+",
        default=["W1", "W1-paging", "W2"],
        choices=["W1", "W1-paging", "W2"],
        help="which workloads, in this order (all three)",
    )
    p.add_argument("--w1-events", type=int, default=20_000, help="W1 events (20000)")
    p.add_argument("--w1-keys", type=int, default=500, help="W1 dedup keys (500)")
    p.add_argument(
        "--paging-keys", type=int, default=50, help="W1-paging: keys sent as critical (50)"
    )
    p.add_argument("--w2-events", type=int, default=5_000, help="W2 events = dedup keys (5000)")
    p.add_argument("--warmup", type=int, default=500, help="unmeasured events first (500)")
    p.add_argument(
        "--healthz",
        type=int,
        default=0,
        help="also measure this many GET /healthz on each app, once a run, before the\n"
        "first workload: the HTTP stack alone, at the same concurrency (0)",
    )
    p.add_argument("--runs", type=int, default=3, help="runs of everything; medians (3)")
    p.add_argument("--no-floor", action="store_true", help="measure Radar only")
    p.add_argument(
        "--floor-group-commit",
        action="store_true",
        help="also measure bench/floor_app.py --group-commit (app floor-gc): concurrent\n"
        "events share a transaction; an experiment for the proposals, not the floor",
    )
    p.add_argument(
        "--max-load",
        type=float,
        help="before each run, wait (up to --max-wait s) until the 1-minute load average\n"
        "is at most this (default: do not wait; the load is recorded either way)",
    )
    p.add_argument(
        "--redo-perturbed",
        type=int,
        default=0,
        help="run again, at most this many times in all, a run during which other processes\n"
        "kept more than 0.1 core busy (default 0: keep it and warn)",
    )
    p.add_argument("--max-wait", type=float, default=900.0, help="for --max-load (900 s)")
    p.add_argument("--seed", type=int, default=42, help="seed of the events' order")
    p.add_argument("--json-out", type=Path, help="also write the results here (bench/results/)")
    p.add_argument("--check-targets", action="store_true", help="exit 1 if a target is missed")
    args = p.parse_args(argv)
    if min(args.concurrency, args.w1_events, args.w1_keys, args.w2_events, args.runs) < 1:
        p.error("counts must be positive")
    if args.w1_keys > args.w1_events:
        p.error("--w1-keys cannot exceed --w1-events: every key must be sent")
    if not 0 < args.paging_keys <= args.w1_keys:
        p.error("--paging-keys must be between 1 and --w1-keys")
    if min(args.warmup, args.healthz) < 0:
        p.error("--warmup and --healthz must not be negative")
    return args


# --- The events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """``events`` triggers over ``keys`` dedup keys, of which ``paging`` are critical."""

    name: str
    events: int
    keys: int
    paging: int
    prefix: str  # of the dedup keys: the warm-up's are apart

    def paging_keys(self) -> frozenset[int]:
        if not self.paging:
            return frozenset()
        step = self.keys // self.paging
        return frozenset(k * step for k in range(self.paging))

    def order(self, seed: int) -> list[int]:
        """The key of each event: every key ``events / keys`` times (give or take one),
        shuffled with a fixed seed."""
        keys = [n % self.keys for n in range(self.events)]
        random.Random(seed).shuffle(keys)
        return keys


def workloads(args: argparse.Namespace) -> list[Workload]:
    known = {
        "W1": Workload("W1", args.w1_events, args.w1_keys, 0, "w1"),
        "W1-paging": Workload("W1-paging", args.w1_events, args.w1_keys, args.paging_keys, "w1p"),
        "W2": Workload("W2", args.w2_events, args.w2_events, 0, "w2"),
    }
    return [known[name] for name in args.workloads]


def warmup_workload(args: argparse.Namespace) -> Workload:
    return Workload("warm-up", args.warmup, min(args.warmup, WARMUP_KEYS), 0, WARMUP_PREFIX)


def event(routing_key: str, prefix: str, key: int, n: int, *, critical: bool) -> dict[str, object]:
    """The ``n``-th trigger, for dedup key number ``key``: what Prometheus or a similar tool
    sends PagerDuty (about 600 bytes). Each key has its own source, hence its own group."""
    source = f"web-{key:05d}.{SERVICE}.internal"
    rate = 5 + n % 40
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": f"{prefix}-{key:05d}",
        "payload": {
            "summary": f"High error rate on {source}: {rate}% of requests failing",
            "source": source,
            "severity": "critical" if critical else "info",
            "timestamp": STAMP,
            "component": f"{SERVICE}-api",
            "class": "http_5xx",
            "custom_details": {
                "error_rate_pct": rate,
                "threshold_pct": 5,
                "region": "eu-west-1",
                "runbook": f"https://wiki.example.com/runbooks/{SERVICE}-5xx",
            },
        },
        "client": "Prometheus",
        "client_url": "https://prometheus.example.com/alerts",
        "links": [{"href": "https://grafana.example.com/d/checkout", "text": "Dashboard"}],
    }


def calls(routing_key: str, workload: Workload, seed: int) -> CallFactory:
    order = workload.order(seed)
    paging = workload.paging_keys()

    def make(n: int) -> Call:
        key = order[n]
        body = event(routing_key, workload.prefix, key, n, critical=key in paging)
        return Call("POST", "/v2/enqueue", body)

    return make


# --- Driving a server -------------------------------------------------------------------------


def connect(base_url: str, args: argparse.Namespace) -> list[ClientConnection]:
    if args.client == "raw":
        host, port = base_url.removeprefix("http://").split(":")
        return [RawConnection(host, int(port), {}) for _ in range(args.concurrency)]
    return [HttpxConnection(base_url, {}) for _ in range(args.concurrency)]


@dataclass(frozen=True)
class Window:
    """When the measured phase ran (wall clock, UTC)."""

    start: datetime
    end: datetime


def healthz_call(index: int) -> Call:
    """No database, no JSON body, no key: what the HTTP stack alone costs."""
    return Call("GET", "/healthz")


async def measured(
    meter: cpu.Meter, name: str, total: int, conns: list[ClientConnection], make: CallFactory
) -> Phase:
    """One phase of load, with the CPU time the server, the database and the machine spent."""
    before = meter.sample()
    phase = await run_phase(name, total, conns, make)
    used = meter.between(before, meter.sample())
    phase.server_cpu, phase.database_cpu = used.server, used.database
    phase.machine_cpu = used.machine
    return phase


async def drive(
    server: Server,
    local_postgres: bool,
    routing_key: str,
    workload: Workload,
    args: argparse.Namespace,
    healthz: int,
) -> tuple[list[Phase], Window]:
    """The warm-up, ``healthz`` probes if asked, then the workload, measured (last in the
    list); every answer must be 2xx."""
    meter = cpu.Meter(server.pid, local_postgres)
    conns = connect(server.base_url, args)
    phases = []
    try:
        warm = warmup_workload(args)
        warmed = await run_phase("warm-up", warm.events, conns, calls(routing_key, warm, 0))
        if healthz:
            phases.append(await measured(meter, "healthz", healthz, conns, healthz_call))
        start = datetime.now(UTC)
        make = calls(routing_key, workload, args.seed)
        phases.append(await measured(meter, workload.name, workload.events, conns, make))
        end = datetime.now(UTC)
    finally:
        await asyncio.gather(*(c.aclose() for c in conns))
    for p in (warmed, *phases):
        if p.errors:
            raise RuntimeError(f"{p.name}: {p.errors} failed requests {dict(p.statuses)}")
    return phases, Window(start, end)


# --- Radar ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestTarget(Target):
    """The benchmark's database, and the record channel for what the engine sends."""

    record_file: str = ""

    def env(self) -> dict[str, str]:
        return {**super().env(), "RADAR_NOTIFY_RECORD_FILE": self.record_file}


def make_key(target: Target) -> tuple[str, int]:
    """A PagerDuty integration key for the checkout service (no rate limit) and its id."""
    container = build(target.settings())
    try:
        made = container.ingest.create(ADMIN, service=SERVICE, kind=Kind.PAGERDUTY)
    finally:
        container.close()
    return made.key, made.integration.id


def stored(conn: Connection, where: list[ColumnElement[bool]]) -> tuple[int, int]:
    """Alerts matching ``where`` and the sum of their counts."""
    stmt = select(func.count(), func.coalesce(func.sum(ALERTS.c.count), 0)).where(*where)
    rows, total = conn.execute(stmt).one()
    return int(rows), int(total)


def verify_radar(
    url: str, integration_id: int, workload: Workload, warm: Workload, window: Window
) -> dict[str, int]:
    """What the database holds after the run; RuntimeError when it is not what was sent."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            mine = ALERTS.c.integration_id == integration_id
            rows, total = stored(conn, [mine, ALERTS.c.dedup_key.like(f"{workload.prefix}-%")])
            warm_rows, warm_total = stored(
                conn, [mine, ALERTS.c.dedup_key.like(f"{warm.prefix}-%")]
            )
            all_rows, _ = stored(conn, [])
            paged = conn.execute(
                select(func.count()).where(ALERTS.c.incident_id.is_not(None))
            ).scalar_one()
            incidents = conn.execute(select(func.count()).select_from(INCIDENTS)).scalar_one()
            fired = conn.execute(
                select(func.count()).where(TIMERS.c.done_at.between(window.start, window.end))
            ).scalar_one()
            sent = conn.execute(
                select(func.count()).where(
                    NOTIFICATIONS.c.sent_at.between(window.start, window.end)
                )
            ).scalar_one()
    finally:
        engine.dispose()
    checks = {
        "alerts": rows,
        "count_sum": total,
        "warmup_alerts": warm_rows,
        "warmup_count_sum": warm_total,
        "all_alerts": all_rows,
        "alerts_with_incident": int(paged),
        "incidents": int(incidents),
        "steps_fired_in_run": int(fired),
        "notifications_sent_in_run": int(sent),
    }
    problems = expect(checks, workload, warm)
    if checks["all_alerts"] != rows + warm_rows:
        problems.append(f"{all_rows} alerts stored in all, not {rows + warm_rows}")
    if checks["alerts_with_incident"] != workload.paging:
        problems.append(f"{paged} alerts opened incidents, not {workload.paging}")
    if checks["incidents"] != workload.paging:
        problems.append(f"{incidents} incidents were opened, not {workload.paging}")
    if workload.paging and not fired:
        problems.append("the engine fired no step during the measured phase")
    if problems:
        raise RuntimeError(f"Radar {workload.name}: " + "; ".join(problems))
    return checks


def expect(checks: dict[str, int], workload: Workload, warm: Workload) -> list[str]:
    """The checks common to Radar and the floor: one row per key, every event counted."""
    problems = []
    if checks["alerts"] != workload.keys:
        problems.append(f"{checks['alerts']} alerts stored, not {workload.keys}")
    if checks["count_sum"] != workload.events:
        problems.append(f"their counts add up to {checks['count_sum']}, not {workload.events}")
    if checks["warmup_alerts"] != warm.keys or checks["warmup_count_sum"] != warm.events:
        problems.append(
            f"warm-up: {checks['warmup_alerts']} alerts counting {checks['warmup_count_sum']}, "
            f"not {warm.keys} counting {warm.events}"
        )
    return problems


def server_log_problems(log: Path) -> list[str]:
    """Lines of the server's log (level warning and up) worth a look; tracebacks fail the run."""
    text = log.read_text(errors="replace")
    if "Traceback" in text:
        raise RuntimeError(f"the server logged a traceback:\n{text[-3000:]}")
    return [line for line in text.splitlines() if re.search(r"\b(WARNING|ERROR)\b", line)][:5]


def measure_radar(
    workload: Workload, args: argparse.Namespace, workdir: Path, run_no: int, healthz: int
) -> list[Result]:
    url = args.database_url or f"sqlite:///{workdir}/radar.db"
    record = workdir / f"sent-{run_no}-{workload.prefix}.jsonl"
    target = IngestTarget(url, args.sqlite_synchronous, record_file=str(record))
    prepare(target)
    routing_key, integration_id = make_key(target)
    load = os.getloadavg()[0]
    log = workdir / "server.log"
    with serving(target, log) as server:
        say(f"run {run_no} {workload.name} on Radar: pid {server.pid} at {server.base_url}")
        phases, window = asyncio.run(
            drive(server, target.local_postgres, routing_key, workload, args, healthz)
        )
    checks = verify_radar(url, integration_id, workload, warmup_workload(args), window)
    for line in server_log_problems(log):
        say(f"  server log: {line}")
    return [
        Result(
            run_no,
            "radar",
            target.backend,
            p.name,
            round(load, 2),
            Summary.of(p),
            checks if p.name == workload.name else {},
        )
        for p in phases
    ]


# --- The floor --------------------------------------------------------------------------------


@contextmanager
def floor_serving(
    database: Path, synchronous: str, log: Path, *, group_commit: bool
) -> Iterator[Server]:
    """``bench/floor_app.py`` on a free port, ready; stopped with Ctrl-C on exit."""
    port = free_port()
    command = [
        sys.executable,
        str(FLOOR_APP),
        "--port",
        str(port),
        "--database",
        str(database),
        "--sqlite-synchronous",
        synchronous,
        *(["--group-commit"] if group_commit else []),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the floor app exited early:\n{log.read_text()}")
            try:
                if httpx.get(f"{server.base_url}/readyz", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the floor app was not ready:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        _stop(process)


def verify_floor(database: Path, workload: Workload, warm: Workload) -> dict[str, int]:
    conn = sqlite3.connect(database)
    try:

        def stored_keys(prefix: str) -> tuple[int, int]:
            query = "SELECT count(*), coalesce(sum(count), 0) FROM alerts WHERE dedup_key LIKE ?"
            rows, total = conn.execute(query, (f"{prefix}-%",)).fetchone()
            return int(rows), int(total)

        rows, total = stored_keys(workload.prefix)
        warm_rows, warm_total = stored_keys(warm.prefix)
    finally:
        conn.close()
    checks = {
        "alerts": rows,
        "count_sum": total,
        "warmup_alerts": warm_rows,
        "warmup_count_sum": warm_total,
    }
    problems = expect(checks, workload, warm)
    if problems:
        raise RuntimeError(f"floor {workload.name}: " + "; ".join(problems))
    return checks


def measure_floor(
    workload: Workload,
    args: argparse.Namespace,
    workdir: Path,
    run_no: int,
    healthz: int,
    *,
    group_commit: bool = False,
) -> list[Result]:
    database = workdir / "floor.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    load = os.getloadavg()[0]
    log = workdir / "floor.log"
    app = "floor-gc" if group_commit else "floor"
    synchronous = args.sqlite_synchronous
    with floor_serving(database, synchronous, log, group_commit=group_commit) as server:
        say(f"run {run_no} {workload.name} on {app}: pid {server.pid} at {server.base_url}")
        phases, _ = asyncio.run(drive(server, False, "floor-routing-key", workload, args, healthz))
    checks = verify_floor(database, workload, warmup_workload(args))
    return [
        Result(
            run_no,
            app,
            "sqlite",
            p.name,
            round(load, 2),
            Summary.of(p),
            checks if p.name == workload.name else {},
        )
        for p in phases
    ]


# --- Figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One workload on one app in one run."""

    run: int
    app: str  # radar or floor
    backend: str
    workload: str
    load_1min: float  # the machine's 1-minute load average when the workload started
    summary: Summary
    checks: dict[str, int]


@dataclass(frozen=True)
class Median:
    """The median of each figure over the runs of one workload on one app."""

    app: str
    backend: str
    workload: str
    runs: int
    events: int
    throughput: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p99_low_ms: float
    p99_high_ms: float
    max_ms: float
    server_cpu_ms_per_event: float | None
    database_cpu_ms_per_event: float | None
    client_cpu_ms_per_event: float
    other_cpu_cores_max: float | None
    load_1min_max: float
    of_floor: float | None = None  # throughput as a fraction of the floor's on the same workload

    @property
    def met(self) -> bool | None:
        if self.app != "radar" or self.workload not in TARGETED:
            return None
        return self.throughput >= TARGET_EVENTS_PER_S and self.p99_ms < TARGET_P99_MS


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def medians(results: list[Result]) -> list[Median]:
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.app, r.workload), []).append(r)
    out = []
    for (app, name), rs in groups.items():
        s = [r.summary for r in rs]
        others = [x.other_cpu_cores for x in s if x.other_cpu_cores is not None]
        out.append(
            Median(
                app=app,
                backend=rs[0].backend,
                workload=name,
                runs=len(rs),
                events=s[0].count,
                throughput=statistics.median(x.throughput for x in s),
                p50_ms=statistics.median(x.p50_ms for x in s),
                p90_ms=statistics.median(x.p90_ms for x in s),
                p99_ms=statistics.median(x.p99_ms for x in s),
                p99_low_ms=min(x.p99_ms for x in s),
                p99_high_ms=max(x.p99_ms for x in s),
                max_ms=statistics.median(x.max_ms for x in s),
                server_cpu_ms_per_event=_median([x.server_cpu_ms_per_request for x in s]),
                database_cpu_ms_per_event=_median([x.database_cpu_ms_per_request for x in s]),
                client_cpu_ms_per_event=statistics.median(x.client_cpu_ms_per_request for x in s),
                other_cpu_cores_max=max(others) if others else None,
                load_1min_max=max(r.load_1min for r in rs),
            )
        )
    floors = {m.workload: m.throughput for m in out if m.app == "floor"}
    with_ratio = []
    for m in out:
        floor = floors.get("W1" if m.workload == "W1-paging" else m.workload)
        ratio = m.throughput / floor if m.app == "radar" and floor else None
        with_ratio.append(replace(m, of_floor=ratio))
    return with_ratio


@dataclass(frozen=True)
class IngestReport:
    date: str
    revision: str
    command: str
    backend: str
    sqlite_synchronous: str | None
    concurrency: int
    client: str
    machine: Machine
    results: list[Result] = field(default_factory=list)
    medians: list[Median] = field(default_factory=list)
    discarded: list[Result] = field(default_factory=list)  # runs redone (--redo-perturbed)
    discarded_runs: int = 0

    def missed(self) -> list[str]:
        return [m.workload for m in self.medians if m.met is False]


RUN_HEADER = (
    "| run | app | database | workload | events | events/s | p50 ms | p90 ms | p99 ms | max ms "
    "| server CPU ms/event | database CPU ms/event | client CPU ms/event | other CPU cores "
    "| load 1 min |\n"
    "|--:|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)
MEDIAN_HEADER = (
    "| app | database | workload | events | events/s | of floor | p50 ms | p90 ms "
    "| p99 ms (runs) | max ms | server CPU ms/event | database CPU ms/event | client CPU ms/event "
    "| other CPU cores (max) | load 1 min (max) | target |\n"
    "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
)


def _figure(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _database(report: IngestReport, backend: str) -> str:
    if backend == "sqlite":
        return f"SQLite {report.sqlite_synchronous or 'FULL'}"
    return "PostgreSQL"


def run_rows(report: IngestReport) -> str:
    rows = []
    for r in report.results:
        s = r.summary
        cells = [
            str(r.run),
            r.app,
            _database(report, r.backend),
            r.workload,
            *summary_cells(s),
            f"{r.load_1min:.2f}",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def median_rows(report: IngestReport) -> str:
    rows = []
    for m in report.medians:
        target = DASH
        if m.met is not None:
            wanted = f"≥ {TARGET_EVENTS_PER_S:,.0f}/s, p99 < {TARGET_P99_MS:.0f} ms"
            target = ("met" if m.met else "**missed**") + f" ({wanted})"
        p99 = f"**{m.p99_ms:.1f}**"
        if m.runs > 1:
            p99 += f" ({m.p99_low_ms:.1f}{DASH}{m.p99_high_ms:.1f})"
        cells = [
            APP_NAMES.get(m.app, m.app),
            _database(report, m.backend),
            m.workload,
            f"{m.events:,}",
            f"**{m.throughput:.0f}**",
            DASH if m.of_floor is None else f"{m.of_floor * 100:.0f} %",
            f"{m.p50_ms:.1f}",
            f"{m.p90_ms:.1f}",
            p99,
            f"{m.max_ms:.0f}",
            _figure(m.server_cpu_ms_per_event),
            _figure(m.database_cpu_ms_per_event),
            _figure(m.client_cpu_ms_per_event),
            _figure(m.other_cpu_cores_max),
            f"{m.load_1min_max:.2f}",
            target,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def print_report(report: IngestReport) -> None:
    m = report.machine
    sync = f", synchronous={report.sqlite_synchronous}" if report.sqlite_synchronous else ""
    load = f"concurrency {report.concurrency}, {report.client} client"
    print(f"\n{report.date}  {report.backend}{sync}  {load}  (code {report.revision})")
    print(f"machine: {m.cores} cores, {m.cpu}, Python {m.python}, {m.system}")
    print(f"command: {report.command}\n")
    print("Each run:\n")
    print(RUN_HEADER)
    print(run_rows(report), end="\n\n")
    runs = max((r.run for r in report.results), default=0)
    print(f"Medians of {runs} run{'s' if runs != 1 else ''}:\n")
    print(MEDIAN_HEADER)
    print(median_rows(report), end="\n\n")
    for r in report.results:
        if r.app == "radar" and r.checks.get("incidents"):
            c = r.checks
            print(
                f"run {r.run} {r.workload}: {c['incidents']} incidents opened; during the "
                f"measured phase the engine fired {c['steps_fired_in_run']} steps and sent "
                f"{c['notifications_sent_in_run']} notifications"
            )
    for name in report.missed():
        print(
            f"TARGET MISSED: {name} below {TARGET_EVENTS_PER_S:,.0f} events/s or p99 at or "
            f"above {TARGET_P99_MS:.0f} ms"
        )
    if report.discarded_runs:
        print(
            f"{report.discarded_runs} perturbed runs were discarded and redone "
            "(their figures are in the JSON output)"
        )
    for r in report.results:
        other = r.summary.other_cpu_cores
        if other is not None and other > QUIET_CORES:
            print(
                f"WARNING: other processes kept {other:.2f} cores busy during run {r.run} "
                f"{r.app} {r.workload}; the figures are perturbed"
            )


def write_json(report: IngestReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")


# --- The run ----------------------------------------------------------------------------------


def wait_for_quiet(limit: float | None, patience: float) -> None:
    if limit is None:
        return
    deadline = time.monotonic() + patience
    while (load := os.getloadavg()[0]) > limit:
        if time.monotonic() > deadline:
            say(f"WARNING: load {load:.2f} still above {limit:.2f}; measuring anyway")
            return
        say(f"load {load:.2f} > {limit:.2f}: waiting")
        time.sleep(15)


def one_run(args: argparse.Namespace, workdir: Path, run_no: int) -> list[Result]:
    """Every workload once on Radar, then (except W1-paging) on the floor."""
    results: list[Result] = []
    for n, workload in enumerate(workloads(args)):
        healthz = args.healthz if n == 0 else 0  # once a run, on each app
        radar = measure_radar(workload, args, workdir, run_no, healthz)
        results += radar
        tell("Radar", radar)
        if not args.no_floor and workload.name != "W1-paging":
            floor = measure_floor(workload, args, workdir, run_no, healthz)
            results += floor
            tell("floor", floor)
        if args.floor_group_commit and workload.name != "W1-paging":
            batched = measure_floor(workload, args, workdir, run_no, 0, group_commit=True)
            results += batched
            tell("floor-gc", batched)
    return results


def perturbed(results: list[Result]) -> list[str]:
    """The phases during which other processes kept more than QUIET_CORES busy."""
    return [
        f"{r.app} {r.workload}: {r.summary.other_cpu_cores:.2f} cores"
        for r in results
        if r.summary.other_cpu_cores is not None and r.summary.other_cpu_cores > QUIET_CORES
    ]


def tell(app: str, results: list[Result]) -> None:
    for r in results:
        s = r.summary
        say(f"  {app} {r.workload}: {s.throughput:.0f} events/s, p99 {s.p99_ms:.1f} ms")


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[Result] = []
    discarded: list[Result] = []
    redone = 0
    with tempfile.TemporaryDirectory(prefix="radar-bench-ingest-") as tmp:
        workdir = Path(tmp)
        run_no = 1
        while run_no <= args.runs:
            wait_for_quiet(args.max_load, args.max_wait)
            found = one_run(args, workdir, run_no)
            busy = perturbed(found)
            if busy and redone < args.redo_perturbed:
                say(f"WARNING: run {run_no} perturbed ({'; '.join(busy)}): discarded, run again")
                discarded += found
                redone += 1
                continue
            results += found
            run_no += 1
    backend = Target(args.database_url or "sqlite://", args.sqlite_synchronous).backend
    report = IngestReport(
        date=today(),
        revision=revision(),
        command=" ".join(["bench/ingest.py", *(argv if argv is not None else sys.argv[1:])]),
        backend=backend,
        sqlite_synchronous=args.sqlite_synchronous if backend == "sqlite" else None,
        concurrency=args.concurrency,
        client=args.client,
        machine=Machine.here(),
        results=results,
        medians=medians(results),
        discarded=discarded,
        discarded_runs=redone,
    )
    print_report(report)
    if args.json_out:
        write_json(report, args.json_out)
    if args.check_targets and report.missed():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
