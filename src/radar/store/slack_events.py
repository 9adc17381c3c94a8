"""What Radar keeps about Slack's requests: the events that acted (by Slack's ``event_id``,
so a retry acts no more), and which open incident a Slack message (``channel:ts``) is the card
of."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from radar.domain.lifecycle import OPEN_STATUSES
from radar.domain.notification import Kind
from radar.store.tables import IncidentRow, NotificationRow, SlackEventRow

EVENTS: Table = SlackEventRow.__table__  # type: ignore[assignment]
OUTBOX: Table = NotificationRow.__table__  # type: ignore[assignment]
INCIDENTS: Table = IncidentRow.__table__  # type: ignore[assignment]


class SlackEventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def first_time(self, event_id: str, incident_id: int, now: datetime) -> bool:
        """Keep ``event_id``; False when it was kept already (a retry). Two deliveries of one
        event at once: the second waits on the key until the first commits, then is refused."""
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(EVENTS)
        stmt = (
            insert.values(event_id=event_id, incident_id=incident_id, received_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(EVENTS.c.event_id)
        )
        return self.session.execute(stmt).first() is not None

    def incidents_of_message(self, channel: str, ts: str) -> list[int]:
        """The open incidents whose Slack card is the message ``ts`` in ``channel`` (the id
        Slack gave when it was posted): one, or several when it was one message carrying
        several notifications. Looked for among open incidents only: their few notifications
        are found by index."""
        stmt = (
            select(OUTBOX.c.incident_id)
            .join(INCIDENTS, INCIDENTS.c.id == OUTBOX.c.incident_id)
            .where(
                INCIDENTS.c.status.in_(sorted(s.value for s in OPEN_STATUSES)),
                OUTBOX.c.provider_id == f"{channel}:{ts}",
                OUTBOX.c.kind == Kind.MESSAGE.value,
                OUTBOX.c.target.like("slack:%"),
            )
            .distinct()
            .limit(2)
        )
        return list(self.session.execute(stmt).scalars())
