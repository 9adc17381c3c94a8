"""A closed-loop HTTP load generator and the figures it reports.

Each worker owns one keep-alive connection and sends its next request the moment its previous
one is answered, until the phase's ``total`` requests have been sent. A request's latency
is ``time.perf_counter()`` from just before the request is sent to just after the whole response
body has been read, as the client sees it (so it includes the client's own event-loop delays).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

TRANSPORT_ERROR = 0  # the status recorded when no HTTP response came back at all


@dataclass(frozen=True)
class Call:
    """One request to send: ``method`` on ``path`` (relative to the base URL), maybe a JSON body."""

    method: str
    path: str
    json: dict[str, Any] | None = None


CallFactory = Callable[[int], Call]


class Connection(Protocol):
    """A worker's own way to the server. ``send`` returns the HTTP status once the whole body
    has been read, or ``TRANSPORT_ERROR`` when no response came back."""

    async def send(self, call: Call) -> int: ...

    async def aclose(self) -> None: ...


@dataclass
class Phase:
    """What one phase of load recorded: per-request latencies, statuses, wall time, and the CPU
    time this (client) process, the server, the database (a local PostgreSQL) and the whole
    machine used, all in seconds."""

    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float | None = None
    database_cpu: float | None = None
    machine_cpu: float | None = None

    def other_cpu_cores(self) -> float | None:
        """Cores, on average, that processes other than the client, the server and the database
        kept busy: anything above a few hundredths perturbs the figures."""
        if self.machine_cpu is None or self.server_cpu is None or not self.wall:
            return None
        ours = self.server_cpu + self.client_cpu + (self.database_cpu or 0.0)
        return max(0.0, self.machine_cpu - ours) / self.wall

    @property
    def errors(self) -> int:
        """Responses that were not 2xx, plus requests that got no response."""
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)


@dataclass(frozen=True)
class Summary:
    """The figures of one phase, in milliseconds and requests per second."""

    name: str
    count: int
    errors: int
    throughput: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    client_cpu_ms_per_request: float
    server_cpu_ms_per_request: float | None
    database_cpu_ms_per_request: float | None
    other_cpu_cores: float | None

    @classmethod
    def of(cls, phase: Phase) -> Summary:
        ordered = sorted(phase.latencies)
        count = len(ordered)
        return cls(
            name=phase.name,
            count=count,
            errors=phase.errors,
            throughput=count / phase.wall if phase.wall else 0.0,
            p50_ms=percentile(ordered, 50) * 1000,
            p90_ms=percentile(ordered, 90) * 1000,
            p99_ms=percentile(ordered, 99) * 1000,
            max_ms=(ordered[-1] if ordered else 0.0) * 1000,
            client_cpu_ms_per_request=phase.client_cpu / count * 1000 if count else 0.0,
            server_cpu_ms_per_request=_per_request_ms(phase.server_cpu, count),
            database_cpu_ms_per_request=_per_request_ms(phase.database_cpu, count),
            other_cpu_cores=phase.other_cpu_cores(),
        )


def _per_request_ms(seconds: float | None, count: int) -> float | None:
    return None if seconds is None or not count else seconds / count * 1000


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list: the smallest value with ``q``% at or below."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


async def run_phase(
    name: str, total: int, connections: list[Connection], make: CallFactory
) -> Phase:
    """Send ``make(0)`` .. ``make(total - 1)``, one closed-loop worker per connection."""
    phase = Phase(name)
    indices = iter(range(total))  # shared: each worker takes the next index when it is free
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(_worker(c, indices, make, phase) for c in connections))
    phase.wall = time.perf_counter() - started
    phase.client_cpu = time.process_time() - cpu
    return phase


async def run_open_phase(
    name: str,
    total: int,
    connections: list[Connection],
    make: CallFactory,
    rate: float,
    seed: int = 0,
) -> Phase:
    """Send ``total`` calls arriving at ``rate`` per second on average (Poisson arrivals, a
    fixed seed), whatever the server's pace: an open loop. Each call takes a free connection,
    waiting for one when all ``connections`` are busy, and its latency counts from the moment
    it was due, so waiting for a connection behind a slow server is counted too (no coordinated
    omission)."""
    phase = Phase(name)
    free: asyncio.Queue[Connection] = asyncio.Queue()
    for connection in connections:
        free.put_nowait(connection)
    rng = random.Random(seed)

    async def one(index: int, due: float) -> None:
        connection = await free.get()
        try:
            status = await connection.send(make(index))
        finally:
            free.put_nowait(connection)
        phase.latencies.append(time.perf_counter() - due)
        phase.statuses[status] += 1

    started, cpu = time.perf_counter(), time.process_time()
    due, sent = started, []
    for index in range(total):
        due += rng.expovariate(rate)
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        sent.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*sent)
    phase.wall = time.perf_counter() - started
    phase.client_cpu = time.process_time() - cpu
    return phase


async def _worker(
    connection: Connection, indices: Iterator[int], make: CallFactory, phase: Phase
) -> None:
    for index in indices:
        call = make(index)
        sent = time.perf_counter()
        status = await connection.send(call)
        phase.latencies.append(time.perf_counter() - sent)
        phase.statuses[status] += 1


class HttpxConnection:
    """One worker's ``httpx.AsyncClient`` with a single keep-alive connection.

    A client per worker, not one shared pool: on two cores a 16-connection shared pool cost
    about 4 ms of client CPU per request and added hundreds of milliseconds to the p99.
    """

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=httpx.Timeout(60.0),
        )

    async def send(self, call: Call) -> int:
        try:
            response = await self._client.request(call.method, call.path, json=call.json)
        except httpx.TransportError:
            return TRANSPORT_ERROR
        return response.status_code

    async def aclose(self) -> None:
        await self._client.aclose()
