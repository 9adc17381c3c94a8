"""How a benchmark run is reported: the machine, a console table, Markdown rows for
``docs/benchmarks.md`` and, on request, a JSON file (``bench/results/`` is git-ignored)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import radar
from loadgen import Summary

TARGET_P99_MS = {"declare": 25.0, "get": 10.0}  # issue "Radar's spine", on a 2-core machine
QUIET_CORES = 0.1  # more CPU than this used by other processes during a phase perturbs it


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    python: str
    system: str

    @classmethod
    def here(cls) -> Machine:
        return cls(
            cores=os.cpu_count() or 0,
            cpu=_cpu_model(),
            python=platform.python_version(),
            system=platform.platform(),
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


@dataclass(frozen=True)
class Report:
    """Everything one run measured, with the settings it ran under."""

    date: str
    revision: str
    backend: str
    sqlite_synchronous: str | None
    preload: int
    preload_seconds: float
    concurrency: int
    client: str
    machine: Machine
    summaries: list[Summary] = field(default_factory=list)
    rate: float | None = None  # an open loop at this many calls per second; None: closed
    engine: str = "in the server"  # or "worker process": `radar serve --no-worker` + `radar worker`

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.summaries)

    def missed(self) -> list[str]:
        """Names of the operations whose p99 is at or above its target."""
        return [
            s.name
            for s in self.summaries
            if s.name in TARGET_P99_MS and s.p99_ms >= TARGET_P99_MS[s.name]
        ]


def revision() -> str:
    """The code measured: the commit of the checkout ``radar`` is imported from, with "-dirty"
    when its source (not the benchmark's) differs from that commit; "unknown" outside git."""
    package = Path(radar.__file__).parent
    try:
        commit = _git(package, "rev-parse", "--short", "HEAD")
        changed = _git(package, "status", "--porcelain", "--untracked-files=no", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if changed else "")


def _git(where: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=where, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def today() -> str:
    return datetime.now(UTC).date().isoformat()


MARKDOWN_HEADER = (
    "| backend | synchronous | client | operation | requests | req/s | p50 ms | p90 ms | p99 ms "
    "| max ms | server CPU ms/req | database CPU ms/req | client CPU ms/req | other CPU cores "
    "| p99 target met |\n"
    "|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
)


def markdown_rows(report: Report) -> str:
    """One Markdown table row per operation, to paste under ``MARKDOWN_HEADER``."""
    return "\n".join(_row(report, s) for s in report.summaries)


def _row(report: Report, s: Summary) -> str:
    target = TARGET_P99_MS.get(s.name)
    met = "n/a" if target is None else ("yes" if s.p99_ms < target else "**no**")
    cells = [
        report.backend,
        report.sqlite_synchronous or "n/a",
        report.client,
        s.name,
        *summary_cells(s),
        met if target is None else f"{met} (< {target:.0f} ms)",
    ]
    return "| " + " | ".join(cells) + " |"


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def summary_cells(s: Summary) -> list[str]:
    """A phase's figures as table cells: count, throughput, latencies, CPU, other cores."""
    return [
        f"{s.count:,}",
        f"{s.throughput:.0f}",
        f"{s.p50_ms:.1f}",
        f"{s.p90_ms:.1f}",
        f"{s.p99_ms:.1f}",
        f"{s.max_ms:.1f}",
        _figure(s.server_cpu_ms_per_request),
        _figure(s.database_cpu_ms_per_request),
        _figure(s.client_cpu_ms_per_request),
        _figure(s.other_cpu_cores),
    ]


def busy_elsewhere(report: Report) -> list[str]:
    """Warnings for phases during which other processes kept the machine busy."""
    return [
        f"WARNING: other processes kept {s.other_cpu_cores:.2f} cores busy during {s.name}; "
        "the figures are perturbed"
        for s in report.summaries
        if s.other_cpu_cores is not None and s.other_cpu_cores > QUIET_CORES
    ]


def write_json(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")


def print_report(report: Report) -> None:
    m = report.machine
    sync = f", synchronous={report.sqlite_synchronous}" if report.sqlite_synchronous else ""
    load = f"concurrency {report.concurrency}, {report.client} client"
    if report.rate is not None:
        load = f"open loop at {report.rate:g}/s over {report.concurrency} connections, "
        load += f"{report.client} client"
    load += f", engine {report.engine}"
    print(f"\n{report.date}  {report.backend}{sync}  {load}  (code {report.revision})")
    print(f"machine: {m.cores} cores, {m.cpu}, Python {m.python}, {m.system}")
    print(f"pre-loaded {report.preload:,} incidents in {report.preload_seconds:.1f} s\n")
    print(MARKDOWN_HEADER)
    print(markdown_rows(report), end="\n\n")
    for name in report.missed():
        print(f"TARGET MISSED: p99 {name} >= {TARGET_P99_MS[name]:.0f} ms")
    for warning in busy_elsewhere(report):
        print(warning)
