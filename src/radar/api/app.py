"""The ASGI application, built explicitly from a container (never at import time)."""

from __future__ import annotations

from fastapi import FastAPI

import radar
from radar.api import errors
from radar.api.routes import health, incidents, policy, triage
from radar.bootstrap import Container

ALL_ROUTERS = (health.router, incidents.router, policy.router, triage.router)


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="Radar",
        version=radar.__version__,
        description="Incident management: declare, respond, communicate, learn.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.container = container
    errors.install(app)
    for router in ALL_ROUTERS:
        app.include_router(router)
    return app
