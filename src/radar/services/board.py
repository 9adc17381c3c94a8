"""The dashboard: open incidents grouped by severity, each with when its next update is due;
and a cheap "has anything changed?" for live pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from radar.clock import Clock
from radar.domain.access import Permission, Principal
from radar.domain.incident import Incident
from radar.domain.listing import IncidentFilter, Page
from radar.services.access import require, seen_by, visible
from radar.services.incidents import incident_id
from radar.services.policies import PolicyService
from radar.store.uow import UnitOfWorkProvider

OPEN_LIMIT = 200  # more open incidents than this is a page of its own: the list says so


@dataclass(frozen=True)
class Row:
    incident: Incident
    update_due: datetime | None

    def overdue(self, now: datetime) -> bool:
        return self.update_due is not None and self.update_due <= now


@dataclass(frozen=True)
class Group:
    severity: str
    name: str
    rows: list[Row]


@dataclass(frozen=True)
class Board:
    groups: list[Group]
    more: bool  # there are more open incidents than shown
    version: int


class BoardService:
    def __init__(self, uow: UnitOfWorkProvider, clock: Clock, policies: PolicyService) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies

    def board(self, principal: Principal, flt: IncidentFilter = IncidentFilter()) -> Board:
        require(principal, Permission.READ)
        wanted = seen_by(
            principal,
            IncidentFilter(
                severities=flt.severities, services=flt.services, text=flt.text, open=True
            ),
        )
        with self._uow() as uow:
            version = uow.incidents.last_entry()
            found = uow.incidents.search(wanted, Page(limit=OPEN_LIMIT))
            shown = found[:OPEN_LIMIT]
            due = uow.timers.updates_due([i.id for i in shown if i.id is not None])
            policy = self._policies.current_in(uow).policy
        names = {s.id: s.name for s in policy.severities}
        order = [s.id for s in policy.severities]
        order += sorted({i.severity for i in shown} - set(order))
        groups = []
        for sev in order:
            rows = [Row(i, due.get(i.id or 0)) for i in shown if i.severity == sev]
            if rows:
                groups.append(Group(sev, names.get(sev, sev), rows))
        return Board(groups, len(found) > OPEN_LIMIT, version)

    def version(self, principal: Principal, reference: str | None = None) -> int:
        """Grows with every change (to one incident, or to any): live pages poll this."""
        require(principal, Permission.READ)
        number = incident_id(reference) if reference else None
        with self._uow() as uow:
            if number is not None:
                visible(uow, principal, uow.incidents.get(number))
            return uow.incidents.last_entry(number)
