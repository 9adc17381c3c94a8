"""Every authenticated write is written to the audit log once it is answered: who (the principal
the request authenticated as, put on ``request.state.principal`` by ``api.deps`` or the web's
sign-in check), when, from which address, with which token, what, and the answer's status, so
refused attempts are on record too. Unauthenticated requests (alert intake, Twilio, the
acknowledge links) carry their own proof and are not audited here.

A pure ASGI middleware: nothing is buffered; the entry is written (off the event loop) when the
answer's status is known and before it is sent, stamped with the time the request arrived.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radar.domain.audit import WRITES

log = logging.getLogger(__name__)
PRINCIPAL = "principal"  # the key on request.state


class AuditMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        at = scope["app"].state.container.clock.now()
        answered = False

        async def sending(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start" and not answered:
                answered = True
                # Before the client hears the answer: whoever reads the log next finds it.
                await _record(scope, at, message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            if not answered:
                await _record(scope, at, 500)
            raise


async def _record(scope: Scope, at: datetime, status: int) -> None:
    state: dict[str, Any] = scope.get("state") or {}
    principal = state.get(PRINCIPAL)
    if principal is None:
        return
    container = scope["app"].state.container
    client = scope.get("client")
    try:
        await run_in_threadpool(
            container.audit.record,
            principal,
            at=at,
            source_ip=client[0] if client else "",
            method=scope["method"],
            path=scope["path"],
            status=status,
        )
    except Exception:  # the change itself is stored; a lost audit line must be visible
        log.exception("could not write the audit log for %s %s", scope["method"], scope["path"])
