"""Secrets Radar makes for itself and keeps in the database, so every process shares them and
they survive restarts."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from radar.store.tables import ServerSecretRow

TABLE = ServerSecretRow.__table__


class SecretRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_or_create(self, name: str, now: datetime) -> str:
        """The secret called ``name``; the first caller (in any process) creates it."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        row = {"name": name, "value": secrets.token_urlsafe(32), "created_at": now}
        self.session.execute(dialect.insert(TABLE).values(row).on_conflict_do_nothing())
        value = self.session.execute(select(TABLE.c.value).where(TABLE.c.name == name))
        return str(value.scalar_one())
