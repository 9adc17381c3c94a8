"""`radar policy simulate --replay`: a whole stream of incidents through the production engine.

The stream is JSON Lines, one incident a line: when it is declared, its level and service, and
what people do to it afterwards, each ``after`` the declaration::

    {"at": "2026-12-07T10:15:00+01:00", "severity": "sev3", "service": "checkout",
     "title": "Search is slow", "actions": [{"after": "12m", "do": "acknowledge"},
     {"after": "40m", "do": "update", "message": "Rolled back"}, {"after": "1h", "do": "resolve"}]}

Every incident is declared at its ``at`` on one throw-away database (``simulation.sandbox``),
each action is applied at its time, and between them the frozen clock jumps to the engine's
next due time, until nothing is due or ``HORIZON`` after the last declaration has passed. An
action that is no longer allowed when its time comes (acknowledging a resolved incident,
answering a proposal that is not there) is skipped and counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain import duration
from radar.domain import interruptions as cost
from radar.domain.access import Principal, User, UserRole
from radar.domain.errors import InvalidInput, InvalidTransition
from radar.domain.incident import Via
from radar.domain.interruptions import Facts, Interruption, Record, Sent
from radar.domain.policy import Policy
from radar.domain.roles import Role
from radar.services.incidents import Declaration
from radar.simulation import RESPONDER, Agenda, run, sandbox

HORIZON = timedelta(days=14)  # after the last declaration
ACTIONS = {
    "acknowledge": (),
    "update": ("message",),
    "severity": ("to", "reason"),
    "answer_upgrade": ("accept",),
    "assign": ("role", "to"),
    "resolve": (),
    "decline": ("reason",),
}
OPTIONAL = {"resolve": ("summary",)}


class StreamError(InvalidInput):
    """A line of the stream Radar cannot replay: ``line`` (0 for the whole stream) and
    ``field`` say where."""

    def __init__(self, line: int, name: str, message: str) -> None:
        super().__init__(f"line {line}: {name}: {message}", field=name)
        self.line = line
        self.detail = message


@dataclass(frozen=True)
class Action:
    after: timedelta
    do: str
    args: dict[str, Any] = field(default_factory=dict)
    by: str | None = None  # a person of the policy; else "Responder"


@dataclass(frozen=True)
class Planned:
    """One line of the stream: an incident and what people do to it."""

    line: int
    at: datetime
    severity: str
    service: str
    title: str
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Skipped:
    line: int
    do: str
    at: datetime
    why: str


@dataclass(frozen=True)
class Replay:
    """What the response did to every incident of the stream, in stream order."""

    policy: Policy
    planned: list[Planned]
    records: list[Record]
    line_of: dict[int, int]  # incident id -> its line in the stream
    applied: int
    skipped: list[Skipped]
    unreached: int  # actions after the horizon
    start: datetime
    end: datetime

    def sent(self) -> list[Sent]:
        return [s for r in self.records for s in cost.sent(self.policy, r)]

    def interruptions(self) -> list[Interruption]:
        return cost.interruptions(self.policy, self.sent())

    def facts(self) -> list[Facts]:
        return [cost.facts(self.policy, r) for r in self.records]


def parse(text: str, policy: Policy) -> list[Planned]:
    """Every incident of the stream, in time order; ``StreamError`` for the first bad line."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            out.append(_incident(number, raw, policy))
    if not out:
        raise StreamError(0, "stream", "the stream has no incident")
    return sorted(out, key=lambda p: (p.at, p.line))


