"""``HEAD`` answered wherever ``GET`` is: the same status and headers, no body.

FastAPI routes declared with ``@router.get`` accept GET only, so an uptime checker that asks
``HEAD /status`` or ``HEAD /healthz`` would be told 405 and report Radar down. This pure ASGI
middleware, outermost, hands the application a GET and passes its answer on without the body.
Once the answer is complete the request counts as disconnected, so that a stream (the live
page updates) ends instead of running on for nobody.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DISCONNECT: Message = {"type": "http.disconnect"}


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        answered = False

        async def body_less(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body" and not answered:
                answered = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            # Later parts of the body (a stream's) go nowhere.

        async def receiving() -> Message:
            return DISCONNECT if answered else await receive()

        await self.app({**scope, "method": "GET"}, receiving, body_less)
