"""Stored policy versions: the text as applied, its hash, who applied it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from radar.store.tables import PolicyVersionRow


@dataclass(frozen=True)
class StoredPolicy:
    id: int
    content: str
    content_hash: str
    filename: str
    author: str
    created_at: datetime


def _stored(row: PolicyVersionRow) -> StoredPolicy:
    return StoredPolicy(
        id=row.id,
        content=row.content,
        content_hash=row.content_hash,
        filename=row.filename,
        author=row.author,
        created_at=row.created_at,
    )


class PolicyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def current_id(self) -> int | None:
        stmt = select(PolicyVersionRow.id).order_by(PolicyVersionRow.id.desc()).limit(1)
        return self.session.scalar(stmt)

    def get(self, version_id: int) -> StoredPolicy | None:
        row = self.session.get(PolicyVersionRow, version_id)
        return None if row is None else _stored(row)

    def add(
        self, *, content: str, content_hash: str, filename: str, author: str, now: datetime
    ) -> StoredPolicy:
        row = PolicyVersionRow(
            content=content,
            content_hash=content_hash,
            filename=filename,
            author=author,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return _stored(row)

    def history(self, limit: int = 50) -> list[StoredPolicy]:
        stmt = select(PolicyVersionRow).order_by(PolicyVersionRow.id.desc()).limit(limit)
        return [_stored(r) for r in self.session.scalars(stmt)]
