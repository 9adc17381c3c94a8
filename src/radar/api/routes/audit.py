"""/api/v1/audit: who changed what, when, from where (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from radar.api.deps import ContainerDep, PrincipalDep
from radar.api.params import Instant
from radar.api.responses import json_response
from radar.api.schemas.audit import AuditEntryOut, AuditListOut
from radar.domain.audit import AuditFilter
from radar.domain.listing import MAX_PAGE

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=AuditListOut)
def entries(
    c: ContainerDep,
    who: PrincipalDep,
    actor: Annotated[str | None, Query(max_length=100, description="A username.")] = None,
    since: Annotated[
        Instant | None, Query(description="From this time: ISO 8601 with a zone.")
    ] = None,
    until: Annotated[
        Instant | None, Query(description="Before this time: ISO 8601 with a zone.")
    ] = None,
    path: Annotated[
        str | None, Query(max_length=500, description="Paths starting with this.")
    ] = None,
    refused: Annotated[
        bool | None, Query(description="Only refused (true) or only done (false) requests.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Authenticated writes and attempts, newest first, a page at a time."""
    flt = AuditFilter(actor=actor, since=since, until=until, path=path, refused=refused)
    found = c.audit.entries(who, flt, limit=limit, cursor=cursor)
    items = [AuditEntryOut.of(e) for e in found.items]
    return json_response(AuditListOut(items=items, next_cursor=found.next_cursor))
