"""The whole HTTP application: the JSON API and the web UI, on one container."""

from __future__ import annotations

from fastapi import FastAPI

from radar.api.app import create_app as create_api
from radar.bootstrap import Container
from radar.web.app import mount

# How long a stopping server lets requests in flight finish. Live streams (server-sent events)
# never finish by themselves; after this they are cut, and browsers reconnect elsewhere.
SHUTDOWN_GRACE_SECONDS = 5


def create_app(container: Container) -> FastAPI:
    app = create_api(container)
    mount(app)
    return app
