"""Recording and reading the audit log. The HTTP layer records every authenticated write as
it is answered (who, when, from which address, with which token, what, and the answer);
admins read it, filtered and a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from radar.clock import Clock
from radar.domain.access import Principal
from radar.domain.audit import WRITES, AuditEntry, AuditFilter
from radar.domain.listing import encode_cursor, page
from radar.services.access import require_admin
from radar.store.uow import UnitOfWorkProvider

PATH_MAX = 500


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

    def record(
        self,
        principal: Principal,
        *,
        at: datetime | None = None,
        source_ip: str,
        method: str,
        path: str,
        status: int,
    ) -> None:
        entry = AuditEntry(
            at=at or self._clock.now(),
            user_id=principal.user.id or None,
            actor=principal.user.username,
            token_id=principal.token_id,
            source_ip=source_ip[:64],
            method=method.upper()[:10],
            path=path[:PATH_MAX],
            status=status,
        )
        with self._uow(write=True) as uow:
            uow.audit.add(entry)
            uow.commit()

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
