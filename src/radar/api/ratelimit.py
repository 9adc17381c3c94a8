"""Per-address rate limits on the public endpoints anyone can reach without signing in: the
one-click acknowledge links (``/ack/...``), the sign-in form (``POST /signin``) and single sign-on
(``/signin/oidc...``), and the public status page and its feed (``/status``,
``/status/feed.atom``).

Each is a token bucket per source address, kept in this process: a burst of a minute's
allowance, refilled evenly over the minute. A request over the limit is answered 429 with
``Retry-After`` (whole seconds), in the usual error shape: JSON on ``/ack``, a page on the web UI.
Time comes from a function handed in (the container's clock), so tests move it.

Behind a reverse proxy every request has the proxy's address unless the proxy is listed in
``RADAR_TRUSTED_PROXIES``: then ``X-Forwarded-For`` names it (``server.proxy_options``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from radar.api.errors import respond

ACK_PER_MINUTE = 60
SIGNIN_PER_MINUTE = 60
STATUS_PER_MINUTE = 600
STATUS_PATHS = ("/status", "/status/feed.atom")
# Buckets kept per limit; past this the least recently seen address is forgotten.
MAX_ADDRESSES = 50_000


class TokenBuckets:
    """One bucket of ``per_minute`` tokens per key, refilled at ``per_minute`` a minute."""

    def __init__(
        self, per_minute: int, seconds: Callable[[], float], max_keys: int = MAX_ADDRESSES
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens a second
        self.seconds = seconds
        self.max_keys = max_keys
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when counted)

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0 when there was one, else the seconds until there is."""
        now = self.seconds()
        kept = self.buckets.pop(key, None)  # popped and put back: the dict stays in LRU order
        if kept is None:
            tokens = self.capacity
        else:
            # A clock that went back refills nothing, and counts from its new reading.
            tokens = min(self.capacity, kept[0] + max(0.0, now - kept[1]) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self.buckets[key] = (tokens, now)
        if len(self.buckets) > self.max_keys:
            del self.buckets[next(iter(self.buckets))]
        return wait


class RateLimits:
    """The ASGI middleware: looks up the path's limit, takes a token or answers 429."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        seconds: Callable[[], float],
        ack: int = ACK_PER_MINUTE,
        signin: int = SIGNIN_PER_MINUTE,
        status: int = STATUS_PER_MINUTE,
    ) -> None:
        self.app = app
        self.ack = TokenBuckets(ack, seconds)
        self.signin = TokenBuckets(signin, seconds)
        self.status = TokenBuckets(status, seconds)

    def buckets_for(self, method: str, path: str) -> TokenBuckets | None:
        if path.startswith("/ack/"):
            return self.ack
        if (path == "/signin" and method == "POST") or path.startswith("/signin/oidc"):
            return self.signin  # single sign-on too: each callback costs a call to the provider
        if path in STATUS_PATHS:
            return self.status
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            buckets = self.buckets_for(scope["method"], scope["path"])
            if buckets is not None:
                client = scope.get("client")
                wait = buckets.take(client[0] if client else "")
                if wait:
                    after = max(1, math.ceil(wait))
                    message = f"too many requests from your address; try again in {after} s"
                    refused = HTTPException(429, message, headers={"Retry-After": str(after)})
                    await respond(refused, scope, receive, send)
                    return
        await self.app(scope, receive, send)
