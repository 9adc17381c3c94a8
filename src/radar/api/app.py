"""The ASGI application, built explicitly from a container (never at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

import radar
from radar.api import errors
from radar.api.routes import ack, health, incidents, intake, policy, triage, twilio
from radar.bootstrap import Container

# Routes are matched in this order: alert intake, the busiest in a storm, first.
ALL_ROUTERS = (
    intake.router,
    health.router,
    incidents.router,
    policy.router,
    triage.router,
    ack.router,
    twilio.router,
)


def create_app(container: Container) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Request handlers run in AnyIO's worker threads; see `worker_threads` in settings.
        to_thread.current_default_thread_limiter().total_tokens = container.settings.worker_threads
        yield

    app = FastAPI(
        lifespan=lifespan,
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
