"""Checks across the whole policy, after the schema: references that must exist, cycles, windows
that end before they start, and readiness warnings (who would never be reached, and when).

Each finding is a ``Problem`` whose field is ``file:line:column``. Errors refuse the file;
warnings do not.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from radar.domain.errors import InvalidInput, Problem
from radar.domain.response import OWN_CHANNEL, Channel, HoursMode, Target, TargetKind
from radar.domain.roles import TeamRole
from radar.policyfile.build import holiday_dates
from radar.policyfile.schema import PersonSpec, PolicyFile, TeamSpec

Where = Callable[[tuple[str | int, ...]], str]
CONTACT = {
    Channel.EMAIL: "email",
    Channel.PHONE: "phone",
    Channel.SMS: "phone",
    Channel.SLACK: "slack",
}

# Channels that only reach a target which is itself their address, and how to write one.
ADDRESS_ONLY = ((Channel.WEBHOOK, "webhook:https://URL"), (Channel.APPRISE, "apprise:NAME"))


@dataclass
class Findings:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def check(spec: PolicyFile, where: Where, years: list[int]) -> Findings:
    """``years``: those whose public holidays must resolve."""
    found = Findings()
    for finder in (
        _duplicates,
        _people_refs,
        _services,
        _upgrades,
        _steps,
        _guide,
        _alert_rules,
        _slack,
    ):
        found.errors.extend(finder(spec, where))
    found.errors.extend(_calendars(spec, where, years))
    found.warnings.extend(_readiness(spec, where))
    return found


def _duplicates(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    sections: dict[str, list[str]] = {
        "people": [p.id for p in spec.people],
        "teams": [t.id for t in spec.teams],
        "services": [s.id for s in spec.services],
        "severities": [s.id for s in spec.severities],
    }
    if spec.guide:
        sections["guide.questions"] = [q.id for q in spec.guide.questions]
    for section, ids in sections.items():
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                path: tuple[str | int, ...] = (*section.split("."), i, "id")
                yield Problem(where(path), f"{section}.{i}.id: duplicate id {item_id!r}")
            seen.add(item_id)


def _people_refs(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    people = {p.id for p in spec.people}
    for i, team in enumerate(spec.teams):
        for j, member in enumerate(team.members):
            if member not in people:
                yield _unknown(where(("teams", i, "members", j)), "person", member, people)
        for role in TeamRole:
            who = getattr(team, role.value)
            if who is not None and who not in people:
                yield _unknown(where(("teams", i, role.value)), "person", who, people)


def _calendars(spec: PolicyFile, where: Where, years: list[int]) -> Iterator[Problem]:
    known = set(spec.calendars)
    if spec.defaults.calendar and spec.defaults.calendar not in known:
        yield _unknown(where(("defaults", "calendar")), "calendar", spec.defaults.calendar, known)
    for i, team in enumerate(spec.teams):
        if team.calendar and team.calendar not in known:
            yield _unknown(where(("teams", i, "calendar")), "calendar", team.calendar, known)
    for cal_id, cal in spec.calendars.items():
        for day, windows in cal.hours.items():
            for j, text in enumerate(windows):
                yield from _window(text, where(("calendars", cal_id, "hours", day, j)))
        if cal.holidays is not None:
            yield from _holidays(cal_id, spec, where, years)


def _window(text: str, at: str) -> Iterator[Problem]:
    plain = text.removesuffix("+1")
    start, end = plain.split("-")
    if not text.endswith("+1") and end != "24:00" and end <= start:
        yield Problem(
            at,
            f"window {text!r} ends before it starts; write {plain}+1 for one that ends the "
            "next day",
        )
    elif text.endswith("+1") and end > start:
        yield Problem(at, f"window {text!r} would last more than a day")


def _holidays(cal_id: str, spec: PolicyFile, where: Where, years: list[int]) -> Iterator[Problem]:
    cal = spec.calendars[cal_id]
    assert cal.holidays is not None
    try:
        holiday_dates(cal.holidays, years[:1])
    except NotImplementedError as exc:
        yield Problem(where(("calendars", cal_id, "holidays")), f"holidays: {exc}")


def _services(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    teams = {t.id for t in spec.teams}
    for i, service in enumerate(spec.services):
        if service.owner is None:
            yield Problem(
                where(("services", i)),
                f"service {service.id!r} has no owner; name the team that owns it (owner: TEAM)",
            )
        elif service.owner not in teams:
            yield _unknown(where(("services", i, "owner")), "team", service.owner, teams)


def _alert_rules(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    services = {s.id for s in spec.services}
    levels = {s.id for s in spec.severities}
    for i, rule in enumerate(spec.alerts.rules):
        at = ("alerts", "rules", i)
        if rule.service is not None and rule.service not in services:
            yield _unknown(where((*at, "service")), "service", rule.service, services)
        if rule.severity is not None and rule.severity not in levels:
            yield _unknown(where((*at, "severity")), "severity", rule.severity, levels)


def _slack(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    channel = spec.slack.incident_channel
    levels = {s.id for s in spec.severities}
    for i, level in enumerate(channel.levels if channel else []):
        if level not in levels:
            at = where(("slack", "incident_channel", "levels", i))
            yield _unknown(at, "severity", level, levels)


def _upgrades(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    """Each upgrade names a known, more severe level; a cycle is reported once, where it starts."""
    rank = {s.id: n for n, s in enumerate(spec.severities)}
    goes_to = {s.id: s.upgrade.to for s in spec.severities if s.upgrade and s.upgrade.to in rank}
    reported: set[frozenset[str]] = set()
    for i, sev in enumerate(spec.severities):
        if sev.upgrade is None:
            continue
        at = where(("severities", i, "upgrade", "to"))
        if sev.upgrade.to not in rank:
            yield _unknown(at, "severity", sev.upgrade.to, set(rank))
            continue
        if rank[sev.upgrade.to] >= rank[sev.id]:
            yield Problem(
                at,
                f"{sev.id} upgrades to {sev.upgrade.to}, which is not more severe; severities are "
                "listed from the most severe down",
            )
        trail, current = [sev.id], sev.upgrade.to
        while current in goes_to and current not in trail:
            trail.append(current)
            current = goes_to[current]
        if current == sev.id and frozenset(trail) not in reported:
            reported.add(frozenset(trail))
            yield Problem(at, f"upgrade cycle: {' -> '.join([*trail, current])}")


def _steps(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    people = {p.id for p in spec.people}
    for i, sev in enumerate(spec.severities):
        for j, step in enumerate(sev.response.steps):
            for k, notify in enumerate(step.notify):
                path = ("severities", i, "response", "steps", j, "notify", k)
                try:
                    target = Target.parse(notify.target)
                except InvalidInput as exc:
                    yield Problem(where((*path, "target")), exc.message)
                    continue
                if target.kind is TargetKind.PERSON and target.value not in people:
                    yield _unknown(where((*path, "target")), "person", target.value, people)
                own = OWN_CHANNEL
                for channel, form in ADDRESS_ONLY:
                    if target.kind not in own and channel in notify.via:
                        yield Problem(
                            where((*path, "via")),
                            f"{notify.target} has no {channel.value}; name a {form} target",
                        )
                if target.kind in own and any(v is not own[target.kind] for v in notify.via):
                    yield Problem(
                        where((*path, "via")),
                        f"{notify.target} can only be reached by {own[target.kind].value}",
                    )


def _guide(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    if spec.guide is None:
        return
    questions = {q.id: q for q in spec.guide.questions}
    severities = {s.id for s in spec.severities}
    if spec.guide.start not in questions:
        yield _unknown(where(("guide", "start")), "question", spec.guide.start, set(questions))
    for i, q in enumerate(spec.guide.questions):
        for j, a in enumerate(q.answers):
            at = where(("guide", "questions", i, "answers", j))
            outcomes = [a.next is not None, a.severity is not None, a.not_an_incident]
            if sum(outcomes) != 1:
                yield Problem(
                    at, "an answer leads to exactly one of: next, severity, not_an_incident"
                )
            if a.next is not None and a.next not in questions:
                yield _unknown(
                    where(("guide", "questions", i, "answers", j, "next")),
                    "question",
                    a.next,
                    set(questions),
                )
            if a.severity is not None and a.severity not in severities:
                yield _unknown(
                    where(("guide", "questions", i, "answers", j, "severity")),
                    "severity",
                    a.severity,
                    severities,
                )
    yield from _guide_cycles(spec, where)


def _guide_cycles(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    assert spec.guide is not None
    edges = {q.id: [a.next for a in q.answers if a.next] for q in spec.guide.questions}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
            if nxt in edges and state.get(nxt) is None:
                found = visit(nxt, [*trail, nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in edges:
        if state.get(start) is None:
            cycle = visit(start, [start])
            if cycle:
                yield Problem(where(("guide", "questions")), f"guide loops: {' -> '.join(cycle)}")
                return


def _readiness(spec: PolicyFile, where: Where) -> Iterator[Problem]:
    people = {p.id: p for p in spec.people}
    teams = {t.id: t for t in spec.teams}
    owning = dict.fromkeys(s.owner for s in spec.services if s.owner in teams)
    owners = [teams[team_id] for team_id in owning if team_id]
    for i, sev in enumerate(spec.severities):
        if not sev.response.steps:
            yield Problem(where(("severities", i)), f"{sev.id} notifies nobody: it has no steps")
        if sev.response.hours is not HoursMode.ALWAYS:
            yield from _never_open(spec, owners, i, where)
        for j, step in enumerate(sev.response.steps):
            for k, notify in enumerate(step.notify):
                path = ("severities", i, "response", "steps", j, "notify", k)
                yield from _reachability(notify.target, notify.via, people, owners, where(path))


def _never_open(
    spec: PolicyFile, owners: list[TeamSpec], i: int, where: Where
) -> Iterator[Problem]:
    sev = spec.severities[i]
    used = {t.calendar or spec.defaults.calendar for t in owners}
    for cal_id in sorted(c for c in used if c in spec.calendars):
        if not any(spec.calendars[cal_id].hours.values()):
            yield Problem(
                where(("severities", i, "response", "hours")),
                f"{sev.id} is {sev.response.hours.value} but calendar {cal_id!r} has no working "
                "hours: it would never notify anyone",
            )


def _reachability(
    text: str, via: list[Channel], people: dict[str, PersonSpec], owners: list[TeamSpec], at: str
) -> Iterator[Problem]:
    try:
        target = Target.parse(text)
    except InvalidInput:
        return
    channels = via or list(target.default_channels)
    if target.kind is TargetKind.PERSON and target.value in people:
        yield from _contact(people[target.value], channels, text, at)
    elif target.kind is TargetKind.TEAM_ROLE:
        for team in owners:
            who = getattr(team, target.value)
            if who is None:
                message = f"team {team.id!r} has no {target.value}: {text} reaches nobody for it"
                yield Problem(at, message)
            elif who in people:
                yield from _contact(people[who], channels, text, at)


def _contact(person: PersonSpec, channels: list[Channel], text: str, at: str) -> Iterator[Problem]:
    for channel in channels:
        attribute = CONTACT.get(channel)
        if attribute and getattr(person, attribute) is None:
            yield Problem(at, f"{text} -> {person.id} has no {attribute} for {channel.value}")


def _unknown(at: str, kind: str, value: str, known: set[str]) -> Problem:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    hint = (
        f"; did you mean {close[0]!r}?"
        if close
        else (f"; known: {', '.join(sorted(known))}" if known else f"; no {kind} is defined")
    )
    return Problem(at, f"unknown {kind} {value!r}{hint}")
