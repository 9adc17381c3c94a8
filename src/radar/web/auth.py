"""Who is signed in, and the CSRF check every form passes.

The session cookie is HttpOnly, SameSite=Lax, and Secure when Radar is served over HTTPS. Every
form carries the session's CSRF token in a hidden ``csrf`` field; the sign-in form, before any
session exists, carries one that matches a short-lived cookie instead (double submit).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from radar.bootstrap import Container
from radar.domain.errors import Forbidden
from radar.services.sessions import LIFETIME, WebSession

COOKIE = "radar_session"
SIGNIN_COOKIE = "radar_signin"
EXPIRED_FORM = "this form has expired; reload the page and try again"


class SignInRequired(Exception):
    """The page needs a signed-in user: the browser goes to the sign-in page, then back."""

    def __init__(self, then: str) -> None:
        super().__init__(then)
        self.then = then


def container_of(request: Request) -> Container:
    built: Container = request.app.state.container
    return built


async def session_of(request: Request) -> WebSession | None:
    secret = request.cookies.get(COOKIE, "")
    if not secret:
        return None
    return await run_in_threadpool(container_of(request).sessions.find, secret)


async def signed_in(request: Request) -> WebSession:
    """A FastAPI dependency: the session, or a redirect to sign in."""
    session = await session_of(request)
    if session is None:
        then = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(then)
    request.state.principal = session.principal  # for the audit log (api/audit.py)
    return session


async def posted(request: Request, session: WebSession) -> dict[str, str]:
    """The form's fields, once its CSRF token matches the session's."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not hmac.compare_digest(fields.get("csrf", ""), session.csrf):
        raise Forbidden(EXPIRED_FORM)
    return fields


def secure(request: Request) -> bool:
    settings = container_of(request).settings
    return request.url.scheme == "https" or settings.effective_public_url.startswith("https://")


def keep_session(response: Response, request: Request, secret: str) -> None:
    response.set_cookie(
        COOKIE,
        secret,
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )


def drop_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def signin_token(request: Request) -> str:
    """The sign-in form's token: the one the browser keeps, or a new one."""
    return request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(32)


def keep_signin_token(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        SIGNIN_COOKIE, token, max_age=3600, httponly=True, samesite="lax", secure=secure(request)
    )


def signin_token_matches(request: Request, sent: str) -> bool:
    kept = request.cookies.get(SIGNIN_COOKIE, "")
    return bool(kept) and hmac.compare_digest(kept, sent)


def safe_then(then: str) -> str:
    """Where to go after signing in: only a path on this site, never an open redirect
    (``//host`` or ``/\\host``)."""
    return then if then.startswith("/") and not then.startswith(("//", "/\\")) else "/"
