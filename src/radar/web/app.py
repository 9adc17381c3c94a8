"""Mount the web UI on the application: static assets, the pages, and HTML error pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from radar.domain.errors import RadarError
from radar.web import templating
from radar.web.auth import SignInRequired, session_of
from radar.web.pages import page
from radar.web.routes import auth, dashboard, incidents, live, process, report, status

ROUTERS = (
    auth.router,
    dashboard.router,
    incidents.router,
    live.router,
    process.router,
    report.router,
    status.router,
)
# Paths that answer machines: errors there stay JSON.
MACHINE_PATHS = ("/api/", "/integrations/", "/ack/", "/healthz", "/readyz")
STATUS_TITLES = {
    401: "Sign in",
    403: "Not allowed",
    404: "Not found",
    409: "Not now",
    410: "Gone",
    422: "Please check what you entered",
}

Handler = Callable[[Request, Exception], Awaitable[Response]]


def mount(app: FastAPI) -> None:
    app.state.templates = templating.make()
    app.mount("/static", StaticFiles(directory=templating.STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(SignInRequired, _sign_in)
    for kind in (RadarError, RequestValidationError):
        app.add_exception_handler(kind, _as_page(cast(Handler, app.exception_handlers[kind])))


def _as_page(as_json: Handler) -> Handler:
    """An error on a page is a page, with the status and message the API would give."""

    async def handle(request: Request, exc: Exception) -> Response:
        answer = await as_json(request, exc)
        if request.url.path.startswith(MACHINE_PATHS):
            return answer
        message = (
            exc.message
            if isinstance(exc, RadarError)
            else "; ".join(_said(e) for e in cast(RequestValidationError, exc).errors())
        )
        status = answer.status_code
        return page(
            request,
            "error.html",
            await session_of(request),
            status,
            title=STATUS_TITLES.get(status, "That did not work"),
            message=message,
        )

    return handle


def _said(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ())[1:])
    return f"{where}: {error.get('msg', 'not valid')}" if where else str(error.get("msg", ""))


async def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(f"/signin?then={quote(exc.then)}", status_code=303)
