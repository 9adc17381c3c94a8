"""The audit log, as the API shows it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from radar.domain.audit import AuditEntry


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str = Field(description="The username that made the request.")
    token_id: int | None = Field(description="The API token used; null for a web session.")
    source_ip: str
    method: str
    path: str
    status: int = Field(description="The answer: 2xx done, 4xx refused.")

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        return cls(
            id=e.id or 0,
            at=e.at,
            actor=e.actor,
            token_id=e.token_id,
            source_ip=e.source_ip,
            method=e.method,
            path=e.path,
            status=e.status,
        )


class AuditListOut(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next, older page.")
