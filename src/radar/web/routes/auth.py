"""Sign in (throttled after repeated failures) and sign out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.domain.errors import Unauthenticated
from radar.services.sessions import TooManySignIns
from radar.web.auth import (
    EXPIRED_FORM,
    container_of,
    drop_session,
    keep_session,
    keep_signin_token,
    posted,
    safe_then,
    session_of,
    signin_token,
    signin_token_matches,
)
from radar.web.pages import page

router = APIRouter(include_in_schema=False)


def signin_form(
    request: Request, then: str, username: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    """The sign-in page (again, with ``error`` and ``status`` when an attempt failed)."""
    token = signin_token(request)
    response = page(
        request,
        "signin.html",
        None,
        status,
        then=then,
        username=username,
        error=error,
        signin_token=token,
    )
    keep_signin_token(response, request, token)
    return response


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(request: Request, then: str = "/") -> Response:
    if await session_of(request) is not None:
        return RedirectResponse(safe_then(then), status_code=303)
    return signin_form(request, safe_then(then))


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    then = safe_then(fields.get("then", "/"))
    username = fields.get("username", "")
    if not signin_token_matches(request, fields.get("csrf", "")):
        return signin_form(request, then, username, EXPIRED_FORM, 403)
    sessions = container_of(request).sessions
    address = request.client.host if request.client else ""
    password = fields.get("password", "")
    try:
        session = await run_in_threadpool(sessions.sign_in, username, password, address)
    except TooManySignIns as exc:
        refused = signin_form(request, then, username, exc.message, 429)
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    except Unauthenticated as exc:
        return signin_form(request, then, username, exc.message, 401)
    response = RedirectResponse(then, status_code=303)
    keep_session(response, request, session.secret)
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    session = await session_of(request)
    response = RedirectResponse("/signin", status_code=303)
    if session is not None:
        await posted(request, session)
        await run_in_threadpool(container_of(request).sessions.sign_out, session.secret)
    drop_session(response)
    return response
