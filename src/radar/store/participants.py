"""Who takes part in an incident, by username: its reporter, the holders of its roles, the
people it paged, and the people added by hand. A restricted incident is visible to them (and to
admins) only; for other incidents the list is kept all the same."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Table, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from radar.store.tables import IncidentParticipantRow, IncidentRow

PARTICIPANTS: Table = IncidentParticipantRow.__table__  # type: ignore[assignment]
INCIDENTS: Table = IncidentRow.__table__  # type: ignore[assignment]


def visible_to(username: str | BindParameter[str]) -> ColumnElement[bool]:
    """The condition on ``incidents`` that keeps what ``username`` (a value, or a parameter of a
    statement built once) may see (not admins: they see everything, so no condition is added
    for them)."""
    return INCIDENTS.c.restricted.is_(False) | exists().where(
        PARTICIPANTS.c.incident_id == INCIDENTS.c.id, PARTICIPANTS.c.username == username
    )


class ParticipantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, incident_id: int, usernames: Iterable[str], why: str, now: datetime) -> None:
        """Add each (once: someone already taking part keeps their first reason)."""
        rows = [
            {"incident_id": incident_id, "username": u, "why": why, "added_at": now}
            for u in dict.fromkeys(usernames)
            if u
        ]
        if not rows:
            return
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(PARTICIPANTS)
        self.session.execute(insert.on_conflict_do_nothing(), rows)

    def of(self, incident_id: int) -> list[tuple[str, str]]:
        """(username, why), in the order they joined."""
        stmt = (
            select(PARTICIPANTS.c.username, PARTICIPANTS.c.why)
            .where(PARTICIPANTS.c.incident_id == incident_id)
            .order_by(PARTICIPANTS.c.added_at, PARTICIPANTS.c.username)
        )
        return [(u, w) for u, w in self.session.execute(stmt)]

    def takes_part(self, incident_id: int, username: str) -> bool:
        stmt = select(PARTICIPANTS.c.username).where(
            PARTICIPANTS.c.incident_id == incident_id, PARTICIPANTS.c.username == username
        )
        return self.session.execute(stmt).first() is not None
