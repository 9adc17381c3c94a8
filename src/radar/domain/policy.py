"""The policy: the process written down once. People read it; Radar runs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TypeVar

from radar.domain.alerts import GROUP_WINDOW, FieldMapping, Rule
from radar.domain.calendar import ALWAYS, Calendar
from radar.domain.errors import InvalidInput
from radar.domain.roles import TeamRole
from radar.domain.severity import Severity
from radar.domain.triage import Guide


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    slack: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    members: tuple[str, ...] = ()
    roles: Mapping[TeamRole, str] = field(default_factory=lambda: MappingProxyType({}))
    slack_channel: str | None = None
    calendar: str | None = None


@dataclass(frozen=True)
class Maintenance:
    """Planned work on a service: its alerts are recorded, and nobody is paged."""

    start: datetime
    end: datetime
    reason: str


@dataclass(frozen=True)
class Service:
    """Something users depend on, that an incident can affect."""

    id: str
    name: str
    description: str = ""
    owner: str | None = None
    status_page_component: str | None = None
    maintenance: tuple[Maintenance, ...] = ()

    def in_maintenance(self, now: datetime) -> Maintenance | None:
        return next((m for m in self.maintenance if m.start <= now < m.end), None)


T = TypeVar("T")


def _index(items: tuple[T, ...], key: str) -> Mapping[str, T]:
    return MappingProxyType({getattr(i, key): i for i in items})


@dataclass(frozen=True)
class Policy:
    """A validated policy. ``severities`` are ordered from most to least severe."""

    incident_definition: str
    emergency_test: str
    severities: tuple[Severity, ...]
    services: tuple[Service, ...]
    people: tuple[Person, ...] = ()
    teams: tuple[Team, ...] = ()
    calendars: Mapping[str, Calendar] = field(default_factory=lambda: MappingProxyType({}))
    guide: Guide | None = None
    default_calendar: str | None = None
    alert_rules: tuple[Rule, ...] = ()
    webhook_mappings: tuple[FieldMapping, ...] = ()
    alert_group_window: timedelta = GROUP_WINDOW
    # A person's reply in the thread of Radar's Slack card acknowledges the incident.
    slack_thread_replies_acknowledge: bool = True
    # The levels whose incidents get a Slack channel of their own, and how its name starts.
    slack_channel_levels: frozenset[str] = frozenset()
    slack_channel_prefix: str = "inc"
    slack_channel_archive: bool = True  # archived when the incident is closed or declined
    _severity_by_id: Mapping[str, Severity] = field(init=False, repr=False, compare=False)
    _service_by_id: Mapping[str, Service] = field(init=False, repr=False, compare=False)
    _person_by_id: Mapping[str, Person] = field(init=False, repr=False, compare=False)
    _team_by_id: Mapping[str, Team] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_severity_by_id", _index(self.severities, "id"))
        object.__setattr__(self, "_service_by_id", _index(self.services, "id"))
        object.__setattr__(self, "_person_by_id", _index(self.people, "id"))
        object.__setattr__(self, "_team_by_id", _index(self.teams, "id"))

    def webhook_mapping(self, mapping_id: str) -> FieldMapping:
        found = next((m for m in self.webhook_mappings if m.id == mapping_id), None)
        if found is None:
            known = ", ".join(m.id for m in self.webhook_mappings) or "none"
            raise InvalidInput(
                f"the policy has no webhook mapping {mapping_id!r} (alerts.webhooks: {known})",
                field="mapping",
            )
        return found

    def severity(self, severity_id: str, *, field: str = "severity") -> Severity:
        """The level with this id, or ``InvalidInput`` naming the field and the known ids."""
        try:
            return self._severity_by_id[severity_id]
        except KeyError:
            known = ", ".join(self._severity_by_id)
            raise InvalidInput(
                f"unknown severity {severity_id!r}; the policy defines: {known}", field=field
            ) from None

    def service(self, service_id: str, *, field: str = "service") -> Service:
        """The service with this id, or ``InvalidInput`` naming the field and the known ids."""
        try:
            return self._service_by_id[service_id]
        except KeyError:
            known = ", ".join(self._service_by_id) or "(none)"
            raise InvalidInput(
                f"unknown service {service_id!r}; the policy defines: {known}", field=field
            ) from None

    def person(self, person_id: str) -> Person | None:
        return self._person_by_id.get(person_id)

    def find_person(self, text: str) -> Person | None:
        """The person with this id, else the one with this name (case ignored), else None."""
        found = self._person_by_id.get(text.strip().lower())
        if found is not None:
            return found
        wanted = text.strip().casefold()
        return next((p for p in self.people if p.name.casefold() == wanted), None)

    def team(self, team_id: str | None) -> Team | None:
        return self._team_by_id.get(team_id) if team_id else None

    def owner_of(self, service_id: str) -> Team | None:
        return self.team(self.service(service_id).owner)

    def calendar_of(self, team: Team | None) -> Calendar:
        """The team's working hours, else the policy's default calendar, else always open."""
        cal_id = team.calendar if team is not None and team.calendar else self.default_calendar
        return self.calendars.get(cal_id, ALWAYS) if cal_id else ALWAYS
