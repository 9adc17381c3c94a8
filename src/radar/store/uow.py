"""Unit of work: one transaction, the repositories that share it, commit or roll back as a whole."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from radar.store.accounts import AccountRepository
from radar.store.alerts import AlertRepository
from radar.store.audit import AuditRepository
from radar.store.db import Database
from radar.store.incidents import IncidentRepository
from radar.store.outbox import OutboxRepository
from radar.store.participants import ParticipantRepository
from radar.store.policies import PolicyRepository
from radar.store.secrets import SecretRepository
from radar.store.sessions import SessionRepository
from radar.store.slack_channels import SlackChannelRepository
from radar.store.slack_events import SlackEventRepository
from radar.store.status import StatusRepository
from radar.store.throttle import ThrottleRepository
from radar.store.timers import TimerRepository


class UnitOfWork:
    def __init__(
        self, session: Session, before_commit: Callable[[UnitOfWork], None] | None = None
    ) -> None:
        self.session = session
        self._before_commit = before_commit
        self.incidents = IncidentRepository(session)
        self.accounts = AccountRepository(session)
        self.policies = PolicyRepository(session)
        self.timers = TimerRepository(session)
        self.outbox = OutboxRepository(session)
        self.secrets = SecretRepository(session)
        self.sessions = SessionRepository(session)
        self.throttle = ThrottleRepository(session)
        self.alerts = AlertRepository(session)
        self.status = StatusRepository(session)
        self.participants = ParticipantRepository(session)
        self.audit = AuditRepository(session)
        self.slack_events = SlackEventRepository(session)
        self.slack_channels = SlackChannelRepository(session)
        # What holds for the whole transaction once read (the running policy): services may
        # remember it here instead of reading it again for each piece of a group commit.
        self.memo: dict[str, Any] = {}

    def commit(self) -> None:
        if self._before_commit is not None:
            self._before_commit(self)
        self.session.commit()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an exception inside undoes only what was done inside."""
        with self.session.begin_nested():
            yield


class UnitOfWorkProvider:
    """Opens units of work on one database. ``write=True`` serialises writers on SQLite.
    ``before_commit`` runs in every write transaction just before it commits (the audit line
    of the request being served joins the change it made)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.before_commit: Callable[[UnitOfWork], None] | None = None

    @contextmanager
    def __call__(self, *, write: bool = False) -> Iterator[UnitOfWork]:
        if write:
            with self.db.writer() as engine, Session(engine, expire_on_commit=False) as session:
                yield UnitOfWork(session, self.before_commit)
        else:
            with Session(self.db.engine, expire_on_commit=False) as session:
                yield UnitOfWork(session)
