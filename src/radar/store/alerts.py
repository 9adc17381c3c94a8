"""Integration keys and alerts (Core statements)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from radar.domain.alerts import Alert, AlertStatus, Integration, Kind
from radar.domain.lifecycle import OPEN_STATUSES
from radar.store.tables import AlertRow, IncidentRow, IntegrationRow

KEYS: Table = IntegrationRow.__table__  # type: ignore[assignment]
ALERTS: Table = AlertRow.__table__  # type: ignore[assignment]
INCIDENTS: Table = IncidentRow.__table__  # type: ignore[assignment]
_OPEN = ALERTS.c.status != AlertStatus.RESOLVED.value
_SEEN_AGAIN = {
    counted: update(ALERTS)
    .where(ALERTS.c.integration_id == bindparam("i"), ALERTS.c.dedup_key == bindparam("k"), _OPEN)
    .values(
        last_seen=bindparam("at"),
        summary=bindparam("said"),
        **({"count": ALERTS.c.count + 1} if counted else {}),
    )
    for counted in (True, False)
}


def _integration(row: Mapping[Any, Any]) -> Integration:
    return Integration(
        id=row["id"],
        name=row["name"],
        kind=Kind(row["kind"]),
        service=row["service"],
        prefix=row["prefix"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        per_minute=row["per_minute"],
        every=timedelta(seconds=row["every_seconds"]) if row["every_seconds"] else None,
        mapping=row["mapping"],
    )


def _alert(row: Mapping[Any, Any]) -> Alert:
    return Alert(
        id=row["id"],
        integration_id=row["integration_id"],
        service=row["service"],
        dedup_key=row["dedup_key"],
        status=AlertStatus(row["status"]),
        summary=row["summary"],
        severity=row["severity"],
        source=row["source"],
        group=row["grp"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        count=row["count"],
        incident_id=row["incident_id"],
        labels=json.loads(row["labels"]),
        links=json.loads(row["links"]),
        details=json.loads(row["details"]),
        resolved_at=row["resolved_at"],
    )


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Integration keys
    def add_integration(
        self,
        *,
        name: str,
        kind: Kind,
        service: str,
        key_hash: str,
        prefix: str,
        per_minute: int | None,
        now: datetime,
        every: timedelta | None = None,
        mapping: str | None = None,
    ) -> Integration:
        stmt = (
            insert(KEYS)
            .values(
                name=name,
                kind=kind.value,
                service=service,
                key_hash=key_hash,
                prefix=prefix,
                per_minute=per_minute,
                every_seconds=int(every.total_seconds()) if every else None,
                mapping=mapping,
                heartbeat_due_at=now + every if every else None,
                created_at=now,
            )
            .returning(*KEYS.c)
        )
        return _integration(self.session.execute(stmt).mappings().one())

    def integration_by_hash(self, key_hash: str) -> Integration | None:
        row = self.session.execute(select(KEYS).where(KEYS.c.key_hash == key_hash)).mappings()
        found = row.first()
        return _integration(found) if found else None

    def integrations(self) -> list[Integration]:
        rows = self.session.execute(select(KEYS).order_by(KEYS.c.id)).mappings()
        return [_integration(r) for r in rows]

    def revoke_integration(self, integration_id: int, now: datetime) -> bool:
        stmt = (
            update(KEYS)
            .where(KEYS.c.id == integration_id, KEYS.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def ping(self, integration_id: int, due: datetime) -> None:
        """A heartbeat arrived: the next is due at ``due``."""
        stmt = update(KEYS).where(KEYS.c.id == integration_id).values(heartbeat_due_at=due)
        self.session.execute(stmt)

    def heartbeats_missed(self, now: datetime) -> list[Integration]:
        """Active heartbeats whose ping is overdue, locked; each is then marked missed."""
        stmt = (
            select(KEYS)
            .where(KEYS.c.heartbeat_due_at <= now, KEYS.c.revoked_at.is_(None))
            .order_by(KEYS.c.heartbeat_due_at)
            .limit(50)
            .with_for_update(skip_locked=True)
        )
        found = [_integration(r) for r in self.session.execute(stmt).mappings()]
        if found:
            missed = update(KEYS).where(KEYS.c.id.in_([i.id for i in found]))
            self.session.execute(missed.values(heartbeat_due_at=None))
        return found

    def next_heartbeat(self) -> datetime | None:
        stmt = select(func.min(KEYS.c.heartbeat_due_at)).where(KEYS.c.revoked_at.is_(None))
        found: datetime | None = self.session.execute(stmt).scalar()
        return found

    # Alerts
    def open_alert(self, integration_id: int, dedup_key: str) -> Alert | None:
        stmt = (
            select(ALERTS)
            .where(
                ALERTS.c.integration_id == integration_id, ALERTS.c.dedup_key == dedup_key, _OPEN
            )
            .with_for_update()
        )
        row = self.session.execute(stmt).mappings().first()
        return _alert(row) if row else None

    def add_alert(self, alert: Alert) -> Alert:
        values = {
            "integration_id": alert.integration_id,
            "service": alert.service,
            "dedup_key": alert.dedup_key,
            "status": alert.status.value,
            "summary": alert.summary,
            "severity": alert.severity,
            "source": alert.source,
            "grp": alert.group,
            "labels": json.dumps(dict(alert.labels)),
            "links": json.dumps(list(alert.links)),
            "details": json.dumps(dict(alert.details), default=str),
            "first_seen": alert.first_seen,
            "last_seen": alert.last_seen,
            "count": alert.count,
            "incident_id": alert.incident_id,
        }
        row = self.session.execute(insert(ALERTS).values(**values).returning(*ALERTS.c))
        return _alert(row.mappings().one())

    def seen_again(
        self, integration_id: int, dedup_key: str, now: datetime, *, count: bool, summary: str
    ) -> bool:
        """Note a repeat of the open alert with this key, in one statement (which also takes
        its row lock); False when there is no open alert. The commonest write in a storm, so
        its statement is built once, and runs on the connection rather than through the ORM."""
        params = {"i": integration_id, "k": dedup_key, "at": now, "said": summary}
        result = self.session.connection().execute(_SEEN_AGAIN[count], params)
        return bool(result.rowcount)

    def set_status(self, alert_id: int, status: AlertStatus, now: datetime) -> None:
        values: dict[str, Any] = {"status": status.value, "last_seen": now}
        if status is AlertStatus.RESOLVED:
            values["resolved_at"] = now
        self.session.execute(update(ALERTS).where(ALERTS.c.id == alert_id).values(**values))

    def incident_of_group(self, service: str, group: str, since: datetime) -> int | None:
        """The open incident that an alert of this service and group, seen since ``since``,
        already belongs to."""
        stmt = (
            select(ALERTS.c.incident_id)
            .join(INCIDENTS, INCIDENTS.c.id == ALERTS.c.incident_id)
            .where(
                ALERTS.c.service == service,
                ALERTS.c.grp == group,
                ALERTS.c.last_seen >= since,
                INCIDENTS.c.status.in_(sorted(s.value for s in OPEN_STATUSES)),
            )
            .order_by(ALERTS.c.last_seen.desc())
            .limit(1)
        )
        found: int | None = self.session.execute(stmt).scalar()
        return found

    def open_count(self, incident_id: int) -> int:
        stmt = select(func.count()).where(ALERTS.c.incident_id == incident_id, _OPEN)
        return int(self.session.execute(stmt).scalar() or 0)

    def of_incident(self, incident_id: int) -> list[Alert]:
        stmt = select(ALERTS).where(ALERTS.c.incident_id == incident_id).order_by(ALERTS.c.id)
        return [_alert(r) for r in self.session.execute(stmt).mappings()]

    def find(self, integration_id: int | None = None, limit: int = 100) -> list[Alert]:
        stmt = select(ALERTS).order_by(ALERTS.c.id.desc()).limit(limit)
        if integration_id is not None:
            stmt = stmt.where(ALERTS.c.integration_id == integration_id)
        return [_alert(r) for r in self.session.execute(stmt).mappings()]
