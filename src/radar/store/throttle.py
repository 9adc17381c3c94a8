"""Failed sign-ins, counted per key (``user:NAME`` or ``ip:ADDRESS``) in the database, so that
every server process counts them together. What the counts mean is the service's rule
(``services/sessions.py``); this module only keeps them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from radar.store.tables import SigninThrottleRow

THROTTLE: Table = SigninThrottleRow.__table__  # type: ignore[assignment]
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Failures:
    """One key's count: how many failures since ``first_failed_at``, and its lock, if any."""

    failures: int
    first_failed_at: datetime
    locked_until: datetime | None


class ThrottleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def locked_until(self, keys: Collection[str], now: datetime) -> datetime | None:
        """The latest lock still in force on any of ``keys``; None when none is locked."""
        stmt = select(THROTTLE.c.locked_until).where(
            THROTTLE.c.key.in_(keys), THROTTLE.c.locked_until > now
        )
        locks: list[datetime] = list(self.session.scalars(stmt))
        return max(locks, default=None)

    def claim(self, key: str, now: datetime) -> Failures:
        """The key's count, locked until the transaction ends (PostgreSQL; SQLite has one
        writer). A key seen for the first time starts at zero failures."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        fresh = {"key": key, "failures": 0, "first_failed_at": now, "locked_until": None}
        self.session.execute(dialect.insert(THROTTLE).values(fresh).on_conflict_do_nothing())
        stmt = select(THROTTLE).where(THROTTLE.c.key == key).with_for_update()
        row = self.session.execute(stmt).one()
        return Failures(row.failures, row.first_failed_at, row.locked_until)

    def save(self, key: str, count: Failures) -> None:
        self.session.execute(
            update(THROTTLE)
            .where(THROTTLE.c.key == key)
            .values(
                failures=count.failures,
                first_failed_at=count.first_failed_at,
                locked_until=count.locked_until,
            )
        )

    def clear(self, key: str) -> None:
        self.session.execute(delete(THROTTLE).where(THROTTLE.c.key == key))

    def sweep(self, counted_since: datetime, now: datetime) -> None:
        """Forget counts that no longer matter: begun before ``counted_since`` and not locked.
        Rows another transaction holds are passed over, not waited for."""
        stale = (
            select(THROTTLE.c.key)
            .where(
                THROTTLE.c.first_failed_at < counted_since,
                THROTTLE.c.locked_until.is_(None) | (THROTTLE.c.locked_until <= now),
            )
            .limit(SWEEP_BATCH)
            .with_for_update(skip_locked=True)
        )
        keys = list(self.session.scalars(stale))
        if keys:
            self.session.execute(delete(THROTTLE).where(THROTTLE.c.key.in_(keys)))
