"""Request body limits: every route but alert intake refuses a body over 1 MiB with 413.

FastAPI counts the bytes as they arrive, chunked bodies included: ``create_app`` and the web UI
include their routers with ``max_body_size=MAX_BODY``, and the 413 it raises reaches the usual
handlers (``errors.py``; an HTML page on the web UI). The alert intake routes are left without
it: they refuse bodies over 512 KB themselves, in the answers their senders expect.

For a body whose declared ``Content-Length`` is already over the limit, Starlette's limiter
replaces whatever the application answers with a plain-text 413. :class:`DeclaredBodyLimit`
refuses those first, before routing, in the usual shape, and without reading the body.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.types import ASGIApp, Receive, Scope, Send

from radar.api.errors import respond

MAX_BODY = 1024 * 1024


class DeclaredBodyLimit:
    """Refuses, with 413, a request that declares a body over ``limit`` bytes, unless its path
    starts with one of ``exempt``."""

    def __init__(self, app: ASGIApp, *, limit: int, exempt: tuple[str, ...]) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.exempt):
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if value.isdigit() and int(value) > self.limit:
                        scope[MAX_BODY_SIZE_SCOPE_KEY] = self.limit
                        await respond(HTTPException(413), scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)
