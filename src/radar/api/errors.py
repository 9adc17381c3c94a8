"""One place that turns errors into HTTP responses, all with the same JSON shape:

``{"error": {"code": ..., "message": ..., "field": ..., "problems": [{"field", "message"}]}}``

Bad input never becomes a 500, and a 500 never shows a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.routing import Match, Mount
from starlette.types import Receive, Scope, Send

from radar.api import validation
from radar.api.headers import API_PATH, SECRET_PATHS, security_headers
from radar.domain.errors import (
    Conflict,
    Expired,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    Problem,
    RadarError,
    Unauthenticated,
    Unavailable,
)
from radar.integrations.parsing import unreadable

log = logging.getLogger("radar.api")

STATUS: dict[type[RadarError], int] = {
    NotFound: 404,
    InvalidInput: 422,
    InvalidTransition: 409,
    Conflict: 409,
    Expired: 410,
    Unavailable: 503,
    Unauthenticated: 401,
    Forbidden: 403,
}


def error_body(
    code: str,
    message: str,
    field: str | None = None,
    problems: Sequence[Problem] = (),
    **extra: Any,
) -> dict[str, Any]:
    listed = [{"field": p.field, "message": p.message} for p in problems] or [
        {"field": field, "message": message}
    ]
    return {
        "error": {"code": code, "message": message, "field": field, "problems": listed, **extra}
    }


def _status_for(exc: RadarError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


async def _radar_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RadarError)
    extra: dict[str, Any] = {}
    problems: Sequence[Problem] = ()
    if isinstance(exc, InvalidTransition):
        extra = {"current_status": exc.current_status, "allowed_actions": list(exc.allowed_actions)}
    if isinstance(exc, InvalidInput):
        problems = exc.problems
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    body = error_body(exc.code, exc.message, exc.field, problems, **extra)
    return JSONResponse(body, status_code=_status_for(exc), headers=headers)


async def _unauthenticated(request: Request) -> JSONResponse | None:
    """FastAPI parses the body before dependencies run, so a malformed request would be told
    about its body before being told it has no valid token. Check the token first."""
    if not request.url.path.startswith("/api/v1/") and request.url.path != "/api/v1":
        return None
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer":
            raise Unauthenticated("send an API token as `Authorization: Bearer <token>`")
        await run_in_threadpool(request.app.state.container.accounts.authenticate, secret)
    except Unauthenticated as refused:
        return await _radar_error(request, refused)
    return None


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    refused = await _unauthenticated(request)
    if refused is not None:
        return refused
    errors = exc.errors()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body_sent = request.method in ("POST", "PUT", "PATCH") and media and media != "application/json"
    if body_sent and any(tuple(e["loc"]) == ("body",) for e in errors):
        message = f"send the body as JSON with `Content-Type: application/json`, not {media}"
        return JSONResponse(error_body("unsupported_media_type", message, "body"), 415)
    if any(e.get("type") == "json_invalid" for e in errors):
        detail = next(e for e in errors if e.get("type") == "json_invalid")
        message = f"the request body is not valid JSON: {detail.get('ctx', {}).get('error', '')}"
        return JSONResponse(error_body("malformed_json", message.strip(": "), "body"), 400)
    problems = [Problem(validation.field(e["loc"]), validation.message(e)) for e in errors]
    first = problems[0]
    message = f"{first.field}: {first.message}" if first.field else first.message
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more)"
    return JSONResponse(error_body("invalid_input", message, first.field, problems), 422)


# The methods a 405's Allow header may name (no route answers OPTIONS or TRACE).
METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
HTTP_CODES = {
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    429: "rate_limited",
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    headers = exc.headers
    cause = exc.__cause__
    if exc.status_code == 413:
        # The body limit in force is where Starlette's limiter (and ours, in limits.py) put it.
        limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
        message = "the request body is too large"
        if isinstance(limit, int):
            message += f": send at most {limit:,} bytes"
        body = error_body(code, message, "body")
    elif exc.status_code == 400 and isinstance(cause, ValueError | RecursionError):
        # FastAPI turns a JSON body it cannot read into a bare "error parsing the body" unless
        # the fault is a syntax error (_validation_error): bytes that are not UTF-8, nesting too
        # deep, an integer too long to convert. Say which.
        body = error_body("malformed_json", unreadable(cause), "body")
    elif exc.status_code == 405 and (allow := allowed_methods(request)):
        # Starlette names the methods of the first route whose path matched; there may be more.
        headers = {**(headers or {}), "Allow": allow}
        body = error_body(code, f"{request.method} is not allowed here: use {allow}")
    else:
        body = error_body(code, str(exc.detail))
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def allowed_methods(request: Request) -> str:
    """Every method some route of the application accepts at this request's path, asked of the
    routes themselves (mounted apps, such as the static files, say for themselves)."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    return ", ".join(
        method
        for method in METHODS
        # HEAD is answered wherever GET is (api/head.py).
        if any(
            r.matches({**request.scope, "method": "GET" if method == "HEAD" else method})[0]
            is Match.FULL
            for r in routes
        )
    )


async def respond(exc: HTTPException, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer ``exc`` from a middleware, outside the routes, as the application's own handlers
    would: the JSON shape on the API, an HTML page where the web UI installed one."""
    handlers = scope["app"].exception_handlers
    handler = handlers.get(exc.status_code) or next(
        handlers[cls] for cls in type(exc).__mro__ if cls in handlers
    )
    response = await handler(Request(scope, receive), exc)
    await response(scope, receive, send)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    body = error_body("internal_error", "Radar hit an unexpected error; it has been logged")
    # Sent by the outermost middleware, past SecurityHeaders: the same headers, added here.
    https = request.app.state.container.settings.effective_public_url.startswith("https://")
    secret_path = request.url.path.startswith(SECRET_PATHS)
    headers = dict(security_headers(https=https, secret_path=secret_path))
    if request.url.path.startswith(API_PATH):
        headers["Cache-Control"] = "no-store"
    return JSONResponse(body, status_code=500, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RadarError, _radar_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
