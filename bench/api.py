"""Benchmark: declare and read incidents through the HTTP API (issue "Radar's spine").

What it measures, as a client sees it over HTTP on localhost:

* **declare**: ``POST /api/v1/incidents`` (201): one write transaction (incident row and its first
  timeline entry) plus the bearer-token check.
* **get**: ``GET /api/v1/incidents/INC-n`` (200) of a random pre-loaded incident: the incident
  and its four-entry timeline, plus the bearer-token check.
* **healthz** (only with ``--healthz N``): ``GET /healthz``, which touches neither the database
  nor the token: the floor that uvicorn, FastAPI and the thread pool set on this machine.

Setup: a fresh database (a temporary SQLite file unless ``--database-url`` names another; that
database is wiped), migrated with ``radar db upgrade``, the example policy applied, a first admin
bootstrapped, and ``--preload`` incidents stored, each declared, acknowledged and updated. Then
``radar serve`` runs as a separate process and this process drives it with ``--concurrency``
closed-loop workers: a warm-up, then ``--healthz`` probes (if asked), ``--declares`` declares
and ``--gets`` reads.

Any non-2xx response fails the run (exit 1). Targets (p99 declare < 25 ms, p99 get < 10 ms) are
reported, and fail the run only with ``--check-targets``.

Run ``python bench/api.py --help`` for the options; ``bench/README.md`` explains the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx

import cpu
from dataset import Target, preload, prepare
from loadgen import (
    Call,
    CallFactory,
    Connection,
    HttpxConnection,
    Phase,
    Summary,
    run_open_phase,
    run_phase,
)
from rawhttp import RawConnection
from report import Machine, Report, print_report, revision, today, write_json
from server import Server, serving

SERVICES = ("checkout", "catalog", "accounts", "notifications")  # from examples/policy.yaml
SEVERITIES = ("sev1", "sev2", "sev3", "sev4")
PRELOADED_TIMELINE = 4  # declared, acknowledged, update posted, status changed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/api.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument(
        "--database-url",
        help="database to WIPE and use: sqlite:////path/radar.db or "
        "postgresql+psycopg://user@host/db (default: a temporary SQLite file)",
    )
    p.add_argument("--sqlite-synchronous", default="FULL", choices=["FULL", "NORMAL"])
    p.add_argument(
        "--concurrency",
        type=int,
        default=16,
        help="closed-loop workers, or with --rate the connections open-loop calls share (16)",
    )
    p.add_argument(
        "--rate",
        type=float,
        help="an open loop instead: calls arrive at this many per second on average (Poisson),\n"
        "whatever the server's pace; latency counts from when a call was due",
    )
    p.add_argument(
        "--client",
        default="httpx",
        choices=["httpx", "raw"],
        help="httpx: an httpx.AsyncClient per worker; raw: bench/rawhttp.py, a minimal\n"
        "HTTP/1.1 client that leaves the CPU to the server (see bench/README.md)",
    )
    p.add_argument(
        "--separate-worker",
        action="store_true",
        help="run the engine as its own `radar worker` process (`radar serve --no-worker`),\n"
        "not inside the server; server CPU then leaves the engine's out",
    )
    p.add_argument("--preload", type=int, default=10_000, help="incidents stored first (10000)")
    p.add_argument("--declares", type=int, default=3_000, help="measured declares (3000)")
    p.add_argument("--gets", type=int, default=10_000, help="measured reads (10000)")
    p.add_argument("--warmup", type=int, default=300, help="unmeasured requests of each kind")
    p.add_argument(
        "--healthz",
        type=int,
        default=0,
        help="also measure this many GET /healthz first: the floor of the HTTP stack (0)",
    )
    p.add_argument("--seed", type=int, default=42, help="seed for the data and the reads")
    p.add_argument("--json-out", type=Path, help="also write the results here (bench/results/)")
    p.add_argument("--check-targets", action="store_true", help="exit 1 if a target is missed")
    args = p.parse_args(argv)
    if min(args.concurrency, args.preload, args.declares, args.gets) < 1:
        p.error("counts must be positive")
    if args.rate is not None and args.rate <= 0:
        p.error("--rate must be positive")
    if min(args.warmup, args.healthz) < 0:
        p.error("--warmup and --healthz must not be negative")
    return args


def declare_call(index: int) -> Call:
    """The ``index``-th declare: services and severities taken in turn."""
    return Call(
        "POST",
        "/api/v1/incidents",
        {
            "title": f"Bench {index}: {SERVICES[index % len(SERVICES)]} error rate above 5%",
            "service": SERVICES[index % len(SERVICES)],
            "severity": SEVERITIES[index // len(SERVICES) % len(SEVERITIES)],
            "description": "Declared by bench/api.py.",
        },
    )


def healthz_call(index: int) -> Call:
    """The liveness probe: no database, no token check; what the HTTP stack alone costs."""
    return Call("GET", "/healthz")


def get_calls(ids: list[int], total: int, seed: int) -> CallFactory:
    """Reads of ``total`` incidents drawn uniformly (with a fixed seed) from ``ids``."""
    rng = random.Random(seed)
    picks = [rng.choice(ids) for _ in range(total)]
    return lambda index: Call("GET", f"/api/v1/incidents/INC-{picks[index]}")


async def check_dataset(server: Server, token: str, ids: list[int]) -> None:
    """Refuse to measure reads of incidents that do not look as the pre-load meant them to."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers) as client:
        response = await client.get(f"/api/v1/incidents/INC-{ids[-1]}")
    response.raise_for_status()
    entries = len(response.json()["timeline"])
    if entries != PRELOADED_TIMELINE:
        raise RuntimeError(f"pre-loaded incident has {entries} timeline entries, not 4")


