"""Mount the web UI on the application: static assets, the pages, and HTML error pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast
from urllib.parse import quote

from fastapi import FastAPI, Request
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
MACHINE_PATHS = ("/api/", "/integrations/", "/healthz", "/readyz")
STATUS_TITLES = {401: "Sign in", 403: "Not allowed", 404: "Not found", 409: "Not now", 410: "Gone"}

Handler = Callable[[Request, Exception], Awaitable[Response]]


def mount(app: FastAPI) -> None:
    app.state.templates = templating.make()
    app.mount("/static", StaticFiles(directory=templating.STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(SignInRequired, _sign_in)
    as_json = cast(Handler, app.exception_handlers[RadarError])

    async def radar_error(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(MACHINE_PATHS) or request.url.path.startswith("/ack/"):
            return await as_json(request, exc)
        assert isinstance(exc, RadarError)
        answer = await as_json(request, exc)  # the status the API would give
        status = answer.status_code
        session = await session_of(request)
        return page(
            request,
            "error.html",
            session,
            status,
            title=STATUS_TITLES.get(status, "That did not work"),
            message=exc.message,
        )

    app.add_exception_handler(RadarError, radar_error)


async def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(f"/signin?then={quote(exc.then)}", status_code=303)
