"""Database administration use cases: migrate up and down."""

from __future__ import annotations

from collections.abc import Callable

from alembic.util import CommandError

from radar.domain.errors import InvalidInput
from radar.store import migrate
from radar.store.db import Database


class DatabaseService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Migrate to ``revision``; returns the revisions before and after."""
        return self._move(migrate.upgrade, revision)

    def downgrade(self, revision: str) -> tuple[str | None, str | None]:
        return self._move(migrate.downgrade, revision)

    def _move(self, step: Callable[..., None], revision: str) -> tuple[str | None, str | None]:
        before = migrate.current(self._db.engine)
        try:
            step(self._db.engine, revision)
        except CommandError as exc:
            raise InvalidInput(f"cannot migrate to {revision!r}: {exc}", field="revision") from None
        return before, migrate.current(self._db.engine)

    def current(self) -> str | None:
        return migrate.current(self._db.engine)
