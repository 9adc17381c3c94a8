"""The public status page's reads: only what the world may see, chosen in SQL.

An incident reaches the status page when it is neither restricted nor a drill, is open or was
resolved recently, and has at least one public timeline entry. The filters are in the queries,
so nothing else is ever loaded: no restricted title, no internal message, no drill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from radar.domain import status as public
from radar.domain.incident import Visibility
from radar.domain.lifecycle import OPEN_STATUSES, Status
from radar.domain.status import PublicIncident, PublicUpdate
from radar.store.tables import IncidentRow, TimelineEntryRow

INCIDENTS: Table = IncidentRow.__table__  # type: ignore[assignment]
TIMELINE: Table = TimelineEntryRow.__table__  # type: ignore[assignment]

_i = INCIDENTS.c
_t = TIMELINE.c
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
# Only the status each change moved to: never the change's message, which may be internal.
_STATUS_CHANGES = (
    select(_t.incident_id, _t.at, _t.new)
    .where(_t.incident_id.in_(bindparam("ids", expanding=True)), _t.field == "status")
    .order_by(_t.id)
)


class StatusRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def incidents(self, since: datetime, limit: int | None = None) -> list[PublicIncident]:
        """Public incidents, each with its public updates (newest first), the incident with the
        newest update first. With ``limit``, only that many of the newest updates are read."""
        stmt = _PUBLIC_ENTRIES if limit is None else _PUBLIC_ENTRIES.limit(limit)
        rows = self.session.execute(stmt, {"since": since}).mappings().all()
        changes = self._status_changes(sorted({r["incident_id"] for r in rows}))
        heads: dict[int, Mapping[Any, Any]] = {}
        updates: dict[int, list[PublicUpdate]] = {}
        for r in rows:
            number = r["incident_id"]
            heads.setdefault(number, r)
            status = public.status_at(changes[number], r["at"])
            update = PublicUpdate(r["id"], r["at"], r["message"] or "", status)
            updates.setdefault(number, []).append(update)
        return [
            PublicIncident(
                id=number,
                title=head["title"],
                service=head["service"],
                severity=head["severity"],
                status=Status(head["status"]),
                resolved_at=head["resolved_at"],
                updates=tuple(updates[number]),
            )
            for number, head in heads.items()
        ]

    def _status_changes(self, ids: Sequence[int]) -> dict[int, list[tuple[datetime, str]]]:
        changes: dict[int, list[tuple[datetime, str]]] = {i: [] for i in ids}
        if ids:
            for number, at, new in self.session.execute(_STATUS_CHANGES, {"ids": list(ids)}):
                changes[number].append((at, new))
        return changes
