"""Incidents and their timelines: domain objects in, rows out, and back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import MappingProxyType

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from radar.domain.errors import NotFound
from radar.domain.events import TimelineEntry
from radar.domain.incident import Acknowledgement, Incident, Role, Via, reference_for
from radar.domain.lifecycle import OPEN_STATUSES, Status
from radar.domain.listing import IncidentFilter, Page
from radar.store.tables import IncidentRoleRow, IncidentRow, TimelineEntryRow


def _to_domain(row: IncidentRow) -> Incident:
    ack = None
    if row.acknowledged_at is not None:
        ack = Acknowledgement(
            by=row.acknowledged_by or "",
            at=row.acknowledged_at,
            via=Via(row.acknowledged_via or Via.API),
        )
    return Incident(
        id=row.id,
        title=row.title,
        description=row.description,
        service=row.service,
        severity=row.severity,
        status=Status(row.status),
        reporter=row.reporter,
        restricted=row.restricted,
        drill=row.drill,
        declared_at=row.declared_at,
        updated_at=row.updated_at,
        version=row.version,
        policy_version=row.policy_version_id,
        acknowledgement=ack,
        roles=MappingProxyType({Role(r.role): r.assignee for r in row.roles}),
        resolved_at=row.resolved_at,
        resolution_summary=row.resolution_summary,
        closed_at=row.closed_at,
        decline_reason=row.decline_reason,
        ticket_url=row.ticket_url,
    )


def _copy_into(row: IncidentRow, incident: Incident) -> None:
    row.title = incident.title
    row.description = incident.description
    row.service = incident.service
    row.severity = incident.severity
    row.status = incident.status.value
    row.reporter = incident.reporter
    row.restricted = incident.restricted
    row.drill = incident.drill
    row.declared_at = incident.declared_at
    row.updated_at = incident.updated_at
    row.version = incident.version
    row.policy_version_id = incident.policy_version
    ack = incident.acknowledgement
    row.acknowledged_at = ack.at if ack else None
    row.acknowledged_by = ack.by if ack else None
    row.acknowledged_via = ack.via.value if ack else None
    row.resolved_at = incident.resolved_at
    row.resolution_summary = incident.resolution_summary
    row.closed_at = incident.closed_at
    row.decline_reason = incident.decline_reason
    row.ticket_url = incident.ticket_url
    wanted = {role.value: who for role, who in incident.roles.items()}
    row.roles = [r for r in row.roles if r.role in wanted]
    for r in row.roles:
        r.assignee = wanted.pop(r.role)
    row.roles.extend(IncidentRoleRow(role=role, assignee=who) for role, who in wanted.items())


def _entry_to_domain(row: TimelineEntryRow) -> TimelineEntry:
    return TimelineEntry(
        id=row.id,
        at=row.at,
        kind=row.kind,
        actor=row.actor,
        via=row.via,
        field=row.field,
        old=row.old,
        new=row.new,
        message=row.message,
        visibility=row.visibility,
    )


class IncidentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, incident_id: int, *, for_update: bool) -> IncidentRow:
        stmt = select(IncidentRow).where(IncidentRow.id == incident_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).one_or_none()
        if row is None:
            raise NotFound(f"no incident {reference_for(incident_id)}", field="incident")
        return row

    def get(self, incident_id: int, *, for_update: bool = False) -> Incident:
        """The incident; with ``for_update`` its row stays locked until the transaction ends."""
        return _to_domain(self._row(incident_id, for_update=for_update))

    def add(self, incident: Incident, entries: Iterable[TimelineEntry]) -> Incident:
        row = IncidentRow(roles=[])
        _copy_into(row, incident)
        self.session.add(row)
        self.session.flush()
        self.append(row.id, entries)
        return _to_domain(row)

    def save(self, incident: Incident, entries: Iterable[TimelineEntry]) -> None:
        assert incident.id is not None
        row = self._row(incident.id, for_update=False)  # already locked by get(for_update=True)
        _copy_into(row, incident)
        self.append(incident.id, entries)

    def append(self, incident_id: int, entries: Iterable[TimelineEntry]) -> None:
        self.session.add_all(
            TimelineEntryRow(
                incident_id=incident_id,
                at=e.at,
                kind=e.kind,
                actor=e.actor,
                via=e.via,
                field=e.field,
                old=e.old,
                new=e.new,
                message=e.message,
                visibility=e.visibility,
            )
            for e in entries
        )

    def timeline(self, incident_id: int) -> list[TimelineEntry]:
        stmt = (
            select(TimelineEntryRow)
            .where(TimelineEntryRow.incident_id == incident_id)
            .order_by(TimelineEntryRow.id)
        )
        return [_entry_to_domain(r) for r in self.session.scalars(stmt)]

    def search(self, flt: IncidentFilter, page: Page) -> list[Incident]:
        """Newest first; one more than ``page.limit`` so the caller knows whether more exist."""
        stmt = select(IncidentRow).where(*_conditions(flt)).order_by(IncidentRow.id.desc())
        if page.after_id is not None:
            stmt = stmt.where(IncidentRow.id < page.after_id)
        rows = self.session.scalars(stmt.limit(page.limit + 1))
        return [_to_domain(r) for r in rows]


def _conditions(flt: IncidentFilter) -> Sequence[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if flt.statuses:
        conds.append(IncidentRow.status.in_([s.value for s in flt.statuses]))
    if flt.severities:
        conds.append(IncidentRow.severity.in_(flt.severities))
    if flt.services:
        conds.append(IncidentRow.service.in_(flt.services))
    if flt.open is not None:
        open_values = [s.value for s in OPEN_STATUSES]
        col = IncidentRow.status
        conds.append(col.in_(open_values) if flt.open else col.not_in(open_values))
    if flt.drill is not None:
        conds.append(IncidentRow.drill.is_(flt.drill))
    if flt.text:
        pattern = "%" + flt.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(
            or_(
                IncidentRow.title.ilike(pattern, escape="\\"),
                IncidentRow.description.ilike(pattern, escape="\\"),
                IncidentRow.decline_reason.ilike(pattern, escape="\\"),
            )
        )
    return conds
