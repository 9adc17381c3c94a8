"""The public status page's reads: only what the world may see, chosen in SQL; and the states
people set for its components (``status_components``).

An incident reaches the status page when it is neither restricted nor a drill, is open or was
resolved recently, and has at least one public timeline entry. The filters are in the queries,
so nothing else is ever loaded: no restricted title, no internal message, no drill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from radar.domain import bidi
from radar.domain import status as public
from radar.domain.incident import Visibility
from radar.domain.lifecycle import OPEN_STATUSES, Status
from radar.domain.status import ComponentSetting, ComponentState, PublicIncident, PublicUpdate
from radar.store.tables import IncidentRow, StatusComponentRow, TimelineEntryRow

INCIDENTS: Table = IncidentRow.__table__  # type: ignore[assignment]
TIMELINE: Table = TimelineEntryRow.__table__  # type: ignore[assignment]
COMPONENTS: Table = StatusComponentRow.__table__  # type: ignore[assignment]

_i = INCIDENTS.c
_t = TIMELINE.c
_c = COMPONENTS.c
_ENDED = (Status.RESOLVED.value, Status.CLOSED.value)

# Public entries of public incidents: open ones, and those resolved since ``since``.
_PUBLIC_ENTRIES = (
    select(
        _t.id,
        _t.incident_id,
        _t.at,
        _t.message,
        _i.title,
        _i.service,
        _i.severity,
        _i.status,
        _i.resolved_at,
    )
    .join(INCIDENTS, _i.id == _t.incident_id)
    .where(
        _t.visibility == Visibility.PUBLIC.value,
        _i.restricted.is_(False),
        _i.drill.is_(False),
        or_(
            _i.status.in_(sorted(s.value for s in OPEN_STATUSES)),
            and_(_i.status.in_(_ENDED), _i.resolved_at >= bindparam("since")),
        ),
    )
    .order_by(_t.at.desc(), _t.id.desc())
)
# Only the status each change moved to (and the entry's id, which names the resolution's line
# on the page): never the change's message, which may be internal.
_STATUS_CHANGES = (
    select(_t.incident_id, _t.id, _t.at, _t.new)
    .where(_t.incident_id.in_(bindparam("ids", expanding=True)), _t.field == "status")
    .order_by(_t.id)
)
_SETTINGS = select(COMPONENTS).order_by(_c.service)


class StatusRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def incidents(self, since: datetime, limit: int | None = None) -> list[PublicIncident]:
        """Public incidents, each with its public updates (newest first), the incident with the
        newest update first; an ended one says it was resolved (``status.with_resolution``).
        With ``limit``, only that many of the newest updates are read."""
        stmt = _PUBLIC_ENTRIES if limit is None else _PUBLIC_ENTRIES.limit(limit)
        rows = self.session.execute(stmt, {"since": since}).mappings().all()
        changes, resolutions = self._status_changes(sorted({r["incident_id"] for r in rows}))
        heads: dict[int, Mapping[Any, Any]] = {}
        updates: dict[int, list[PublicUpdate]] = {}
        for r in rows:
            number = r["incident_id"]
            heads.setdefault(number, r)
            status = public.status_at(changes[number], r["at"])
            said = bidi.without_controls(r["message"] or "")  # as stored before they were dropped
            updates.setdefault(number, []).append(PublicUpdate(r["id"], r["at"], said, status))
        return [
            public.with_resolution(
                PublicIncident(
                    id=number,
                    title=bidi.without_controls(head["title"]),
                    service=head["service"],
                    severity=head["severity"],
                    status=Status(head["status"]),
                    resolved_at=head["resolved_at"],
                    updates=tuple(updates[number]),
                ),
                resolutions.get(number),
            )
            for number, head in heads.items()
        ]

    def _status_changes(
        self, ids: Sequence[int]
    ) -> tuple[dict[int, list[tuple[datetime, str]]], dict[int, int]]:
        """Each incident's status changes ``(when, to)`` in order, and the id of the entry that
        last resolved it."""
        changes: dict[int, list[tuple[datetime, str]]] = {i: [] for i in ids}
        resolved: dict[int, int] = {}
        if ids:
            found = self.session.execute(_STATUS_CHANGES, {"ids": list(ids)})
            for number, entry, at, new in found:
                changes[number].append((at, new))
                if new == Status.RESOLVED.value:
                    resolved[number] = entry
        return changes, resolved

    # Components -------------------------------------------------------------------------------

    def settings(self) -> dict[str, ComponentSetting]:
        """The state people set for components, by service."""
        return {r.service: _setting(r) for r in self.session.execute(_SETTINGS)}

    def put(self, setting: ComponentSetting) -> None:
        """Keep ``setting`` for its component, in place of any earlier one (an upsert, so two
        people setting one component at once both succeed, the later one last)."""
        row = {
            "service": setting.service,
            "state": setting.state.value,
            "held": setting.held,
            "basis": setting.basis,
            "set_by": setting.set_by,
            "set_at": setting.set_at,
            "incident_id": setting.incident_id,
        }
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(COMPONENTS)
        stmt = insert.values(row).on_conflict_do_update(
            index_elements=["service"], set_={k: v for k, v in row.items() if k != "service"}
        )
        self.session.execute(stmt)

    def release(self, service: str) -> bool:
        """Forget the state set for ``service``; False when none was set."""
        done = self.session.execute(delete(COMPONENTS).where(_c.service == service))
        return bool(getattr(done, "rowcount", 0))


def _setting(row: Any) -> ComponentSetting:
    return ComponentSetting(
        service=row.service,
        state=ComponentState(row.state),
        held=row.held,
        basis=row.basis,
        set_by=row.set_by,
        set_at=row.set_at,
        incident_id=row.incident_id,
    )
