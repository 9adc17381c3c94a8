"""Single sign-on: ``/signin/oidc`` sends the browser to the OpenID provider, and the provider
sends it back to ``/signin/oidc/callback``, which starts the same session as a password.

Between the two, the state, nonce and PKCE verifier wait in a signed, HttpOnly, SameSite=Lax
cookie that lives ten minutes and serves once. Both routes answer 404 while single sign-on is
off. A sign-in that fails shows the sign-in page again with the reason (401; 403 for a person
Radar refuses), never an error page.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.domain.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    RadarError,
    Unauthenticated,
)
from radar.web.auth import container_of, keep_session, safe_then, secure
from radar.web.oidc import OidcConfig, Pending, Provider
from radar.web.routes.auth import signin_form

router = APIRouter(include_in_schema=False)

COOKIE = "radar_oidc"
COOKIE_PATH = "/signin/oidc"
PENDING_FOR = timedelta(minutes=10)
EXPIRED = "this sign-in has expired or was started in another browser; try again"
FORGED = "this sign-in did not start here (its state does not match); try again"


def _provider(request: Request) -> Provider:
    """The app's provider, made on first use; ``NotFound`` while single sign-on is off."""
    made: Provider | None = getattr(request.app.state, "oidc", None)
    if made is None:
        container = container_of(request)
        config = OidcConfig.of(container.settings)
        if config is None:
            raise NotFound("single sign-on is not configured")
        made = request.app.state.oidc = Provider(config, container.clock)
    return made


def _refused(request: Request, then: str, exc: RadarError) -> HTMLResponse:
    """The sign-in page again, saying why."""
    status = 403 if isinstance(exc, Forbidden) else 401
    response = signin_form(request, then, error=exc.message, status=status)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


@router.get("/signin/oidc", response_class=HTMLResponse)
async def signin_oidc(request: Request, then: str = "/") -> Response:
    provider = _provider(request)
    then = safe_then(then)
    try:
        url, pending = await provider.begin(then)
    except RadarError as exc:
        return _refused(request, then, exc)
    sessions = container_of(request).sessions
    sealed = await run_in_threadpool(sessions.seal, pending.kept())
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        COOKIE,
        sealed,
        max_age=int(PENDING_FOR.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path=COOKIE_PATH,
    )
    return response


@router.get("/signin/oidc/callback", response_class=HTMLResponse)
async def signin_oidc_callback(
    request: Request, code: str = "", state: str = "", error: str = ""
) -> Response:
    provider = _provider(request)
    sessions = container_of(request).sessions
    sealed = request.cookies.get(COOKIE, "")
    kept = await run_in_threadpool(sessions.unseal, sealed, PENDING_FOR) if sealed else None
    pending = Pending.of(kept)
    then = pending.then if pending else "/"
    try:
        if error:
            raise Unauthenticated(f"the sign-in service did not sign you in ({error[:100]})")
        if pending is None:
            raise Unauthenticated(EXPIRED)
        if not state or not hmac.compare_digest(state.encode(), pending.state.encode()):
            raise Unauthenticated(FORGED)
        if not code:
            raise Unauthenticated(EXPIRED)
        who = await provider.finish(pending, code)
        session = await run_in_threadpool(
            sessions.sign_in_external, who.username, who.display_name, who.role
        )
    except InvalidInput as exc:  # the name the provider gave is not one Radar allows
        said = f"the sign-in service's username for you cannot be a Radar username: {exc.message}"
        return _refused(request, then, Unauthenticated(said))
    except RadarError as exc:
        return _refused(request, then, exc)
    response = RedirectResponse(safe_then(then), status_code=303)
    keep_session(response, request, session.secret)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response
