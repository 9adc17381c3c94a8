"""`radar policy simulate`: run one incident through the production engine on a frozen clock.

Nothing is faked: a throw-away SQLite database, the real services, planner and engine, and a
clock that jumps from one due time to the next. Notifications go to a record file in the same
throw-away directory, so nothing leaves the machine.
"""

from __future__ import annotations

import tempfile
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
            declaration = Declaration(scenario.title, scenario.service, scenario.severity)
            incident = c.incidents.declare(RESPONDER, declaration, Via.CLI)
            _run(c, clock, scenario, start)
            detail = c.incidents.get(RESPONDER, incident.reference)
            plan = c.engine.plan(RESPONDER, incident.reference)
            policy = c.policies.current().policy
            zone = team_calendar(policy, detail.incident).timezone
            return Simulation(zone, start, detail.timeline, plan.notifications)
        finally:
            c.close()


def _run(c: Container, clock: FrozenClock, scenario: Scenario, start: datetime) -> None:
    actions = []
    if scenario.ack_after is not None:
        actions.append((start + scenario.ack_after, "ack"))
    if scenario.resolve_after is not None:
        actions.append((start + scenario.resolve_after, "resolve"))
    actions.sort()
    end = start + scenario.horizon
    while True:
        while c.engine.fire_due() or c.engine.deliver_due("simulation"):
            pass
        due = c.engine.next_due()
        upcoming = [t for t in (due, actions[0][0] if actions else None) if t is not None]
        if not upcoming or min(upcoming) > end:
            return
        clock.advance(max(min(upcoming) - clock.now(), timedelta(0)))
        while actions and actions[0][0] <= clock.now():
            _, what = actions.pop(0)
            _act(c, what)


def _act(c: Container, what: str) -> None:
    try:
        if what == "ack":
            c.incidents.acknowledge(RESPONDER, "INC-1", Via.CLI)
        else:
            c.incidents.resolve(RESPONDER, "INC-1", summary="Resolved (simulation)", via=Via.CLI)
    except InvalidTransition:  # resolved before the acknowledgement came: nothing to do
        pass
