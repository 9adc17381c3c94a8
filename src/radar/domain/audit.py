"""The audit log: one entry per authenticated write, or attempt at one. Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    user_id: int | None
    actor: str  # the username at the time
    token_id: int | None  # None: a web session
    source_ip: str
    method: str
    path: str
    status: int  # the answer: 2xx done, 4xx refused
    id: int | None = None


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    path: str | None = None  # a prefix: /api/v1/incidents/INC-4
    refused: bool | None = None  # only answers of 400 and more (True) or below (False)
