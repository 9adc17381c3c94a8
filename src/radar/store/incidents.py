"""Incidents and their timelines: domain objects in, rows out, and back.

This repository is on the hot path of every request, so it speaks SQLAlchemy Core with
statements built once at import (cheap objects, no connection), not the ORM: loading ORM instances
cost more than the queries themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from radar.domain.errors import NotFound
from radar.domain.events import IncidentResolved, TimelineEntry
from radar.domain.incident import Acknowledgement, Incident, Via, reference_for
from radar.domain.lifecycle import OPEN_STATUSES, Status
from radar.domain.listing import IncidentFilter, Page, Resolution
from radar.domain.roles import Role
from radar.store import search
from radar.store.participants import visible_to
from radar.store.tables import IncidentRoleRow, IncidentRow, TimelineEntryRow

INCIDENTS: Table = IncidentRow.__table__  # type: ignore[assignment]
ROLES: Table = IncidentRoleRow.__table__  # type: ignore[assignment]
TIMELINE: Table = TimelineEntryRow.__table__  # type: ignore[assignment]

_BY_ID = select(INCIDENTS).where(INCIDENTS.c.id == bindparam("id"))
_BY_ID_LOCKED = _BY_ID.with_for_update()
_ROLES_OF = select(ROLES.c.incident_id, ROLES.c.role, ROLES.c.assignee).where(
    ROLES.c.incident_id.in_(bindparam("ids", expanding=True))
)
_TIMELINE_OF = (
    select(TIMELINE).where(TIMELINE.c.incident_id == bindparam("id")).order_by(TIMELINE.c.id)
)
_ENTRIES_OF_KINDS = (
    select(TIMELINE)
    .where(
        TIMELINE.c.incident_id.in_(bindparam("ids", expanding=True)),
        TIMELINE.c.kind.in_(bindparam("kinds", expanding=True)),
    )
    .order_by(TIMELINE.c.id)
)
_INSERT_INCIDENT = insert(INCIDENTS).returning(INCIDENTS.c.id)
_UPDATE_INCIDENT = update(INCIDENTS).where(INCIDENTS.c.id == bindparam("incident_id"))
_CLEAR_ROLES = delete(ROLES).where(ROLES.c.incident_id == bindparam("id"))
_INSERT_ROLE = insert(ROLES)
_INSERT_ENTRY = insert(TIMELINE)
_LAST = select(func.max(TIMELINE.c.id))
_LAST_OF = _LAST.where(TIMELINE.c.incident_id == bindparam("id"))
# Walks the timeline's primary key backwards to the first entry of a visible incident: one
# entry when that is the newest, a few more when restricted incidents were busy since.
_LAST_SEEN = (
    select(TIMELINE.c.id)
    .join(INCIDENTS, INCIDENTS.c.id == TIMELINE.c.incident_id)
    .where(visible_to(bindparam("username", type_=String)))
    .order_by(TIMELINE.c.id.desc())
    .limit(1)
)

# Who resolved an incident, the last time: its newest "resolved" entry's actor.
_RESOLVED_BY = (
    select(TIMELINE.c.actor)
    .where(TIMELINE.c.incident_id == INCIDENTS.c.id, TIMELINE.c.kind == IncidentResolved.kind)
    .order_by(TIMELINE.c.id.desc())
    .limit(1)
    .correlate(INCIDENTS)
    .scalar_subquery()
    .label("resolved_by")
)


def _only_open(flt: IncidentFilter) -> bool:
    """``flt`` keeps the open incidents the viewer may see, and sets nothing else."""
    return flt == IncidentFilter(open=True, visible_to=flt.visible_to)


_OPEN = [s.value for s in OPEN_STATUSES]
_SEEN = visible_to(bindparam("username", type_=String))


@functools.lru_cache(maxsize=16)
def _most_severe(severities: tuple[str, ...], seen: bool) -> Select[Any]:
    """The open incidents (``seen``: those the viewer may see), most severe first."""
    where = (INCIDENTS.c.status.in_(_OPEN), _SEEN) if seen else (INCIDENTS.c.status.in_(_OPEN),)
    return _most_severe_where(severities, *where)


def _most_severe_where(severities: Sequence[str], *where: ColumnElement[bool]) -> Select[Any]:
    """Those ``where`` keeps, most severe first (``most_severe_first``)."""
    c = INCIDENTS.c
    rank: ColumnElement[int] = (
        case({s: n for n, s in enumerate(severities)}, value=c.severity, else_=len(severities))
        if severities
        else literal(0)
    )
    return (
        select(INCIDENTS)
        .where(*where)
        .order_by(rank, c.severity, c.declared_at, c.id)
        .limit(bindparam("limit"))
    )


def _counts(*conditions: ColumnElement[bool]) -> Select[Any]:
    c = INCIDENTS.c
    return (
        select(c.severity, func.count(), func.count(c.acknowledged_at))
        .where(*conditions)
        .group_by(c.severity)
    )


_OPEN_COUNTS_ALL = _counts(INCIDENTS.c.status.in_(_OPEN))
_OPEN_COUNTS_SEEN = _counts(INCIDENTS.c.status.in_(_OPEN), _SEEN)


def _resolved(*conditions: ColumnElement[bool]) -> Select[Any]:
    c = INCIDENTS.c
    return (
        select(
            c.id,
            c.title,
            c.severity,
            c.service,
            c.drill,
            c.restricted,
            c.resolved_at,
            c.resolution_summary,
            _RESOLVED_BY,
        )
        .where(c.resolved_at >= bindparam("since"), *conditions)
        .order_by(c.resolved_at.desc(), c.id.desc())
        .limit(bindparam("limit"))
    )


_RESOLVED_ALL = _resolved()
_RESOLVED_SEEN = _resolved(_SEEN)


def _to_domain(row: Mapping[Any, Any], roles: Mapping[Role, str]) -> Incident:
    ack = None
    if row["acknowledged_at"] is not None:
        ack = Acknowledgement(
            by=row["acknowledged_by"] or "",
            at=row["acknowledged_at"],
            via=Via(row["acknowledged_via"] or Via.API),
        )
    return Incident(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        service=row["service"],
        severity=row["severity"],
        status=Status(row["status"]),
        reporter=row["reporter"],
        restricted=row["restricted"],
        drill=row["drill"],
        declared_at=row["declared_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        policy_version=row["policy_version_id"],
        acknowledgement=ack,
        roles=MappingProxyType(dict(roles)),
        resolved_at=row["resolved_at"],
        resolution_summary=row["resolution_summary"],
        closed_at=row["closed_at"],
        decline_reason=row["decline_reason"],
        ticket_url=row["ticket_url"],
        last_update_at=row["last_update_at"],
        auto_upgrade=bool(row["auto_upgrade"]),
        proposed_severity=row["proposed_severity"],
        proposed_at=row["proposed_at"],
    )


def _columns(incident: Incident) -> dict[str, Any]:
    ack = incident.acknowledgement
    return {
        "title": incident.title,
        "description": incident.description,
        "service": incident.service,
        "severity": incident.severity,
        "status": incident.status.value,
        "reporter": incident.reporter,
        "restricted": incident.restricted,
        "drill": incident.drill,
        "declared_at": incident.declared_at,
        "updated_at": incident.updated_at,
        "version": incident.version,
        "policy_version_id": incident.policy_version,
        "acknowledged_at": ack.at if ack else None,
        "acknowledged_by": ack.by if ack else None,
        "acknowledged_via": ack.via.value if ack else None,
        "resolved_at": incident.resolved_at,
        "resolution_summary": incident.resolution_summary,
        "closed_at": incident.closed_at,
        "decline_reason": incident.decline_reason,
        "ticket_url": incident.ticket_url,
        "last_update_at": incident.last_update_at,
        "auto_upgrade": incident.auto_upgrade,
        "proposed_severity": incident.proposed_severity,
        "proposed_at": incident.proposed_at,
    }


def _entry(row: Mapping[Any, Any]) -> TimelineEntry:
    return TimelineEntry(
        id=row["id"],
        at=row["at"],
        kind=row["kind"],
        actor=row["actor"],
        via=row["via"],
        field=row["field"],
        old=row["old"],
        new=row["new"],
        message=row["message"],
        visibility=row["visibility"],
    )


class IncidentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _roles(self, ids: Sequence[int]) -> dict[int, dict[Role, str]]:
        found: dict[int, dict[Role, str]] = {i: {} for i in ids}
        if ids:
            for incident_id, role, who in self.session.execute(_ROLES_OF, {"ids": list(ids)}):
                found[incident_id][Role(role)] = who
        return found

    def get(self, incident_id: int, *, for_update: bool = False) -> Incident:
        """The incident; with ``for_update`` its row stays locked until the transaction ends."""
        stmt = _BY_ID_LOCKED if for_update else _BY_ID
        row = self.session.execute(stmt, {"id": incident_id}).mappings().one_or_none()
        if row is None:
            raise NotFound(f"no incident {reference_for(incident_id)}", field="incident")
        return _to_domain(row, self._roles([incident_id])[incident_id])

    def add(self, incident: Incident, entries: Iterable[TimelineEntry]) -> Incident:
        new_id = self.session.execute(_INSERT_INCIDENT, [_columns(incident)]).scalar_one()
        stored = Incident(**{**incident.__dict__, "id": new_id})
        self._write_roles(new_id, stored.roles, clear=False)
        self.append(new_id, entries)
        return stored

    def save(self, incident: Incident, entries: Iterable[TimelineEntry]) -> None:
        """Write the new state (the row was locked by ``get(for_update=True)``) and its entries."""
        assert incident.id is not None
        self.session.execute(_UPDATE_INCIDENT, [{"incident_id": incident.id, **_columns(incident)}])
        self._write_roles(incident.id, incident.roles, clear=True)
        self.append(incident.id, entries)

    def _write_roles(self, incident_id: int, roles: Mapping[Role, str], *, clear: bool) -> None:
        if clear:
            self.session.execute(_CLEAR_ROLES, {"id": incident_id})
        if roles:
            rows = [
                {"incident_id": incident_id, "role": r.value, "assignee": who}
                for r, who in roles.items()
            ]
            self.session.execute(_INSERT_ROLE, rows)

    def append(self, incident_id: int, entries: Iterable[TimelineEntry]) -> None:
        rows = [
            {
                "incident_id": incident_id,
                "at": e.at,
                "kind": e.kind,
                "actor": e.actor,
                "via": e.via,
                "field": e.field,
                "old": e.old,
                "new": e.new,
                "message": e.message,
                "visibility": e.visibility,
            }
            for e in entries
        ]
        if rows:
            self.session.execute(_INSERT_ENTRY, rows)

    def timeline(self, incident_id: int) -> list[TimelineEntry]:
        return [
            _entry(r) for r in self.session.execute(_TIMELINE_OF, {"id": incident_id}).mappings()
        ]

    def entries_of_kinds(
        self, ids: Sequence[int], kinds: Sequence[str]
    ) -> dict[int, list[TimelineEntry]]:
        """The timeline entries of these ``kinds`` for each of the incidents ``ids``, oldest
        first, in one query (a page of incidents with what their acknowledgements need)."""
        found: dict[int, list[TimelineEntry]] = {i: [] for i in ids}
        if ids and kinds:
            rows = self.session.execute(_ENTRIES_OF_KINDS, {"ids": list(ids), "kinds": list(kinds)})
            for r in rows.mappings():
                found[r["incident_id"]].append(_entry(r))
        return found

    def last_entry(self, incident_id: int | None = None, *, visible_to: str | None = None) -> int:
        """The id of the newest timeline entry (of one incident, or of all; with ``visible_to``,
        of the incidents that username may see): it grows with every change, so a page can tell
        cheaply whether anything happened since it looked."""
        if visible_to is not None:
            return int(self.session.execute(_LAST_SEEN, {"username": visible_to}).scalar() or 0)
        if incident_id is None:
            return int(self.session.execute(_LAST).scalar() or 0)
        return int(self.session.execute(_LAST_OF, {"id": incident_id}).scalar() or 0)

    def search(self, flt: IncidentFilter, page: Page) -> list[Incident]:
        """Newest first; one more than ``page.limit`` so the caller knows whether more exist."""
        stmt = select(INCIDENTS).where(*_conditions(flt)).order_by(INCIDENTS.c.id.desc())
        if page.after_id is not None:
            stmt = stmt.where(INCIDENTS.c.id < page.after_id)
        rows = self.session.execute(stmt.limit(page.limit + 1)).mappings().all()
        roles = self._roles([r["id"] for r in rows])
        return [_to_domain(r, roles[r["id"]]) for r in rows]

    def most_severe_first(
        self, flt: IncidentFilter, severities: Sequence[str], limit: int
    ) -> list[Incident]:
        """The dashboard's order: the most severe first (``severities`` from the most severe,
        in the policy's order; a level it does not name after them), then within a level the
        one declared first first, as it has waited longest. One more than ``limit`` so the
        caller knows whether more exist. The open incidents are a few hundred at most: the
        database sorts them in memory, as it did by id. Without filters (but the viewer's),
        the statement is built once per policy's levels: this runs on every dashboard."""
        if _only_open(flt):
            stmt = _most_severe(tuple(severities), flt.visible_to is not None)
        else:
            stmt = _most_severe_where(severities, *_conditions(flt))
        params = {"limit": limit + 1, "username": flt.visible_to}
        rows = self.session.execute(stmt, params).mappings().all()
        roles = self._roles([r["id"] for r in rows])
        return [_to_domain(r, roles[r["id"]]) for r in rows]

    def count_by_severity(self, flt: IncidentFilter) -> dict[str, tuple[int, int]]:
        """(how many, how many of them with no acknowledgement that counts) per severity, for
        the incidents ``flt`` keeps: one grouped query (built once without filters)."""
        if _only_open(flt):
            stmt = _OPEN_COUNTS_SEEN if flt.visible_to is not None else _OPEN_COUNTS_ALL
        else:
            stmt = _counts(*_conditions(flt))
        found = self.session.execute(stmt, {"username": flt.visible_to})
        return {sev: (n, n - acked) for sev, n, acked in found}

    def resolved_since(self, flt: IncidentFilter, since: datetime, limit: int) -> list[Resolution]:
        """Those ``flt`` keeps that were resolved at ``since`` or later and not reopened since
        (a reopen clears ``resolved_at``), the last resolved first, at most ``limit``; each
        with who resolved it (the actor of its newest ``resolved`` entry).

        One query: a walk back along ``ix_incidents_resolved_at`` from now to ``since``, which
        reads a day of resolutions whatever is stored, and for each row a look back along its
        timeline's index. SQLite is kept from the other indexes (``unindexed``): without
        statistics it would take the severity's or the service's (an equality) instead, and
        read every incident at that level. Only the columns the list shows are read, and the
        statement for no filter but the viewer's is built once: this runs on every dashboard."""
        params: dict[str, Any] = {"since": since, "limit": limit}
        if flt == IncidentFilter():
            stmt = _RESOLVED_ALL
        elif flt == IncidentFilter(visible_to=flt.visible_to):
            stmt, params["username"] = _RESOLVED_SEEN, flt.visible_to
        else:
            stmt = _resolved(*_conditions(flt, indexed=False))
        return [Resolution(*row) for row in self.session.execute(stmt, params)]

    def severity_in_use(self, severity: str) -> bool:
        """Whether some incident has this severity (say, a level an older policy defined)."""
        stmt = select(INCIDENTS.c.id).where(INCIDENTS.c.severity == severity).limit(1)
        return self.session.execute(stmt).first() is not None

    def service_in_use(self, service: str) -> bool:
        """Whether some incident is about this service (say, one an older policy defined)."""
        stmt = select(INCIDENTS.c.id).where(INCIDENTS.c.service == service).limit(1)
        return self.session.execute(stmt).first() is not None


class unindexed(FunctionElement[str]):
    """A column that SQLite may not look up by an index (``+column``, its documented way), so
    that a query takes the index of its other condition; on PostgreSQL, the column as it is
    (its planner has statistics to choose with)."""

    type = String()
    name = "unindexed"
    inherit_cache = True


@compiles(unindexed)
def _as_it_is(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _plus(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def _conditions(flt: IncidentFilter, *, indexed: bool = True) -> Sequence[ColumnElement[bool]]:
    """``flt`` as conditions on ``incidents``; with ``indexed=False`` none of them offers
    SQLite the status's, severity's or service's index."""
    c = INCIDENTS.c
    status: ColumnElement[str] = c.status if indexed else unindexed(c.status)
    severity: ColumnElement[str] = c.severity if indexed else unindexed(c.severity)
    service: ColumnElement[str] = c.service if indexed else unindexed(c.service)
    conds: list[ColumnElement[bool]] = []
    if flt.statuses:
        conds.append(status.in_([s.value for s in flt.statuses]))
    if flt.severities:
        conds.append(severity.in_(flt.severities))
    if flt.services:
        conds.append(service.in_(flt.services))
    if flt.open is not None:
        open_values = [s.value for s in OPEN_STATUSES]
        conds.append(status.in_(open_values) if flt.open else status.not_in(open_values))
    if flt.drill is not None:
        conds.append(c.drill.is_(flt.drill))
    if flt.visible_to is not None:
        conds.append(visible_to(flt.visible_to))
    if flt.text:
        conds.append(search.matches(flt.text))
    return conds
