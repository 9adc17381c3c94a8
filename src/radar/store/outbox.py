"""The notification outbox. Rows are written with the change that causes them; workers lease
them (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the single writer on SQLite), send them outside
any transaction, and record the outcome only if they still hold the lease."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from radar.domain.firing import Outgoing
from radar.domain.notification import DeliveryState, Notification
from radar.domain.response import Channel
from radar.store.tables import NotificationRow

OUTBOX: Table = NotificationRow.__table__  # type: ignore[assignment]

_PENDING = OUTBOX.c.state == DeliveryState.PENDING.value
# A leased notification is next looked at when its lease runs out.
_NEXT_DUE = select(
    func.min(
        case(
            (OUTBOX.c.lease_until > OUTBOX.c.next_attempt_at, OUTBOX.c.lease_until),
            else_=OUTBOX.c.next_attempt_at,
        )
    )
).where(_PENDING)
_OF_INCIDENT = (
    select(OUTBOX).where(OUTBOX.c.incident_id == bindparam("incident_id")).order_by(OUTBOX.c.id)
)
_MINE = (OUTBOX.c.id == bindparam("nid")) & (OUTBOX.c.lease_owner == bindparam("owner"))


def _to_domain(row: Mapping[Any, Any]) -> Notification:
    return Notification(
        id=row["id"],
        incident_id=row["incident_id"],
        key=row["key"],
        target=row["target"],
        address=row["address"],
        label=row["label"],
        channels=tuple(Channel(c) for c in row["channels"].split(",") if c),
        contacts=json.loads(row["contacts"] or "{}"),
        link_used_at=row["link_used_at"],
        subject=row["subject"],
        body=row["body"],
        state=DeliveryState(row["state"]),
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        attempts=row["attempts"],
        sent_at=row["sent_at"],
        channel=row["channel"],
        last_error=row["last_error"],
    )


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        incident_id: int,
        timer_id: int | None,
        keyed: Iterable[tuple[str, Outgoing]],
        now: datetime,
    ) -> None:
        """Queue notifications; a key already queued is left alone (it was already decided)."""
        rows = [
            {
                "incident_id": incident_id,
                "timer_id": timer_id,
                "key": key,
                "target": o.target,
                "address": o.address,
                "label": o.label,
                "channels": ",".join(c.value for c in o.channels),
                "contacts": json.dumps(dict(o.contacts)),
                "subject": o.subject,
                "body": o.body,
                "state": DeliveryState.PENDING.value,
                "created_at": now,
                "next_attempt_at": now,
                "attempts": 0,
            }
            for key, o in keyed
        ]
        if not rows:
            return
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(OUTBOX).on_conflict_do_nothing(index_elements=["key"])
        self.session.execute(stmt, rows)

    def lease(self, now: datetime, owner: str, until: datetime, limit: int) -> list[Notification]:
        """Take up to ``limit`` due notifications that nobody holds, until ``until``."""
        free = (OUTBOX.c.lease_until.is_(None)) | (OUTBOX.c.lease_until < now)
        ids = (
            select(OUTBOX.c.id)
            .where(_PENDING, OUTBOX.c.next_attempt_at <= now, free)
            .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        stmt = (
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids))
            .values(lease_owner=owner, lease_until=until, attempts=OUTBOX.c.attempts + 1)
            .returning(*OUTBOX.c)
        )
        rows = self.session.execute(stmt).mappings().all()
        return sorted((_to_domain(r) for r in rows), key=lambda n: (n.next_attempt_at, n.id))

    def sent(self, nid: int, owner: str, channel: str, now: datetime) -> bool:
        values = {"state": DeliveryState.SENT.value, "sent_at": now, "channel": channel}
        stmt = update(OUTBOX).where(_MINE).values(lease_owner=None, lease_until=None, **values)
        return bool(self.session.execute(stmt, {"nid": nid, "owner": owner}).rowcount)  # type: ignore[attr-defined]

    def failed(
        self, nid: int, owner: str, error: str, retry_at: datetime | None, now: datetime
    ) -> bool:
        """Record a failed attempt: try again at ``retry_at``, or give up when it is None."""
        values: dict[str, Any] = {
            "last_error": error[:2000],
            "lease_owner": None,
            "lease_until": None,
        }
        if retry_at is None:
            values["state"] = DeliveryState.FAILED.value
        else:
            values["next_attempt_at"] = retry_at
        stmt = update(OUTBOX).where(_MINE).values(**values)
        return bool(self.session.execute(stmt, {"nid": nid, "owner": owner}).rowcount)  # type: ignore[attr-defined]

    def get(self, nid: int) -> Notification | None:
        row = self.session.execute(select(OUTBOX).where(OUTBOX.c.id == nid)).mappings().first()
        return _to_domain(row) if row else None

    def use_link(self, nid: int, now: datetime) -> bool:
        """Mark the notification's acknowledge link used; False if it already was."""
        stmt = (
            update(OUTBOX)
            .where(OUTBOX.c.id == nid, OUTBOX.c.link_used_at.is_(None))
            .values(link_used_at=now)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def of_incident(self, incident_id: int) -> list[Notification]:
        rows = self.session.execute(_OF_INCIDENT, {"incident_id": incident_id}).mappings()
        return [_to_domain(r) for r in rows]

    def next_due(self) -> datetime | None:
        return self.session.execute(_NEXT_DUE).scalar()
