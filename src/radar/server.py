"""The whole HTTP application: the JSON API and the web UI, on one container."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from radar.api.app import create_app as create_api
from radar.bootstrap import Container
from radar.settings import Settings
from radar.web.app import mount

# How long a stopping server lets requests in flight finish. Live streams (server-sent events)
# never finish by themselves; after this they are cut, and browsers reconnect elsewhere.
SHUTDOWN_GRACE_SECONDS = 5


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
