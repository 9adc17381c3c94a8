"""Security headers on every response: the API's, the pages', the static files' and the errors'.

A pure ASGI middleware that appends a header list built once, when the application is built, so
the hot path (alert intake) pays for one list concatenation per response and no string work.

The Content-Security-Policy allows only this origin's scripts, styles, images (and ``data:``
images) and connections: no inline script, no inline style, no framing. The one-click acknowledge
links carry their secret in the path, so there no ``Referer`` leaves the page at all.
"""

from __future__ import annotations

from functools import cache

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"
# Paths whose URL is a secret: the referrer policy there is no-referrer.
SECRET_PATHS = ("/ack/",)
# The JSON API: its answers are one caller's view of live data, never to be kept by a browser
# or a shared cache (an answer that sets its own Cache-Control keeps it).
API_PATH = "/api/"
NO_STORE = (b"cache-control", b"no-store")

RawHeaders = list[tuple[bytes, bytes]]


@cache
def security_headers(*, https: bool, secret_path: bool) -> tuple[tuple[str, str], ...]:
    """The headers every response gets; HSTS only when Radar's public URL is https."""
    listed = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer" if secret_path else "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if https:
        listed.append(("Strict-Transport-Security", HSTS))
    return tuple(listed)


def _raw(headers: tuple[tuple[str, str], ...]) -> RawHeaders:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


class SecurityHeaders:
    """Adds :func:`security_headers` to every HTTP response of ``app``.

    Responses that the framework's outermost error handler sends (an unexpected 500) do not pass
    through here; ``errors.py`` adds the same headers to those itself.
    """

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.default = _raw(security_headers(https=https, secret_path=False))
        self.secret = _raw(security_headers(https=https, secret_path=True))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = self.secret if path.startswith(SECRET_PATHS) else self.default
        api = path.startswith(API_PATH)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A new list: the response object's own header list is left as it was.
                headers = [*message.get("headers", ()), *extra]
                if api and _json_without_cache_control(headers):
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _json_without_cache_control(headers: RawHeaders) -> bool:
    json, cached = False, False
    for name, value in headers:
        if name == b"content-type":
            json = value.startswith(b"application/json")
        elif name == b"cache-control":
            cached = True
    return json and not cached
