"""The signed-in user's own account: changing their password (/account/password).

A plain form post, answered with a redirect back (post/redirect/get); a refused change shows the
form again with the reason. A new password ends every other session of the user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.domain.errors import InvalidInput
from radar.services.accounts import MIN_PASSWORD
from radar.services.sessions import TooManySignIns, WebSession
from radar.web.auth import container_of, posted, signed_in
from radar.web.pages import page

router = APIRouter(prefix="/account", include_in_schema=False)
Session = Annotated[WebSession, Depends(signed_in)]
MISMATCH = "the two new passwords are not the same"


def _form(
    request: Request,
    session: WebSession,
    *,
    error: str = "",
    field: str | None = None,
    changed: bool = False,
    status: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "password.html",
        session,
        status,
        page="account",
        error=error,
        field=field,
        changed=changed,
        min_length=MIN_PASSWORD,
    )


@router.get("/password", response_class=HTMLResponse)
async def password_page(request: Request, session: Session, changed: bool = False) -> Response:
    return _form(request, session, changed=changed)


@router.post("/password", response_class=HTMLResponse)
async def change_password(request: Request, session: Session) -> Response:
    fields = await posted(request, session)
    new = fields.get("new_password", "")
    if new != fields.get("new_password_again", ""):
        return _form(request, session, error=MISMATCH, field="new_password_again", status=400)
    sessions = container_of(request).sessions
    try:
        await run_in_threadpool(
            sessions.change_password, session, fields.get("current_password", ""), new
        )
    except TooManySignIns as exc:
        refused = _form(request, session, error=exc.message, status=429)
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    except InvalidInput as exc:
        return _form(request, session, error=exc.message, field=exc.field, status=400)
    return RedirectResponse("/account/password?changed=true", status_code=303)
