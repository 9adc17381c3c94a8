"""The dashboard: open incidents, the most severe and longest waiting first, how many per
level, and the last day's resolutions; live."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from radar.domain.listing import IncidentFilter
from radar.services.sessions import WebSession
from radar.web.auth import container_of, signed_in
from radar.web.pages import page

router = APIRouter(include_in_schema=False)
Session = Annotated[WebSession, Depends(signed_in)]


def _filter(severity: str, service: str, q: str) -> IncidentFilter:
    return IncidentFilter(
        severities=(severity,) if severity else (),
        services=(service,) if service else (),
        text=q.strip() or None,
    )


@router.get("/", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    session: Session,
    severity: Annotated[str, Query(max_length=63)] = "",
    service: Annotated[str, Query(max_length=63)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    c = container_of(request)
    board = await run_in_threadpool(c.board.board, session.principal, _filter(severity, service, q))
    policy = await run_in_threadpool(c.policies.current)
    return page(
        request,
        "dashboard.html",
        session,
        page="dashboard",
        board=board,
        policy=policy.policy,
        chosen={"severity": severity, "service": service, "q": q},
        query=request.url.query,
        tab_alert=board.alert,  # base.html marks the tab's icon; static/tab.js after swaps
    )
