"""The audit log (Core statements): appended to, never changed; read newest first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from radar.domain.audit import AuditEntry, AuditFilter
from radar.domain.listing import Page
from radar.store.tables import AuditRow

AUDIT: Table = AuditRow.__table__  # type: ignore[assignment]
_INSERT = insert(AUDIT)


def _entry(row: Mapping[Any, Any]) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        user_id=row["user_id"],
        actor=row["actor"],
        token_id=row["token_id"],
        source_ip=row["source_ip"],
        method=row["method"],
        path=row["path"],
        status=row["status"],
    )


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        values = {k: v for k, v in entry.__dict__.items() if k != "id"}
        self.session.execute(_INSERT, [values])

    def find(self, flt: AuditFilter, page: Page) -> list[AuditEntry]:
        """Newest first; one more than ``page.limit`` so the caller knows whether more exist."""
        c = AUDIT.c
        stmt = select(AUDIT).order_by(c.id.desc()).limit(page.limit + 1)
        if page.after_id is not None:
            stmt = stmt.where(c.id < page.after_id)
        if flt.actor:
            stmt = stmt.where(c.actor == flt.actor)
        if flt.since:
            stmt = stmt.where(c.at >= flt.since)
        if flt.until:
            stmt = stmt.where(c.at < flt.until)
        if flt.path:
            escaped = flt.path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(c.path.like(escaped + "%", escape="\\"))
        if flt.refused is not None:
            stmt = stmt.where(c.status >= 400 if flt.refused else c.status < 400)
        return [_entry(r) for r in self.session.execute(stmt).mappings()]
