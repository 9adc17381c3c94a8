"""CPU time from Linux ``/proc``: the server's, a local PostgreSQL's and the whole machine's.

A benchmark on a shared 2-core machine must know whether something else ran during a phase; the
machine's busy time less the server's, the database's and the client's is that something.
Elsewhere than Linux the figures are None and the report says "n/a".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BUSY_FIELDS = (0, 1, 2)  # user, nice, system in /proc/stat's "cpu" line (no interrupts)


def _tick() -> float:
    return float(os.sysconf("SC_CLK_TCK"))


def process_seconds(pid: int) -> float | None:
    """User plus system CPU time process ``pid`` has used so far."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the command name, in parentheses, may hold spaces
    return (int(fields[11]) + int(fields[12])) / _tick()  # utime, stime: fields 14 and 15


def machine_busy_seconds() -> float | None:
    """CPU time all cores have spent busy (not idle, not waiting for I/O) since boot."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return None
    values = [int(v) for v in first[1:]]
    return sum(values[i] for i in BUSY_FIELDS) / _tick()


def postgres_seconds() -> float:
    """CPU time of this machine's PostgreSQL server so far: every ``postgres`` process, plus the
    children the postmaster has reaped (connections that have closed count too)."""
    total = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if (proc / "comm").read_text().strip() != "postgres":
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / _tick()


@dataclass(frozen=True)
class Sample:
    """Cumulative CPU seconds at one instant."""

    server: float | None
    machine: float | None
    database: float | None


@dataclass(frozen=True)
class Usage:
    """CPU seconds spent between two samples."""

    server: float | None
    machine: float | None
    database: float | None


@dataclass(frozen=True)
class Meter:
    """Samples the server process, the machine and, when it runs here, PostgreSQL."""

    server_pid: int
    local_postgres: bool = False

    def sample(self) -> Sample:
        database = postgres_seconds() if self.local_postgres else None
        return Sample(process_seconds(self.server_pid), machine_busy_seconds(), database)

    @staticmethod
    def between(before: Sample, after: Sample) -> Usage:
        return Usage(
            _delta(before.server, after.server),
            _delta(before.machine, after.machine),
            _delta(before.database, after.database),
        )


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before
