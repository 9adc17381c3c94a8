"""Each incident's own Slack channel (``slack_channels``), recorded when Slack created it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from radar.store.tables import SlackChannelRow

CHANNELS: Table = SlackChannelRow.__table__  # type: ignore[assignment]


class SlackChannelRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, incident_id: int, channel_id: str, name: str, now: datetime) -> bool:
        """Keep the incident's channel; False when one was kept already (a resend)."""
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(CHANNELS)
        stmt = (
            insert.values(incident_id=incident_id, channel_id=channel_id, name=name, opened_at=now)
            .on_conflict_do_nothing()
            .returning(CHANNELS.c.incident_id)
        )
        return self.session.execute(stmt).first() is not None

    def of_incident(self, incident_id: int) -> str | None:
        """The Slack id of the incident's channel, if it has one."""
        stmt = select(CHANNELS.c.channel_id).where(CHANNELS.c.incident_id == incident_id)
        return self.session.execute(stmt).scalar()

    def named(self, incident_id: int) -> tuple[str, str] | None:
        """The incident's channel: its Slack id and its name, if it has one."""
        stmt = select(CHANNELS.c.channel_id, CHANNELS.c.name).where(
            CHANNELS.c.incident_id == incident_id
        )
        row = self.session.execute(stmt).first()
        return (row[0], row[1]) if row else None

    def incident_of(self, channel_id: str) -> int | None:
        """The incident whose channel ``channel_id`` is, if any."""
        stmt = select(CHANNELS.c.incident_id).where(CHANNELS.c.channel_id == channel_id)
        return self.session.execute(stmt).scalar()
