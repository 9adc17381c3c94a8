"""Server-sent events that tell a page something changed: ``event: changed`` with the new
version as its id. The page then fetches what it shows again (HTMX, ``hx-trigger="sse:changed"``).

The version is ``BoardService.version``: an opaque token of what this viewer may see, so the
stream is silent about incidents hidden from them (a restricted incident they take no part in).
A stream lasts at most a minute; the browser reconnects by itself and sends the last id it saw
(``Last-Event-ID``), so nothing is missed in between.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from radar.services.sessions import WebSession
from radar.web.auth import container_of, signed_in

router = APIRouter(include_in_schema=False)
TICK = 1.0  # seconds between looks at the database: one cheap indexed query
LIFETIME = 60.0
VERSION = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a token as BoardService makes them


@router.get("/live")
async def live(
    request: Request,
    session: Annotated[WebSession, Depends(signed_in)],
    since: Annotated[str, Query(max_length=64)] = "",
    incident: Annotated[str | None, Query(max_length=30)] = None,
) -> StreamingResponse:
    board = container_of(request).board
    last_seen = request.headers.get("Last-Event-ID", "")
    # Anything else (an old page's number, garbage) differs from every version: one refresh.
    start = last_seen if VERSION.fullmatch(last_seen) else since
    # An unknown incident is refused now, as a 404, not inside the stream.
    await run_in_threadpool(board.version, session.principal, incident)

    async def events() -> AsyncIterator[str]:
        seen = start
        yield "retry: 2000\n\n"
        waited = 0.0
        while waited < LIFETIME and not await request.is_disconnected():
            now = await run_in_threadpool(board.version, session.principal, incident)
            if now != seen:
                seen = now
                yield f"id: {now}\nevent: changed\ndata: {now}\n\n"
            await asyncio.sleep(TICK)
            waited += TICK

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
