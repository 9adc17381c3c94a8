"""Database administration use cases: migrate up and down."""

from __future__ import annotations

from radar.store import migrate
from radar.store.db import Database


class DatabaseService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Migrate to ``revision``; returns the revisions before and after."""
        before = migrate.current(self._db.engine)
        migrate.upgrade(self._db.engine, revision)
        return before, migrate.current(self._db.engine)

    def downgrade(self, revision: str) -> tuple[str | None, str | None]:
        before = migrate.current(self._db.engine)
        migrate.downgrade(self._db.engine, revision)
        return before, migrate.current(self._db.engine)

    def current(self) -> str | None:
        return migrate.current(self._db.engine)