def connect(server: Server, token: str, args: argparse.Namespace) -> list[Connection]:
    """One connection per worker, of the kind ``--client`` names."""
    headers = {"Authorization": f"Bearer {token}"}
    if args.client == "raw":
        host, port = server.base_url.removeprefix("http://").split(":")
        return [RawConnection(host, int(port), headers) for _ in range(args.concurrency)]
    return [HttpxConnection(server.base_url, headers) for _ in range(args.concurrency)]


async def measured(
    meter: cpu.Meter,
    name: str,
    total: int,
    connections: list[Connection],
    make: CallFactory,
    rate: float | None = None,
) -> Phase:
    """One phase of load (closed loop, or open at ``rate``), with the CPU time the server, the
    database and the machine spent."""
    before = meter.sample()
    if rate is None:
        phase = await run_phase(name, total, connections, make)
    else:
        phase = await run_open_phase(name, total, connections, make, rate)
    used = meter.between(before, meter.sample())
    phase.server_cpu = used.server
    phase.database_cpu = used.database
    phase.machine_cpu = used.machine
    return phase


async def drive(
    server: Server, target: Target, token: str, ids: list[int], args: argparse.Namespace
) -> list[Phase]:
    """Warm up, then measure /healthz (if asked), declares and reads; all must answer 2xx."""
    await check_dataset(server, token, ids)
    meter = cpu.Meter(server.pid, target.local_postgres)
    conns = connect(server, token, args)
    try:
        warm = [
            await run_phase("warm-up declare", args.warmup, conns, declare_call),
            await run_phase("warm-up get", args.warmup, conns, get_calls(ids, args.warmup, 0)),
        ]
        phases = []
        if args.healthz:
            phases.append(
                await measured(meter, "healthz", args.healthz, conns, healthz_call, args.rate)
            )
        phases.append(
            await measured(meter, "declare", args.declares, conns, declare_call, args.rate)
        )
        reads = get_calls(ids, args.gets, args.seed)
        phases.append(await measured(meter, "get", args.gets, conns, reads, args.rate))
    finally:
        await asyncio.gather(*(c.aclose() for c in conns))
    for phase in [*warm, *phases]:
        if phase.errors:
            failed = f"{phase.errors} failed requests {dict(phase.statuses)}"
            raise RuntimeError(f"{phase.name}: {failed}")
    return phases


def run(target: Target, args: argparse.Namespace, workdir: Path) -> Report:
    """Prepare the database, pre-load it, serve it and drive the load; return the figures."""
    say(f"preparing {target.backend} database (wiped, migrated, policy, admin)")
    token = prepare(target)
    say(f"pre-loading {args.preload:,} incidents")
    started = time.perf_counter()
    ids = preload(target, token, args.preload, seed=args.seed)
    loaded_in = time.perf_counter() - started
    with serving(target, workdir / "server.log", separate_worker=args.separate_worker) as server:
        workers = f"{args.concurrency} {args.client} workers"
        say(f"server pid {server.pid} at {server.base_url}; {workers}")
        phases = asyncio.run(drive(server, target, token, ids, args))
    return Report(
        date=today(),
        revision=revision(),
        backend=target.backend,
        sqlite_synchronous=target.sqlite_synchronous if target.is_sqlite else None,
        preload=args.preload,
        preload_seconds=round(loaded_in, 2),
        concurrency=args.concurrency,
        client=args.client,
        rate=args.rate,
        engine="worker process" if args.separate_worker else "in the server",
        machine=Machine.here(),
        summaries=[Summary.of(p) for p in phases],
    )


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="radar-bench-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/radar.db"
        report = run(Target(url, args.sqlite_synchronous), args, Path(tmp))
    print_report(report)
    if args.json_out:
        write_json(report, args.json_out)
    if args.check_targets and report.missed():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
