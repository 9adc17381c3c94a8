"""The ASGI application, built explicitly from a container (never at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

import radar
from radar.api import errors
from radar.api.audit import AuditMiddleware
from radar.api.head import HeadAsGet
from radar.api.headers import SecurityHeaders
from radar.api.limits import MAX_BODY, DeclaredBodyLimit
from radar.api.ratelimit import RateLimits
from radar.api.routes import (
    ack,
    audit,
    health,
    incidents,
    intake,
    policy,
    slack,
    status,
    triage,
    twilio,
)
from radar.api.schemas.errors import ERROR_RESPONSES, Responses
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
    slack.router,
    audit.router,
    status.router,
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
        docs_url=None,  # the web UI serves /api/docs from vendored files, under the CSP
        redoc_url=None,
    )
    app.state.container = container
    errors.install(app)
    # Alert intake refuses big bodies itself, in its senders' terms; everything else at 1 MiB.
    app.state.max_body_size = MAX_BODY
    for router in ALL_ROUTERS:
        app.include_router(
            router,
            max_body_size=None if router is intake.router else MAX_BODY,
            responses=_errors_documented(router),
        )
    app.add_middleware(AuditMiddleware)
    _harden(app, container)
    return app


def _errors_documented(router: APIRouter) -> Responses | None:
    """What the OpenAPI document says a router answers when it refuses: everything under
    /api/v1 in the one error shape. The public routers (intake, links, Twilio, Slack) declare
    their own, route by route, since each refuses in its own way."""
    return ERROR_RESPONSES if router.prefix.startswith("/api/v1") else None


def _harden(app: FastAPI, container: Container) -> None:
    """The edges every request passes, outermost last: body limits, rate limits, headers,
    HEAD as GET."""
    intake_paths = tuple(
        route.path.split("{", 1)[0] for route in intake.router.routes if isinstance(route, APIRoute)
    )
    app.add_middleware(DeclaredBodyLimit, limit=MAX_BODY, exempt=intake_paths)
    start = container.clock.now()  # seconds are counted from here: small floats stay exact
    app.add_middleware(RateLimits, seconds=lambda: (container.clock.now() - start).total_seconds())
    https = container.settings.effective_public_url.startswith("https://")
    app.add_middleware(SecurityHeaders, https=https)
    app.add_middleware(HeadAsGet)
