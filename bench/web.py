"""Benchmark: how long the web UI's pages take to render on the server (issue 6: "dashboard and
incident page render in < 50 ms server time with 10,000 incidents stored; lists paginate").

What it measures, one request at a time (concurrency 1: the cost of a page, not a queue), as a
signed-in browser would ask for it over HTTP on loopback:

* **dashboard**: ``GET /``, the open incidents grouped by severity (at most 200 rows).
* **incident**: ``GET /incidents/INC-n`` of an open incident with a typical timeline (about 20
  entries), its response plan and its notifications, drawn at random with a fixed seed.
* **dashboard sev2**: ``GET /?severity=sev2``, the dashboard filtered to one level.
* **healthz** (only with ``--healthz N``): ``GET /healthz``, the floor of the HTTP stack.

For each page: the latency the client sees (up to the last byte of the body; p50, p90, p99,
max) and the CPU time the ``radar serve`` process spent per request, read from ``/proc``. At
concurrency 1 on loopback, with the raw client, the latency is the server's wall time plus a
fraction of a millisecond; the CPU figure is what a page costs whatever the load.

Setup: a fresh database (a temporary SQLite file unless ``--database-url`` names another; that
database is WIPED), migrated, the example policy applied, a first admin bootstrapped (all by
``bench/dataset.py``, through the ``radar`` CLI), a responder with a password for the web
sign-in, and ``--preload`` incidents written through the domain decisions and
``services.response`` as the services write them, timers and notifications included:

* ``--open`` of them (300) stay open, across every level and service: about 70 % acknowledged,
  most with a commander, half with a communications lead, each with status updates until its
  timeline holds about ``--timeline`` entries (20), engine notes and notifications included;
* the others are resolved (10 %) or closed (most), or declined in triage (2 %), with a few
  entries each (declared, first step fired, acknowledged, an update or two, resolved, closed).

Every notification is marked sent, and the open incidents' pending timers are moved to start an
hour from now, so the engine in ``radar serve`` stays idle while pages are measured. On
PostgreSQL the database is then vacuumed and analysed (``--no-vacuum`` skips it), as autovacuum
would have left it in a while.

Any non-2xx response fails the run (exit 1). The target (p99 < 50 ms for the dashboard and the
incident page) is reported, and fails the run only with ``--check-targets``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import bindparam, create_engine, func, select, text, update

import cpu
from dataset import Target, prepare
from engine import move_schedule
from loadgen import Call, CallFactory, Connection, HttpxConnection, Phase, Summary, run_phase
from radar.bootstrap import Container, build
from radar.domain import incident as inc
from radar.domain.access import UserRole
from radar.domain.incident import Actor, Incident, Via, Visibility
from radar.domain.lifecycle import OPEN_STATUSES, Status
from radar.domain.notification import DeliveryState
from radar.domain.policy import Policy
from radar.domain.roles import Role
from radar.services import response
from radar.store.incidents import INCIDENTS, ROLES
from radar.store.tables import NotificationRow, TimelineEntryRow, TimerRow
from radar.store.uow import UnitOfWork, UnitOfWorkProvider
from rawhttp import RawConnection
from report import QUIET_CORES, Machine, revision, today
from server import Server, serving

USERNAME = "bench-web"
PASSWORD = "bench web password, not a secret"
TARGET_P99_MS = 50.0  # issue 6: server render time of the dashboard and the incident page
TARGETED = ("dashboard", "incident", "dashboard sev2")  # the filtered page is the dashboard too
BATCH = 250  # incidents per transaction while pre-loading
SPACING = timedelta(minutes=13)  # 10,000 incidents span about three months, as in dataset.py
PARK = timedelta(hours=1)  # the earliest pending timer is moved this far ahead of the run
TYPICAL = (15, 25)  # incident pages measured: open incidents with this many timeline entries

SEVERITY_MIX = {"sev1": 0.06, "sev2": 0.22, "sev3": 0.40, "sev4": 0.32}  # of open incidents
SYMPTOMS = ("elevated error rate", "p99 latency above SLO", "timeouts from upstream", "5xx spike")
UPDATES = (
    "Looking at the dashboards; errors started at the last deploy.",
    "Rolled back the last deploy; watching the error rate.",
    "Failing over to the standby database.",
    "Scaled out the workers; queue is draining.",
    "The payment provider confirms an outage on their side.",
    "Errors are down to normal levels; keeping an eye on it.",
    "Customer support has a macro for affected customers.",
)
STATUS_PATH = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING)
SESSION_COOKIE = "radar_session"
NOTIFICATIONS = NotificationRow.__table__
TIMELINE = TimelineEntryRow.__table__
TIMERS = TimerRow.__table__


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/web.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument(
        "--database-url",
        help="database to WIPE and use: sqlite:////path/radar.db or "
        "postgresql+psycopg://user@host/db (default: a temporary SQLite file)",
    )
    p.add_argument("--sqlite-synchronous", default="FULL", choices=["FULL", "NORMAL"])
    p.add_argument(
        "--client",
        default="raw",
        choices=["raw", "httpx"],
        help="raw: bench/rawhttp.py, about 0.2 ms of client CPU per request, so the latency is\n"
        "the server's (default); httpx: an httpx.AsyncClient, as a script would use",
    )
    p.add_argument("--preload", type=int, default=10_000, help="incidents stored (10000)")
    p.add_argument("--open", type=int, default=300, help="of which still open (300)")
    p.add_argument(
        "--timeline", type=int, default=20, help="timeline entries of an open incident (~20)"
    )
    p.add_argument("--requests", type=int, default=300, help="measured requests per page (300)")
    p.add_argument("--warmup", type=int, default=30, help="unmeasured requests per page first")
    p.add_argument(
        "--healthz", type=int, default=0, help="also measure this many GET /healthz first (0)"
    )
    p.add_argument(
        "--no-vacuum",
        action="store_true",
        help="PostgreSQL: measure right after the load, without VACUUM ANALYZE (see vacuum())",
    )
    p.add_argument("--seed", type=int, default=42, help="seed for the data and the picks")
    p.add_argument("--json-out", type=Path, help="also write the results here (bench/results/)")
    p.add_argument("--check-targets", action="store_true", help="exit 1 if a target is missed")
    args = p.parse_args(argv)
    if min(args.preload, args.open, args.requests, args.timeline) < 1:
        p.error("counts must be positive")
    if args.open > args.preload:
        p.error("--open cannot exceed --preload")
    if min(args.warmup, args.healthz) < 0:
        p.error("--warmup and --healthz must not be negative")
    return args


# --- The dataset ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """What was stored, and the incidents whose pages are measured."""

    incidents: int
    open: int
    open_by_severity: dict[str, int]
    acknowledged_open: int
    comms_lead_open: int
    timeline_entries: int
    notifications: int
    pending_timers: int
    measured_ids: list[int]
    measured_timeline_median: float
    seconds: float


class Story:
    """Writes one incident's history as the services would: each decision stored with
    ``response.save`` (row, timeline, Slack refreshes, timers) in the batch's transaction."""

    def __init__(self, work: UnitOfWork, container: Container, policy: Policy, policy_id: int):
        self.work = work
        self.container = container
        self.policy = policy
        self.policy_id = policy_id

    def declare(self, rng: random.Random, severity: str, service: str, at: datetime) -> Incident:
        who = Actor(rng.choice(self.policy.people).id, Via.WEB)
        incident, events = inc.declare(
            self.policy,
            title=f"{service}: {rng.choice(SYMPTOMS)}",
            description="Customers report failures; dashboards confirm it. " * rng.randint(1, 4),
            service=service,
            severity=severity,
            actor=who,
            now=at,
            policy_version=self.policy_id,
        )
        stored = self.work.incidents.add(incident, [e.entry() for e in events])
        response.follow(self.work, self.policy, stored, events, at)
        return stored

    def fire_due(self, incident: Incident, at: datetime) -> None:
        """The engine's pass at ``at``: the first step's notifications (and engine notes)."""
        assert incident.id is not None
        self.container.engine._fire_incident(self.work, self.policy, incident.id, at)

    def apply(self, incident: Incident, change: inc.Change, at: datetime) -> Incident:
        changed, events = change
        if events:
            response.save(self.work, self.policy, changed, events, at)
        return changed

    def entries(self, incident: Incident) -> int:
        stmt = select(func.count()).select_from(TIMELINE)
        return int(
            self.work.session.execute(
                stmt.where(TIMELINE.c.incident_id == incident.id)
            ).scalar_one()
        )


