"""A validated ``PolicyFile`` -> the domain ``Policy``. Public holidays are resolved here, with the
``holidays`` package, into plain dates: the domain stays free of libraries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, time
from types import MappingProxyType

import holidays

from radar.domain import duration
from radar.domain.alerts import FieldMapping, Rule
from radar.domain.calendar import Calendar, Window
from radar.domain.policy import Maintenance, Person, Policy, Service, Team
from radar.domain.response import Channel, Notify, Postmortem, Response, Step, Target, Upgrade
from radar.domain.roles import TeamRole
from radar.domain.severity import Severity
from radar.domain.triage import Answer, Guide, Question
from radar.policyfile.schema import (
    CalendarSpec,
    HolidaySpec,
    PolicyFile,
    SeveritySpec,
    TeamSpec,
    Weekday,
)

WEEK = list(Weekday)


def parse_window(text: str) -> Window:
    """``09:00-18:00`` or ``22:00-06:00+1``; ``24:00`` is allowed as an end only."""
    next_day = text.endswith("+1")
    start, end = text.removesuffix("+1").split("-")
    return Window(_clock(start), _clock(end), next_day=next_day or end == "24:00")


def _clock(text: str) -> time:
    hours, minutes = (int(p) for p in text.split(":"))
    return time(0, minutes) if hours == 24 else time(hours, minutes)


def holiday_dates(spec: HolidaySpec, years: Iterable[int]) -> frozenset[date]:
    """Raises ``NotImplementedError`` for an unknown country or subdivision."""
    found = holidays.country_holidays(spec.country, subdiv=spec.subdivision, years=list(years))
    return frozenset(found)


def calendar(cal_id: str, spec: CalendarSpec, years: Iterable[int]) -> Calendar:
    closed = set(spec.closed)
    if spec.holidays is not None:
        closed |= holiday_dates(spec.holidays, years)
    weekly = tuple(tuple(parse_window(w) for w in spec.hours.get(day, [])) for day in WEEK)
    return Calendar(id=cal_id, timezone=spec.timezone, weekly=weekly, closed=frozenset(closed))


def severity(rank: int, s: SeveritySpec) -> Severity:
    steps = tuple(
        Step(
            after=duration.parse(step.after),
            notify=tuple(_notify(n.target, n.via) for n in step.notify),
            unless_acknowledged=step.unless_acknowledged,
        )
        for step in s.response.steps
    )
    return Severity(
        id=s.id,
        name=s.name,
        definition=s.definition,
        examples=tuple(s.examples),
        typical_response=s.typical_response,
        rank=rank,
        response=Response(hours=s.response.hours, steps=steps, repeat=s.response.repeat),
        updates_every=duration.parse(s.updates.every) if s.updates else None,
        upgrade=Upgrade(
            duration.parse(s.upgrade.after),
            s.upgrade.counting,
            s.upgrade.to,
            s.upgrade.when_worked_on,
            duration.parse(s.upgrade.near_closing),
        )
        if s.upgrade
        else None,
        required_roles=tuple(dict.fromkeys(s.required_roles)),
        postmortem=Postmortem(s.postmortem.required, duration.parse(s.postmortem.due_within))
        if s.postmortem
        else None,
        urgent=s.urgent if s.urgent is not None else rank == 0,
        fresh_acknowledgement=s.fresh_acknowledgement,
    )


def _notify(text: str, via: list[Channel]) -> Notify:
    target = Target.parse(text)
    return Notify(target=target, via=tuple(via) or target.default_channels)


def policy(spec: PolicyFile, years: Iterable[int]) -> Policy:
    year_list = list(years)
    channel = spec.slack.incident_channel
    return Policy(
        incident_definition=spec.incident.definition,
        emergency_test=spec.incident.test,
        severities=tuple(severity(rank, s) for rank, s in enumerate(spec.severities)),
        services=tuple(
            Service(
                id=s.id,
                name=s.name,
                description=s.description,
                owner=s.owner,
                status_page_component=s.status_page_component,
                maintenance=tuple(
                    Maintenance(m.start.astimezone(UTC), m.end.astimezone(UTC), m.reason)
                    for m in s.maintenance
                ),
            )
            for s in spec.services
        ),
        people=tuple(
            Person(
                id=p.id,
                name=p.name,
                email=p.email,
                phone=p.phone,
                slack=p.slack,
                timezone=p.timezone,
            )
            for p in spec.people
        ),
        teams=tuple(_team(t, spec.defaults.calendar) for t in spec.teams),
        calendars=MappingProxyType(
            {cid: calendar(cid, c, year_list) for cid, c in spec.calendars.items()}
        ),
        guide=_guide(spec),
        default_calendar=spec.defaults.calendar,
        alert_rules=tuple(
            Rule(dict(r.match), r.severity, r.service, r.record_only) for r in spec.alerts.rules
        ),
        alert_group_window=duration.parse(spec.alerts.group_window),
        slack_thread_replies_acknowledge=spec.slack.thread_replies_acknowledge,
        slack_channel_levels=frozenset(channel.levels if channel else ()),
        slack_channel_prefix=channel.prefix if channel else "inc",
        slack_channel_archive=channel.archive_when_closed if channel else True,
        webhook_mappings=tuple(
            FieldMapping(
                id=w.id,
                dedup_key=w.dedup_key,
                summary=w.summary,
                source=w.source,
                severity=w.severity,
                group=w.group,
                resolved_path=w.resolved_when.path if w.resolved_when else None,
                resolved_value=w.resolved_when.equals if w.resolved_when else None,
            )
            for w in spec.alerts.webhooks
        ),
    )


def _team(t: TeamSpec, default_calendar: str | None) -> Team:
    roles = {
        role: who
        for role, who in (
            (TeamRole.ENGINEERING_MANAGER, t.engineering_manager),
            (TeamRole.PRODUCT_OWNER, t.product_owner),
            (TeamRole.TEAM_LEAD, t.team_lead),
        )
        if who
    }
    return Team(
        id=t.id,
        name=t.name,
        members=tuple(t.members),
        roles=MappingProxyType(roles),
        slack_channel=t.slack_channel,
        calendar=t.calendar or default_calendar,
    )


def _guide(spec: PolicyFile) -> Guide | None:
    if spec.guide is None:
        return None
    questions = tuple(
        Question(
            id=q.id,
            text=q.text,
            help=q.help,
            answers=tuple(
                Answer(
                    label=a.label,
                    examples=tuple(a.examples),
                    next=a.next,
                    severity=a.severity,
                    not_an_incident=a.not_an_incident,
                )
                for a in q.answers
            ),
        )
        for q in spec.guide.questions
    )
    return Guide(start=spec.guide.start, questions=questions)
