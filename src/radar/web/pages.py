"""What every page's template gets: who is signed in, the CSRF token, the time now."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from radar.services.sessions import WebSession
from radar.web.auth import container_of


def templates_of(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def page(
    request: Request,
    name: str,
    session: WebSession | None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    c = container_of(request)
    base = {
        "me": session.principal if session else None,
        "csrf": session.csrf if session else "",
        "now": c.clock.now(),
    }
    response: HTMLResponse = templates_of(request).TemplateResponse(
        request,
        name,
        {**base, **context},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
    return response