def open_history(
    story: Story, rng: random.Random, severity: str, at: datetime, now: datetime, entries: int
) -> Incident:
    """An incident still being worked on: acknowledged or not, roles, updates until its timeline
    has about ``entries`` entries."""
    people = [p.id for p in story.policy.people]
    service = rng.choice(story.policy.services).id
    i = story.declare(rng, severity, service, at)
    story.fire_due(i, at + timedelta(minutes=1))
    step = max(timedelta(seconds=10), min(timedelta(minutes=15), (now - at) / (entries + 8)))
    t = at + timedelta(minutes=2)
    lead = rng.choice(people)
    if rng.random() < 0.7:
        i = story.apply(i, inc.acknowledge(i, Actor(lead, Via.WEB), t), t)
    t += step
    if rng.random() < 0.8:
        i = story.apply(
            i, inc.assign_role(i, Actor(lead), t, role=Role.COMMANDER, assignee=lead), t
        )
    t += step
    if rng.random() < 0.5:
        comms = rng.choice(people)
        change = inc.assign_role(i, Actor(lead), t, role=Role.COMMUNICATIONS_LEAD, assignee=comms)
        i = story.apply(i, change, t)
    target = rng.randint(entries - 4, entries + 4)
    path = STATUS_PATH[: rng.randint(1, len(STATUS_PATH))]
    n = 0
    while story.entries(i) < target - 1 and t + step < now:
        t += step
        status = path[min(n // 3, len(path) - 1)]
        visibility = Visibility.PUBLIC if rng.random() < 0.3 else Visibility.INTERNAL
        change = inc.post_update(
            i, Actor(lead), t, message=rng.choice(UPDATES), status=status, visibility=visibility
        )
        i = story.apply(i, change, t)
        n += 1
    return i


def closed_history(
    story: Story, rng: random.Random, severity: str, at: datetime, now: datetime
) -> Incident:
    """An incident of the past: declared, paged, acknowledged, updated, resolved and (mostly)
    closed; or declined in triage. The newest ones are resolved faster, so that every step is
    in the past and only the ``--open`` incidents stay open."""
    people = [p.id for p in story.policy.people]
    service = rng.choice(story.policy.services).id
    who = Actor(rng.choice(people), Via.WEB)
    identified = rng.random() < 0.5
    resolved = 9 + (20 if identified else 0) + rng.randint(15, 240)  # minutes after declared
    scale = min(1.0, (now - at - timedelta(minutes=1)) / timedelta(minutes=resolved))

    def when(minutes: float) -> datetime:
        return at + timedelta(minutes=minutes * scale)

    i = story.declare(rng, severity, service, at)
    story.fire_due(i, when(1))
    if rng.random() < 0.02:
        why = "A single customer's browser extension; support will follow up."
        return story.apply(i, inc.decline(i, who, when(5), reason=why), when(5))
    if rng.random() < 0.9:
        i = story.apply(i, inc.acknowledge(i, who, when(3)), when(3))
    change = inc.post_update(
        i, who, when(9), message=rng.choice(UPDATES), status=Status.INVESTIGATING
    )
    i = story.apply(i, change, when(9))
    if identified:
        change = inc.post_update(
            i, who, when(29), message=rng.choice(UPDATES), status=Status.IDENTIFIED
        )
        i = story.apply(i, change, when(29))
    t = when(resolved)
    i = story.apply(i, inc.resolve(i, who, t, summary="Rolled back; error rate is normal."), t)
    t += timedelta(hours=rng.randint(1, 48))
    if t < now and rng.random() < 0.9:
        i = story.apply(i, inc.close(i, who, t), t)
    return i


def pick_open(count: int, wanted: int, rng: random.Random) -> set[int]:
    """Which incidents (by index, oldest first) stay open: four in five among the newest 1,500,
    the rest anywhere (the incidents everyone forgot to close)."""
    recent = list(range(max(0, count - 1_500), count))
    chosen = set(rng.sample(recent, min(len(recent), wanted * 4 // 5)))
    rest = [n for n in range(count) if n not in chosen]
    chosen.update(rng.sample(rest, wanted - len(chosen)))
    return chosen


def seed(target: Target, args: argparse.Namespace) -> Dataset:
    """Store the incidents, mark their notifications sent, park the timers; the web user too."""
    started = time.perf_counter()
    container = build(target.settings())
    try:
        container.accounts.create_user(
            USERNAME, role=UserRole.RESPONDER, display_name="Bench Responder", password=PASSWORD
        )
        running = container.policies.current()
        policy = running.policy
        uow = UnitOfWorkProvider(container.db)
        rng = random.Random(args.seed)
        now = datetime.now(UTC)
        start = now - SPACING * (args.preload + 1)
        open_set = pick_open(args.preload, args.open, rng)
        levels, weights = zip(*SEVERITY_MIX.items(), strict=True)
        open_ids: list[int] = []
        for first in range(0, args.preload, BATCH):
            with uow(write=True) as work:
                story = Story(work, container, policy, running.id)
                for n in range(first, min(first + BATCH, args.preload)):
                    at = start + SPACING * n
                    if n in open_set:
                        sev = rng.choices(levels, weights)[0]
                        i = open_history(story, rng, sev, at, now, args.timeline)
                        assert i.id is not None
                        assert i.is_open
                        open_ids.append(i.id)
                    else:
                        closed_history(story, rng, rng.choice(levels), at, now)
                work.commit()
            if first and first % 2_000 == 0:
                say(f"  {first:,} incidents stored")
    finally:
        container.close()
    mark_sent(target.database_url)
    earliest = first_pending(target.database_url)
    pending = 0
    if earliest is not None:
        pending = move_schedule(target.database_url, -(datetime.now(UTC) + PARK - earliest))
    if not target.is_sqlite and not args.no_vacuum:
        vacuum(target.database_url)
    return describe(target.database_url, args, open_ids, pending, time.perf_counter() - started)


def mark_sent(url: str) -> None:
    """Every queued notification as delivered by its first channel when it was queued."""
    engine = create_engine(url)
    with engine.begin() as conn:
        rows = conn.execute(
            select(NOTIFICATIONS.c.id, NOTIFICATIONS.c.channels, NOTIFICATIONS.c.created_at).where(
                NOTIFICATIONS.c.state == DeliveryState.PENDING.value
            )
        ).all()
        stmt = (
            update(NOTIFICATIONS)
            .where(NOTIFICATIONS.c.id == bindparam("nid"))
            .values(
                state=DeliveryState.SENT.value,
                sent_at=bindparam("sent"),
                channel=bindparam("via"),
                attempts=1,
            )
        )
        params = [
            {"nid": r[0], "sent": r[2] + timedelta(seconds=2), "via": r[1].split(",")[0]}
            for r in rows
        ]
        for first in range(0, len(params), 5_000):
            conn.execute(stmt, params[first : first + 5_000])
    engine.dispose()


def vacuum(url: str) -> None:
    """PostgreSQL: what autovacuum would have done by now. The load updates each incident
    several times in minutes, leaving about three dead row versions (and their index entries)
    per live one and no planner statistics: the open-incidents query then reads thousands of
    index entries and heap pages for 300 rows (8 ms instead of 1.6)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def first_pending(url: str) -> datetime | None:
    engine = create_engine(url)
    with engine.connect() as conn:
        stmt = select(func.min(TIMERS.c.due_at)).where(TIMERS.c.state == "pending")
        earliest = conn.execute(stmt).scalar()
    engine.dispose()
    if earliest is None:
        return None
    if isinstance(earliest, str):
        earliest = datetime.fromisoformat(earliest)
    assert isinstance(earliest, datetime)
    return earliest.replace(tzinfo=UTC) if earliest.tzinfo is None else earliest


def describe(
    url: str, args: argparse.Namespace, open_ids: list[int], pending: int, seconds: float
) -> Dataset:
    """Count what was stored; choose the open incidents with a typical timeline."""
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(TIMELINE.c.incident_id, func.count())
                .where(TIMELINE.c.incident_id.in_(open_ids))
                .group_by(TIMELINE.c.incident_id)
            ).all()
        )
        entries = conn.execute(select(func.count()).select_from(TIMELINE)).scalar_one()
        notes = conn.execute(select(func.count()).select_from(NOTIFICATIONS)).scalar_one()
        open_values = [v.value for v in OPEN_STATUSES]
        rows = conn.execute(
            select(INCIDENTS.c.id, INCIDENTS.c.severity, INCIDENTS.c.acknowledged_at).where(
                INCIDENTS.c.status.in_(open_values)
            )
        ).all()
        leads = conn.execute(
            select(func.count()).where(
                ROLES.c.incident_id.in_(open_ids), ROLES.c.role == Role.COMMUNICATIONS_LEAD.value
            )
        ).scalar_one()
    engine.dispose()
    if sorted(r[0] for r in rows) != sorted(open_ids):
        raise RuntimeError(f"{len(rows)} incidents are open, not the {len(open_ids)} meant to be")
    low, high = TYPICAL
    measured = sorted(i for i in open_ids if low <= counts.get(i, 0) <= high)
    if not measured:
        raise RuntimeError(f"no open incident has {low} to {high} timeline entries")
    by_severity: dict[str, int] = {}
    for _, sev, _ in rows:
        by_severity[sev] = by_severity.get(sev, 0) + 1
    return Dataset(
        incidents=args.preload,
        open=len(open_ids),
        open_by_severity=dict(sorted(by_severity.items())),
        acknowledged_open=sum(1 for _, _, ack in rows if ack is not None),
        comms_lead_open=int(leads),
        timeline_entries=int(entries),
        notifications=int(notes),
        pending_timers=pending,
        measured_ids=measured,
        measured_timeline_median=statistics.median(counts[i] for i in measured),
        seconds=round(seconds, 1),
    )


# --- Signing in and driving the pages --------------------------------------------------------


def sign_in(server: Server) -> str:
    """Sign in as a browser does (the form's CSRF token and its cookie); the session secret."""
    with httpx.Client(base_url=server.base_url, timeout=30.0) as web:
        form = web.get("/signin")
        form.raise_for_status()
        found = re.search(r'name="csrf" value="([^"]+)"', form.text)
        if found is None:
            raise RuntimeError("the sign-in page has no CSRF token")
        answer = web.post(
            "/signin",
            data={"csrf": found.group(1), "username": USERNAME, "password": PASSWORD, "then": "/"},
        )
        secret = answer.cookies.get(SESSION_COOKIE)
        if answer.status_code != 303 or not secret:
            raise RuntimeError(f"sign-in failed ({answer.status_code}): {answer.text[:500]}")
        return secret


@dataclass(frozen=True)
class Page:
    """One page measured: its name, and the paths asked for in turn."""

    name: str
    paths: list[str]

    def calls(self) -> CallFactory:
        return lambda index: Call("GET", self.paths[index % len(self.paths)])


def pages(data: Dataset, args: argparse.Namespace) -> list[Page]:
    rng = random.Random(args.seed)
    picks = [rng.choice(data.measured_ids) for _ in range(args.requests)]
    found = [
        Page("dashboard", ["/"]),
        Page("incident", [f"/incidents/INC-{k}" for k in picks]),
        Page("dashboard sev2", ["/?severity=sev2"]),
    ]
    if args.healthz:
        found.insert(0, Page("healthz", ["/healthz"]))
    return found


@dataclass(frozen=True)
class Shape:
    """What a page answered when checked: its size, and what it shows."""

    page: str
    path: str
    bytes: int
    rows: int  # dashboard rows, or timeline entries on an incident page


def check_pages(server: Server, secret: str, data: Dataset) -> list[Shape]:
    """Refuse to measure pages that do not show what the dataset meant them to."""
    shapes = []
    cookies = {SESSION_COOKIE: secret}
    with httpx.Client(base_url=server.base_url, cookies=cookies, timeout=30.0) as web:
        for name, path in (
            ("dashboard", "/"),
            ("incident", f"/incidents/INC-{data.measured_ids[0]}"),
            ("dashboard sev2", "/?severity=sev2"),
        ):
            answer = web.get(path)
            if answer.status_code != 200:
                raise RuntimeError(f"GET {path}: {answer.status_code} (signed in?)")
            html = answer.text
            if name == "incident":
                rows = html.count("<li><time ")
            else:
                rows = html.count('<a href="/incidents/INC-')
            if rows == 0:
                raise RuntimeError(f"GET {path} shows no incidents or timeline entries")
            shapes.append(Shape(name, path, len(answer.content), rows))
    return shapes


def connect(server: Server, secret: str, client: str) -> Connection:
    headers = {"Cookie": f"{SESSION_COOKIE}={secret}"}
    if client == "raw":
        host, port = server.base_url.removeprefix("http://").split(":")
        return RawConnection(host, int(port), headers)
    return HttpxConnection(server.base_url, headers)


async def drive(
    server: Server, target: Target, secret: str, data: Dataset, args: argparse.Namespace
) -> list[Phase]:
    """Warm every page up, then measure each in turn, one request at a time."""
    meter = cpu.Meter(server.pid, target.local_postgres)
    conn = connect(server, secret, args.client)
    measured: list[Phase] = []
    try:
        plan = pages(data, args)
        warm = [await run_phase(f"warm-up {p.name}", args.warmup, [conn], p.calls()) for p in plan]
        for p in plan:
            total = args.healthz if p.name == "healthz" else args.requests
            before = meter.sample()
            phase = await run_phase(p.name, total, [conn], p.calls())
            used = meter.between(before, meter.sample())
            phase.server_cpu, phase.database_cpu = used.server, used.database
            phase.machine_cpu = used.machine
            measured.append(phase)
    finally:
        await conn.aclose()
    for phase in [*warm, *measured]:
        if phase.errors:
            raise RuntimeError(
                f"{phase.name}: {phase.errors} failed requests {dict(phase.statuses)}"
            )
    return measured


# --- Reporting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebReport:
    date: str
    revision: str
    backend: str
    sqlite_synchronous: str | None
    client: str
    machine: Machine
    dataset: Dataset
    shapes: list[Shape]
    summaries: list[Summary] = field(default_factory=list)

    def missed(self) -> list[str]:
        return [s.name for s in self.summaries if s.name in TARGETED and s.p99_ms > TARGET_P99_MS]


MARKDOWN_HEADER = (
    "| backend | client | page | requests | p50 ms | p90 ms | p99 ms | max ms "
    "| server CPU ms/req | database CPU ms/req | client CPU ms/req | other CPU cores | bytes "
    "| p99 target met |\n"
    "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
)


def markdown_rows(report: WebReport) -> str:
    size = {s.page: s.bytes for s in report.shapes}
    rows = []
    for s in report.summaries:
        met = "n/a"
        if s.name in TARGETED:
            met = (
                "yes" if s.p99_ms <= TARGET_P99_MS else "**no**"
            ) + f" (< {TARGET_P99_MS:.0f} ms)"
        backend = report.backend + (
            f" {report.sqlite_synchronous}" if report.sqlite_synchronous else ""
        )
        cells = [
            backend,
            report.client,
            s.name,
            f"{s.count:,}",
            f"{s.p50_ms:.1f}",
            f"{s.p90_ms:.1f}",
            f"{s.p99_ms:.1f}",
            f"{s.max_ms:.1f}",
            _figure(s.server_cpu_ms_per_request),
            _figure(s.database_cpu_ms_per_request),
            _figure(s.client_cpu_ms_per_request),
            _figure(s.other_cpu_cores),
            f"{size[s.name]:,}" if s.name in size else "n/a",
            met,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def print_report(report: WebReport) -> None:
    m, d = report.machine, report.dataset
    sync = f", synchronous={report.sqlite_synchronous}" if report.sqlite_synchronous else ""
    print(f"\n{report.date}  {report.backend}{sync}  concurrency 1, {report.client} client", end="")
    print(f"  (code {report.revision})")
    print(f"machine: {m.cores} cores, {m.cpu}, Python {m.python}, {m.system}")
    print(
        f"stored {d.incidents:,} incidents in {d.seconds:.0f} s: {d.open} open "
        f"{d.open_by_severity}, {d.acknowledged_open} of them acknowledged, "
        f"{d.comms_lead_open} with a communications lead; {d.timeline_entries:,} timeline "
        f"entries, {d.notifications:,} notifications, {d.pending_timers:,} pending timers"
    )
    print(
        f"incident pages: {len(d.measured_ids)} open incidents with {TYPICAL[0]} to {TYPICAL[1]} "
        f"timeline entries (median {d.measured_timeline_median:g})"
    )
    for s in report.shapes:
        what = "timeline entries" if s.page == "incident" else "incident rows"
        print(f"  {s.page}: {s.path} -> {s.bytes:,} bytes, {s.rows} {what}")
    print()
    print(MARKDOWN_HEADER)
    print(markdown_rows(report), end="\n\n")
    for name in report.missed():
        print(f"TARGET MISSED: p99 {name} > {TARGET_P99_MS:.0f} ms")
    for s in report.summaries:
        if s.other_cpu_cores is not None and s.other_cpu_cores > QUIET_CORES:
            print(
                f"WARNING: other processes kept {s.other_cpu_cores:.2f} cores busy during "
                f"{s.name}; the figures are perturbed"
            )


def write_json(report: WebReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")


# --- The run ------------------------------------------------------------------------------------


def run(target: Target, args: argparse.Namespace, workdir: Path) -> WebReport:
    say(f"preparing {target.backend} database (wiped, migrated, policy, admin)")
    prepare(target)
    say(f"storing {args.preload:,} incidents, {args.open} of them open")
    data = seed(target, args)
    say(f"stored in {data.seconds:.0f} s")
    with serving(target, workdir / "server.log") as server:
        secret = sign_in(server)
        shapes = check_pages(server, secret, data)
        say(f"server pid {server.pid} at {server.base_url}; one {args.client} connection")
        phases = asyncio.run(drive(server, target, secret, data, args))
    return WebReport(
        date=today(),
        revision=revision(),
        backend=target.backend,
        sqlite_synchronous=target.sqlite_synchronous if target.is_sqlite else None,
        client=args.client,
        machine=Machine.here(),
        dataset=data,
        shapes=shapes,
        summaries=[Summary.of(p) for p in phases],
    )


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="radar-bench-web-") as tmp:
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
