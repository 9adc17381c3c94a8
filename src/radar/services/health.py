"""Liveness and readiness: is the process up, and can it do its job right now?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from radar.store import migrate
from radar.store.db import Database
from radar.store.uow import UnitOfWorkProvider


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, str]


class HealthService:
    def __init__(self, db: Database, uow: UnitOfWorkProvider) -> None:
        self._db = db
        self._uow = uow

    def readiness(self) -> Readiness:
        checks: dict[str, str] = {}
        try:
            revision = migrate.current(self._db.engine)
            head = migrate.head()
            checks["database"] = "ok"
            checks["migrations"] = "ok" if revision == head else f"at {revision}, need {head}"
            if revision == head:
                with self._uow() as uow:
                    has_policy = uow.policies.current_id() is not None
                checks["policy"] = "ok" if has_policy else "no policy applied"
        except SQLAlchemyError as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        return Readiness(all(v == "ok" for v in checks.values()), checks)
