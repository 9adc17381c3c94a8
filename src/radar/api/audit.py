"""Every authenticated write is written to the audit log once it is answered: who (the principal
the request authenticated as, put on ``request.state.principal`` by ``api.deps`` or the web's
sign-in check), when, from which address, with which token, what, and the answer's status, so
refused attempts are on record too. Unauthenticated requests (alert intake, Twilio, the
acknowledge links) carry their own proof and are not audited here.

A pure ASGI middleware: nothing is buffered. A write that changes something is audited in the
change's own transaction (``services.audit``: one commit, and no crash between the change and its
line); otherwise the entry is written (off the event loop) when the answer's status is known and
before it is sent. Either way it carries the time the request arrived.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radar.domain.access import Principal
from radar.domain.audit import WRITES
from radar.services.audit import PENDING, Pending

log = logging.getLogger(__name__)
PRINCIPAL = "principal"  # the key on request.state


class AuditMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        pending = Pending(
            at=scope["app"].state.container.clock.now(),
            source_ip=client[0] if client else "",
            method=scope["method"],
            path=scope["path"],
            who=lambda: _who(scope),
        )
        token = PENDING.set(pending)  # the change's transaction writes the line (services.audit)
        answered = False

        async def sending(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start" and not answered:
                answered = True
                # Before the client hears the answer: whoever reads the log next finds it.
                await _settle(scope, pending, message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            if not answered:
                await _settle(scope, pending, 500)
            raise
        finally:
            PENDING.reset(token)


def _who(scope: Scope) -> tuple[Principal | None, int | None]:
    """Who the request authenticated as (``api.deps`` or the web's sign-in check put it on
    ``request.state``), and what the route answers when it succeeds: a JSON route's declared
    status (201, or 200); None for a page or a redirect, which answer otherwise."""
    state: dict[str, Any] = scope.get("state") or {}
    route = scope.get("route")
    expected = None
    if isinstance(route, APIRoute) and (route.response_model is not None or route.status_code):
        expected = route.status_code or 200
    return state.get(PRINCIPAL), expected


async def _settle(scope: Scope, pending: Pending, status: int) -> None:
    container = scope["app"].state.container
    try:
        await run_in_threadpool(container.audit.settle, pending, status)
    except Exception:  # the change itself is stored; a lost audit line must be visible
        log.exception("could not write the audit log for %s %s", scope["method"], scope["path"])
