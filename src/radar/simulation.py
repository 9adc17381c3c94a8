"""`radar policy simulate`: run one incident through the production engine on a frozen clock.

Nothing is faked: a throw-away SQLite database, the real services, planner and engine, and a
clock that jumps from one due time to the next. Notifications go to a record file in the same
throw-away directory, so nothing leaves the machine.
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import Principal, User, UserRole
from radar.domain.errors import InvalidTransition
from radar.domain.escalation import team_calendar
from radar.domain.events import TimelineEntry
from radar.domain.incident import Via
from radar.domain.notification import Notification
from radar.services.incidents import Declaration
from radar.settings import Settings

HORIZON = timedelta(days=14)
OWNER = "simulation"
DELIVER_LIMIT = 50
RESPONDER = Principal(
    User(id=0, username="responder", display_name="Responder", role=UserRole.ADMIN)
)


@dataclass(frozen=True)
class Scenario:
    severity: str
    service: str
    at: datetime
    ack_after: timedelta | None = None
    resolve_after: timedelta | None = None
    # Someone posts an update this often, from the acknowledgement (else the declaration) on.
    update_every: timedelta | None = None
    title: str = "Simulated incident"
    horizon: timedelta = HORIZON


@dataclass(frozen=True)
class Simulation:
    timezone: str
    declared_at: datetime
    timeline: list[TimelineEntry]
    notifications: list[Notification]


def localise(at: datetime, policy_text: str, filename: str, service: str) -> datetime:
    """A naive ``at`` is local time in the service's team calendar."""
    if at.tzinfo is not None:
        return at
    from radar.policyfile import load

    policy = load.load(policy_text, filename)
    zone = policy.calendar_of(policy.owner_of(service)).zone
    return at.replace(tzinfo=zone)


def simulate(policy_text: str, filename: str, scenario: Scenario) -> Simulation:
    """Declare the scenario's incident, then let time run until the response has nothing left
    to do, the scenario resolves it, or ``horizon`` has passed."""
    start = localise(scenario.at, policy_text, filename, scenario.service)
    with sandbox(policy_text, filename, start) as (c, clock):
        declaration = Declaration(scenario.title, scenario.service, scenario.severity)
        incident = c.incidents.declare(RESPONDER, declaration, Via.CLI)
        run(c, clock, _agenda(c, scenario, start), start + scenario.horizon)
        detail = c.incidents.get(RESPONDER, incident.reference)
        plan = c.engine.plan(RESPONDER, incident.reference)
        policy = c.policies.current().policy
        zone = team_calendar(policy, detail.incident).timezone
        return Simulation(zone, start, detail.timeline, plan.notifications)


@contextmanager
def sandbox(
    policy_text: str, filename: str, start: datetime
) -> Iterator[tuple[Container, FrozenClock]]:
    """The production container on a throw-away SQLite database, with ``policy_text`` applied,
    a ``FrozenClock`` at ``start``, and the record channel writing into the same throw-away
    directory: nothing is sent, and everything is deleted at the end."""
    with tempfile.TemporaryDirectory(prefix="radar-simulation-") as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'simulation.db'}",
            sqlite_synchronous="OFF",
            notify_record_file=str(Path(tmp) / "notifications.jsonl"),
        )
        clock = FrozenClock(start)
        c = build(settings, clock=clock)
        try:
            c.database.upgrade()
            c.policies.apply(policy_text, filename=filename, author="simulation")
            yield c, clock
        finally:
            c.close()


Agenda = list[tuple[datetime, Callable[[], None]]]


def run(c: Container, clock: FrozenClock, agenda: Agenda, end: datetime) -> Agenda:
    """Let time run: fire and deliver whatever is due, then jump to the next due time or the
    next agenda item (done in time order, once the clock reaches it), until nothing is left
    before ``end``. The agenda items not reached, in time order."""
    todo = deque(sorted(agenda, key=lambda item: item[0]))
    while True:
        _settle(c)
        due = c.engine.next_due()
        upcoming = [t for t in (due, todo[0][0] if todo else None) if t is not None]
        if not upcoming or min(upcoming) > end:
            return list(todo)
        clock.advance(max(min(upcoming) - clock.now(), timedelta(0)))
        while todo and todo[0][0] <= clock.now():
            todo.popleft()[1]()


def _settle(c: Container) -> None:
    """Fire every timer due now (an upgrade's new timers are due at once), then send what
    they queued. Sending starts no timer, so one claim that took less than it could leaves
    nothing due now (what a send window holds back is due later)."""
    while True:
        while c.engine.fire_due():
            pass
        if c.engine.deliver_due(OWNER, DELIVER_LIMIT) < DELIVER_LIMIT:
            return


def _agenda(c: Container, scenario: Scenario, start: datetime) -> Agenda:
    agenda: Agenda = []
    if scenario.ack_after is not None:
        agenda.append((start + scenario.ack_after, lambda: _act(c, "ack")))
    if scenario.resolve_after is not None:
        agenda.append((start + scenario.resolve_after, lambda: _act(c, "resolve")))
    if scenario.update_every is not None:
        first = start + (scenario.ack_after or timedelta(0))
        end = start + (scenario.resolve_after or scenario.horizon)
        at = first + scenario.update_every
        for _ in range(MAX_UPDATES):
            if at >= end:
                break
            agenda.append((at, lambda: _act(c, "update")))
            at += scenario.update_every
    return agenda


MAX_UPDATES = 1_000  # a simulated incident's updates, at most


def _act(c: Container, what: str) -> None:
    try:
        if what == "ack":
            c.incidents.acknowledge(RESPONDER, "INC-1", Via.CLI)
        elif what == "update":
            c.incidents.post_update(RESPONDER, "INC-1", message="Still on it.", via=Via.CLI)
        else:
            c.incidents.resolve(RESPONDER, "INC-1", summary="Resolved (simulation)", via=Via.CLI)
    except InvalidTransition:  # resolved before the acknowledgement or update: nothing to do
        pass
