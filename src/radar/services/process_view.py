"""The running policy arranged for people: the "Our process" and "Services and teams" pages.

Read only. Each level's response is worded by ``domain.preview``, so these pages say exactly what
the CLI, the triage guide and the engine's plan say. Calendars keep only closed dates; the names
of public holidays are looked up again here from the policy file's ``holidays`` setting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays

from radar.clock import Clock
from radar.domain import preview, triage
from radar.domain.calendar import ALWAYS, Calendar
from radar.domain.policy import Policy, Service, Team
from radar.domain.response import HoursMode
from radar.domain.roles import TeamRole
from radar.domain.severity import Severity
from radar.domain.triage import Question
from radar.policyfile import load
from radar.services.policies import PolicyService, PolicyVersion, StoredPolicy

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ROLE_NAMES = {
    TeamRole.ENGINEERING_MANAGER: "Engineering manager",
    TeamRole.PRODUCT_OWNER: "Product owner",
    TeamRole.TEAM_LEAD: "Team lead",
}
AHEAD = timedelta(days=365)  # closed dates shown: the coming year
ANY_HOUR = "At any hour, day or night."
EXTRA_CLOSED = "Closed (listed in the policy)"


@dataclass(frozen=True)
class Level:
    severity: Severity
    response: list[str]  # in words, as domain.preview says it


@dataclass(frozen=True)
class ClosedDay:
    day: date
    name: str


@dataclass(frozen=True)
class Hours:
    """A working-hours calendar: days grouped by their windows, and the coming closed dates."""

    id: str
    timezone: str
    week: list[tuple[str, str]]  # ("Monday to Thursday", "09:00-18:00")
    closed: list[ClosedDay]
    used_by: list[str]  # team names, or "the default"
    always: bool = False


@dataclass(frozen=True)
class Owners:
    """A service and who answers for it: names, never ids."""

    service: Service
    team: Team | None
    roles: list[tuple[str, str]]  # ("Engineering manager", "Laura Gómez")
    members: list[str]
    hours: Hours
    calls: list[Level]  # per level: who is told, how, when, at what hours


@dataclass(frozen=True)
class Asked:
    """A question of the severity guide, numbered in the order the guide asks it, with where
    each answer leads, in words: ``("No", "question 2")``, ``("Yes", "Sev1 - Critical")``."""

    number: int
    question: Question
    answers: list[tuple[str, str]]


@dataclass(frozen=True)
class Process:
    version: PolicyVersion
    history: list[StoredPolicy]  # newest first
    levels: list[Level]
    calendars: list[Hours]
    owners: list[Owners]
    guide: list[Asked] = dataclasses.field(default_factory=list)  # in the order asked
    test_asked: str = ""  # where the guide asks the incident test, in words


def guide_in_order(policy: Policy) -> list[Asked]:
    """The severity guide as the report form, ``radar triage`` and Slack ask it."""
    if policy.guide is None:
        return []
    questions = triage.asked(policy.guide)
    number = {q.id: n for n, q in enumerate(questions, 1)}

    def leads_to(answer: triage.Answer) -> str:
        if answer.next is not None:
            return f"question {number[answer.next]}"
        if answer.severity is not None:
            return policy.severity(answer.severity).name
        return "not an incident, file a ticket"

    return [Asked(number[q.id], q, [(a.label, leads_to(a)) for a in q.answers]) for q in questions]


class ProcessView:
    def __init__(self, policies: PolicyService, clock: Clock) -> None:
        self._policies = policies
        self._clock = clock

    def process(self) -> Process:
        version = self._policies.current()
        history = self._policies.history()
        policy = version.policy
        now = self._clock.now()
        names = holiday_names(version.stored, now)
        levels = [Level(s, _words(policy, s, None)) for s in policy.severities]
        calendars = [
            hours(cal, now, names, _used_by(policy, cal.id)) for cal in policy.calendars.values()
        ]
        return Process(
            version,
            history,
            levels,
            calendars,
            owners(policy, now, names),
            guide_in_order(policy),
            triage.where_test_is_asked(policy.guide),
        )

    def services(self) -> list[Owners]:
        version = self._policies.current()
        now = self._clock.now()
        return owners(version.policy, now, holiday_names(version.stored, now))


def owners(policy: Policy, now: datetime, names: Mapping[date, str]) -> list[Owners]:
    calls_only = _calls_only(policy)
    out = []
    for svc in policy.services:
        team = policy.owner_of(svc.id)
        cal = policy.calendar_of(team)
        out.append(
            Owners(
                service=svc,
                team=team,
                roles=[(label, _name(policy, team, role)) for role, label in ROLE_NAMES.items()],
                members=[_person(policy, m) for m in team.members] if team else [],
                hours=hours(cal, now, names, []),
                calls=[Level(s, _words(calls_only, s, svc.id)) for s in calls_only.severities],
            )
        )
    return out


def hours(cal: Calendar, now: datetime, names: Mapping[date, str], used_by: list[str]) -> Hours:
    today = now.astimezone(cal.zone).date()
    closed = [
        ClosedDay(d, names.get(d, EXTRA_CLOSED))
        for d in sorted(cal.closed)
        if today <= d < today + AHEAD
    ]
    return Hours(cal.id, cal.timezone, week(cal), closed, used_by, always=cal is ALWAYS)


def week(cal: Calendar) -> list[tuple[str, str]]:
    """Runs of days with the same windows: ``("Monday to Thursday", "09:00-18:00")``,
    ``("Saturday and Sunday", "closed")``."""
    out: list[tuple[str, str]] = []
    start = 0
    for i in range(1, 8):
        if i < 7 and cal.weekly[i] == cal.weekly[start]:
            continue
        windows = ", ".join(str(w) for w in cal.weekly[start]) or "closed"
        joint = " and " if i - start == 2 else " to "
        days = DAY_NAMES[start] if i - 1 == start else DAY_NAMES[start] + joint + DAY_NAMES[i - 1]
        out.append((days, windows))
        start = i
    return out


def holiday_names(stored: StoredPolicy, now: datetime) -> dict[date, str]:
    """Public holidays of every calendar in the policy file, by date, in English when the
    ``holidays`` package has it. Dates only closed in one calendar are named in all: harmless,
    since a name is shown only for a date that calendar closes."""
    spec, _ = load.parse(stored.content, stored.filename)
    names: dict[date, str] = {}
    years = range(now.year - 1, now.year + 2)  # around the coming year, in any time zone
    for cal in spec.calendars.values():
        if cal.holidays is None:
            continue
        found = holidays.country_holidays(
            cal.holidays.country, subdiv=cal.holidays.subdivision, years=years, language="en_US"
        )
        for day, name in found.items():
            names.setdefault(day, name)
    return names


def _calls_only(policy: Policy) -> Policy:
    """The policy with each level reduced to its calls, so the preview says only who is told,
    how, when, and at what hours."""
    levels = tuple(
        dataclasses.replace(s, updates_every=None, upgrade=None, required_roles=(), postmortem=None)
        for s in policy.severities
    )
    return dataclasses.replace(policy, severities=levels)


def _words(policy: Policy, s: Severity, service_id: str | None) -> list[str]:
    """The preview's sentences. The preview names the hours only when they limit the response;
    an always-on level gets ``At any hour, day or night.`` after its steps and repeats."""
    lines = preview.response(policy, s.id, service_id)
    if s.response.hours is HoursMode.ALWAYS:
        lines.insert(2 if s.response.repeat and s.response.steps else 1, ANY_HOUR)
    return lines


def _used_by(policy: Policy, cal_id: str) -> list[str]:
    users = [t.name for t in policy.teams if policy.calendar_of(t).id == cal_id]
    if policy.default_calendar == cal_id:
        users.append("the default for teams without their own")
    return users


def _name(policy: Policy, team: Team | None, role: TeamRole) -> str:
    holder = team.roles.get(role) if team else None
    return _person(policy, holder) if holder else "nobody"


def _person(policy: Policy, person_id: str) -> str:
    person = policy.person(person_id)
    return person.name if person else person_id
