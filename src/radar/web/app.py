"""Mount the web UI on the application: static assets, the pages, and HTML error pages."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware

from radar.domain.errors import RadarError
from radar.web import templating
from radar.web.auth import SignInRequired, session_of
from radar.web.pages import page, templates_of
from radar.web.routes import (
    account,
    auth,
    dashboard,
    incidents,
    live,
    oidc,
    process,
    report,
    status,
    styleguide,
)

ROUTERS = (
    account.router,
    auth.router,
    dashboard.router,
    incidents.router,
    live.router,
    oidc.router,
    process.router,
    report.router,
    status.router,
    styleguide.router,
)
# Paths that answer machines: errors there stay JSON.
MACHINE_PATHS = ("/api/", "/integrations/", "/ack/", "/healthz", "/readyz")
STATUS_TITLES = {
    401: "Sign in",
    403: "Not allowed",
    404: "Not found",
    409: "Not now",
    405: "Not possible here",
    410: "Gone",
    413: "Too much at once",
    422: "Please check what you entered",
    429: "Too many requests",
}
# Refusals answered before the request is read: no session lookup, no database.
CHEAP_REFUSALS = (413, 429)
# Headers of the JSON answer that the page answer keeps.
KEPT_HEADERS = ("retry-after", "allow")
SWAGGER_UI = "/static/vendor/swagger-ui-dist-5.35.0"

docs = APIRouter(include_in_schema=False)


@docs.get("/api/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> Response:
    """The API reference (Swagger UI) from vendored files, started by a static script."""
    response: Response = templates_of(request).TemplateResponse(
        request, "api-docs.html", {"swagger": SWAGGER_UI, "openapi_url": request.app.openapi_url}
    )
    return response


Handler = Callable[[Request, Exception], Awaitable[Response]]


def mount(app: FastAPI) -> None:
    app.state.templates = templating.make()
    # Stylesheets and scripts go out compressed to a browser that takes gzip: what a phone
    # downloads for a page stays small (tests/web/test_page_weight.py).
    static = GZipMiddleware(StaticFiles(directory=templating.STATIC), minimum_size=1024)
    app.mount("/static", static, name="static")
    for router in (*ROUTERS, docs):
        # The body limit create_app chose for the API (1 MiB); see api/limits.py.
        app.include_router(router, max_body_size=app.state.max_body_size)
    app.add_exception_handler(SignInRequired, _sign_in)
    for kind in (RadarError, RequestValidationError, HTTPException):
        app.add_exception_handler(kind, _as_page(cast(Handler, app.exception_handlers[kind])))


def _as_page(as_json: Handler) -> Handler:
    """An error on a page is a page, with the status and message the API would give."""

    async def handle(request: Request, exc: Exception) -> Response:
        answer = await as_json(request, exc)
        if request.url.path.startswith(MACHINE_PATHS):
            return answer
        status = answer.status_code
        shown = page(
            request,
            "error.html",
            None if status in CHEAP_REFUSALS else await session_of(request),
            status,
            title=STATUS_TITLES.get(status, "That did not work"),
            message=_message(exc, answer),
        )
        for name in KEPT_HEADERS:
            if name in answer.headers:
                shown.headers[name] = answer.headers[name]
        return shown

    return handle


def _message(exc: Exception, answer: Response) -> str:
    if isinstance(exc, RadarError):
        return exc.message
    if isinstance(exc, RequestValidationError):
        return "; ".join(_said(e) for e in exc.errors())
    said: dict[str, Any] = json.loads(bytes(answer.body))
    return str(said["error"]["message"])


def _said(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ())[1:])
    return f"{where}: {error.get('msg', 'not valid')}" if where else str(error.get("msg", ""))


async def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(f"/signin?then={quote(exc.then)}", status_code=303)
