"""Composition root: ``build(settings)`` wires every part once. Nothing is built at import time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from radar.clock import Clock, SystemClock
from radar.notify.base import Notifier
from radar.notify.log import LogNotifier
from radar.notify.record import RecordNotifier
from radar.services.accounts import AccountService
from radar.services.database import DatabaseService
from radar.services.engine import EngineService
from radar.services.health import HealthService
from radar.services.incidents import IncidentService
from radar.services.policies import PolicyService
from radar.services.triage import TriageService
from radar.services.wakeup import Waker
from radar.settings import Settings
from radar.store.db import Database, connect
from radar.store.uow import UnitOfWorkProvider


@dataclass
class Container:
    settings: Settings
    clock: Clock
    db: Database
    database: DatabaseService
    policies: PolicyService
    incidents: IncidentService
    accounts: AccountService
    health: HealthService
    triage: TriageService
    engine: EngineService
    waker: Waker

    def close(self) -> None:
        self.db.dispose()


def build(settings: Settings, *, clock: Clock | None = None) -> Container:
    clock = clock or SystemClock()
    db = connect(
        settings.database_url,
        pool_size=settings.db_pool_size,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    uow = UnitOfWorkProvider(db)
    policies = PolicyService(uow, clock)
    waker = Waker()
    return Container(
        settings=settings,
        clock=clock,
        db=db,
        database=DatabaseService(db),
        policies=policies,
        incidents=IncidentService(uow, clock, policies, waker.wake),
        accounts=AccountService(uow, clock, timedelta(seconds=settings.token_cache_seconds)),
        health=HealthService(db, uow),
        triage=TriageService(policies),
        engine=EngineService(
            uow,
            clock,
            policies,
            _notifier(settings),
            lease=timedelta(seconds=settings.notify_lease_seconds),
        ),
        waker=waker,
    )


def _notifier(settings: Settings) -> Notifier:
    if settings.notify_record_file:
        return RecordNotifier(Path(settings.notify_record_file))
    return LogNotifier()