def _incident(line: int, raw: str, policy: Policy) -> Planned:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StreamError(line, "json", f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise StreamError(line, "json", "each line must be one JSON object")
    unknown = sorted(set(data) - {"at", "severity", "service", "title", "actions"})
    if unknown:
        raise StreamError(line, unknown[0], "unknown field")
    at = _time(line, _text(line, data, "at"))
    severity, service = _text(line, data, "severity"), _text(line, data, "service")
    try:
        severity, service = policy.severity(severity).id, policy.service(service).id
    except InvalidInput as exc:
        raise StreamError(line, exc.field or "?", exc.message) from None
    title = data.get("title", f"Replayed incident (line {line})")
    if not isinstance(title, str) or not title.strip():
        raise StreamError(line, "title", "must be a non-empty string")
    actions = data.get("actions", [])
    if not isinstance(actions, list):
        raise StreamError(line, "actions", "must be a list")
    done = tuple(_action(line, f"actions.{n}", a, policy) for n, a in enumerate(actions))
    return Planned(line, at, severity, service, title, done)


def _text(line: int, data: dict[str, Any], name: str, where: str = "") -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise StreamError(line, where + name, "required, a non-empty string")
    return value


def _time(line: int, text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise StreamError(line, "at", f"{text!r} is not a time") from None
    if at.tzinfo is None:
        raise StreamError(line, "at", f"{text!r} has no UTC offset; write 2026-12-07T10:15+01:00")
    return at


def _action(line: int, where: str, data: object, policy: Policy) -> Action:
    if not isinstance(data, dict):
        raise StreamError(line, where, "each action must be a JSON object")
    do = _text(line, data, "do", f"{where}.")
    if do not in ACTIONS:
        raise StreamError(line, f"{where}.do", f"{do!r} is not one of {', '.join(ACTIONS)}")
    allowed = {"after", "do", "by", *ACTIONS[do], *OPTIONAL.get(do, ())}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise StreamError(line, f"{where}.{unknown[0]}", f"unknown field for {do}")
    try:
        after = duration.parse(_text(line, data, "after", f"{where}."), field="after")
    except InvalidInput as exc:
        raise StreamError(line, f"{where}.after", exc.message) from None
    args = {name: data.get(name) for name in ACTIONS[do]}
    for name, value in args.items():
        wanted = bool if name == "accept" else str
        if not isinstance(value, wanted) or (wanted is str and not str(value).strip()):
            kind = "true or false" if wanted is bool else "a non-empty string"
            raise StreamError(line, f"{where}.{name}", f"required for {do}, {kind}")
    _check_ids(line, where, do, args, policy)
    for name in OPTIONAL.get(do, ()):
        if name in data:
            args[name] = _text(line, data, name, f"{where}.")
    by = data.get("by")
    if by is not None and (not isinstance(by, str) or policy.person(by) is None):
        known = ", ".join(p.id for p in policy.people) or "none"
        raise StreamError(line, f"{where}.by", f"{by!r} is not a person of the policy ({known})")
    return Action(after, do, args, by)


def _check_ids(line: int, where: str, do: str, args: dict[str, Any], policy: Policy) -> None:
    try:
        if do == "severity":
            policy.severity(args["to"], field="to")
        elif do == "assign":
            Role(args["role"])
    except InvalidInput as exc:
        raise StreamError(line, f"{where}.to", exc.message) from None
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise StreamError(
            line, f"{where}.role", f"{args['role']!r} is not one of {roles}"
        ) from None


def replay(policy_text: str, filename: str, stream: str, horizon: timedelta = HORIZON) -> Replay:
    """Run every incident of ``stream`` through the production engine on a frozen clock."""
    from radar.policyfile import load

    policy = load.load(policy_text, filename)
    planned = parse(stream, policy)
    start, end = planned[0].at, max(p.at for p in planned) + horizon
    with sandbox(policy_text, filename, start) as (c, clock):
        session = _Session(c, clock, policy)
        agenda: Agenda = []
        for p in planned:
            agenda.append((p.at, session.declarer(p)))
            agenda += [(p.at + a.after, session.actor(p, a)) for a in p.actions]
        unreached = run(c, clock, agenda, end)
        declared = [p for p in planned if p.line in session.references]
        records = [session.record(p) for p in declared]
        return Replay(
            policy=c.policies.current().policy,
            planned=planned,
            records=records,
            line_of={
                r.incident.id: p.line
                for p, r in zip(declared, records, strict=True)
                if r.incident.id is not None
            },
            applied=session.applied,
            skipped=session.skipped,
            unreached=len(unreached),
            start=start,
            end=clock.now(),
        )


class _Session:
    """The incidents declared so far, and what became of the actions on them."""

    def __init__(self, c: Container, clock: FrozenClock, policy: Policy) -> None:
        self.c = c
        self.clock = clock
        self.policy = policy
        self.references: dict[int, str] = {}
        self.applied = 0
        self.skipped: list[Skipped] = []

    def declarer(self, p: Planned) -> Callable[[], None]:
        def declare() -> None:
            declaration = Declaration(p.title, p.service, p.severity)
            self.references[p.line] = self.c.incidents.declare(
                RESPONDER, declaration, Via.CLI
            ).reference

        return declare

    def actor(self, p: Planned, a: Action) -> Callable[[], None]:
        def act() -> None:
            try:
                self._apply(self.references[p.line], a)
                self.applied += 1
            except (InvalidTransition, InvalidInput) as exc:
                self.skipped.append(Skipped(p.line, a.do, self.clock.now(), exc.message))

        return act

    def _apply(self, ref: str, a: Action) -> None:
        who, svc, via = self._principal(a.by), self.c.incidents, Via.CLI
        if a.do == "acknowledge":
            svc.acknowledge(who, ref, via)
        elif a.do == "update":
            svc.post_update(who, ref, message=a.args["message"], via=via)
        elif a.do == "severity":
            svc.change_severity(who, ref, severity=a.args["to"], reason=a.args["reason"], via=via)
        elif a.do == "answer_upgrade":
            svc.answer_upgrade(who, ref, accept=a.args["accept"], via=via)
        elif a.do == "assign":
            svc.assign_role(who, ref, role=Role(a.args["role"]), assignee=a.args["to"], via=via)
        elif a.do == "resolve":
            summary = a.args.get("summary") or "Resolved (replay)"
            svc.resolve(who, ref, summary=summary, via=via)
        else:
            svc.decline(who, ref, reason=a.args["reason"], via=via)

    def _principal(self, person_id: str | None) -> Principal:
        person = self.policy.person(person_id) if person_id else None
        if person is None:
            return RESPONDER
        user = User(id=0, username=person.id, display_name=person.name, role=UserRole.ADMIN)
        return Principal(user)

    def record(self, p: Planned) -> Record:
        ref = self.references[p.line]
        detail = self.c.incidents.get(RESPONDER, ref)
        plan = self.c.engine.plan(RESPONDER, ref)
        return Record(detail.incident, detail.timeline, plan.notifications)
