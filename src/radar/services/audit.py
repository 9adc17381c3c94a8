"""Recording and reading the audit log. The HTTP layer records every authenticated write as
it is answered (who, when, from which address, with which token, what, and the answer);
admins read it, filtered and a page at a time.

A write that changes something is audited **in the change's own transaction**: the HTTP layer
notes the request (``Pending``, in a context variable that follows it into the worker thread)
and the first write transaction to commit while serving it adds the line (``stamp``), with the
status the route answers on success. Nothing changed is lost from the log by a crash between
the change and its audit line, and the line costs no commit of its own. A request that changed
nothing (refused, or answering otherwise than expected) is written when it is answered
(``settle``)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from radar.clock import Clock
from radar.domain.access import Principal
from radar.domain.audit import WRITES, AuditEntry, AuditFilter
from radar.domain.listing import encode_cursor, page
from radar.services.access import require_admin
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

PATH_MAX = 500


@dataclass
class Pending:
    """A write request being served: what its audit line says, once someone is known to have
    made it. ``who()`` gives the principal the request authenticated as (None: not, or not
    yet) and the status the route answers on success (None: not known before it answers)."""

    at: datetime
    source_ip: str
    method: str
    path: str
    who: Callable[[], tuple[Principal | None, int | None]]
    stamped: int | None = None  # the status written in a change's transaction


PENDING: ContextVar[Pending | None] = ContextVar("radar_audit_pending", default=None)


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    next_cursor: str | None


class AuditService:
    def __init__(self, uow: UnitOfWorkProvider, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    @staticmethod
    def concerns(method: str, principal: Principal | None) -> bool:
        """Whether a request is audited: a write by someone signed in or holding a token."""
        return principal is not None and method.upper() in WRITES

    def stamp(self, uow: UnitOfWork) -> None:
        """Before a write transaction commits: the audit line of the request it serves, if it
        has one not yet written (the first change of the request writes it)."""
        pending = PENDING.get()
        if pending is None or pending.stamped is not None:
            return
        principal, status = pending.who()
        if principal is None or status is None:
            return
        uow.audit.add(self._entry(pending, principal, status))
        pending.stamped = status

    def settle(self, pending: Pending, status: int) -> None:
        """Once the request is answered: its audit line, unless a change wrote it with this
        very status. (A change committed before a failing answer leaves both lines: what was
        done, and what the caller heard.)"""
        principal, _ = pending.who()
        if principal is None or pending.stamped == status:
            return
        with self._uow(write=True) as uow:
            pending.stamped = status  # this transaction must not stamp it again
            uow.audit.add(self._entry(pending, principal, status))
            uow.commit()

    def _entry(self, pending: Pending, principal: Principal, status: int) -> AuditEntry:
        return AuditEntry(
            at=pending.at,
            user_id=principal.user.id or None,
            actor=principal.user.username,
            token_id=principal.token_id,
            source_ip=pending.source_ip[:64],
            method=pending.method.upper()[:10],
            path=pending.path[:PATH_MAX],
            status=status,
        )

    def entries(
        self,
        principal: Principal,
        flt: AuditFilter,
        *,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AuditPage:
        require_admin(principal)
        want = page(limit, cursor)
        with self._uow() as uow:
            found = uow.audit.find(flt, want)
        items = found[: want.limit]
        more = len(found) > want.limit and items[-1].id is not None
        last = items[-1].id if items else None
        return AuditPage(items, encode_cursor(last) if more and last else None)
