"""The whole HTTP application: the JSON API and the web UI, on one container."""

from __future__ import annotations

import socket
from typing import Any

from fastapi import FastAPI

from radar.api.app import create_app as create_api
from radar.bootstrap import Container
from radar.settings import Settings
from radar.web.app import mount

# How long a stopping server lets requests in flight finish. Live streams (server-sent events)
# never finish by themselves; after this they are cut, and browsers reconnect elsewhere.
SHUTDOWN_GRACE_SECONDS = 5
# Connections the kernel queues before the server accepts them (uvicorn's default).
BACKLOG = 2048


def create_app(container: Container) -> FastAPI:
    app = create_api(container)
    mount(app)
    return app


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for reverse proxies: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are
    believed from ``RADAR_TRUSTED_PROXIES`` only. uvicorn on its own believes them from
    127.0.0.1 (or ``FORWARDED_ALLOW_IPS``): behind a proxy on the same machine that passes the
    header through, anyone could choose the address that rate limits and the sign-in lock
    count."""
    trusted = list(settings.trusted_proxies)
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted}


def listen(host: str, port: int) -> list[socket.socket]:
    """Listening sockets on ``host:port``, one per address ``host`` names (``localhost`` is
    127.0.0.1 and ::1), as asyncio would open them; handed to uvicorn, which then serves on
    them. Opened before anything else starts, so that a busy port is found while there is
    still nothing to undo. Raises ``OSError`` (``socket.gaierror`` for a host that names no
    address)."""
    found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    opened: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(found):
            sock = socket.socket(family, kind, proto)
            opened.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                # ::1 next to 127.0.0.1: each socket takes its own family only.
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
    except OSError:
        for sock in opened:
            sock.close()
        raise
    return opened
