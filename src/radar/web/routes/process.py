"""The process as people agreed on it: "Our process" (/process) and "Services and teams"
(/services), both read from the running policy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from radar.services.process_view import ProcessView
from radar.services.sessions import WebSession
from radar.web.auth import container_of, signed_in
from radar.web.pages import page

router = APIRouter(include_in_schema=False)
Session = Annotated[WebSession, Depends(signed_in)]


def _view(request: Request) -> ProcessView:
    c = container_of(request)
    return ProcessView(c.policies, c.clock)


@router.get("/process", response_class=HTMLResponse)
async def process(request: Request, session: Session) -> HTMLResponse:
    shown = await run_in_threadpool(_view(request).process)
    return page(request, "process.html", session, page="process", process=shown)


@router.get("/services", response_class=HTMLResponse)
async def services(request: Request, session: Session) -> HTMLResponse:
    owners = await run_in_threadpool(_view(request).services)
    return page(request, "services.html", session, page="services", owners=owners)
