"""Request dependencies: the container, the authenticated principal, the interface used.

They are ``async`` on purpose: FastAPI runs every sync dependency in its own threadpool hop, and
those hops (with the GIL hand-offs they cause) cost more than the work. Only authentication
touches the database, and it does so in one hop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from radar.bootstrap import Container
from radar.domain.access import Principal
from radar.domain.errors import Unauthenticated
from radar.domain.incident import Via

_bearer = HTTPBearer(auto_error=False, description="An API token from `radar token create`.")


async def container(request: Request) -> Container:
    built: Container = request.app.state.container
    return built


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send an API token as `Authorization: Bearer <token>`")
    accounts = (await container(request)).accounts
    found = accounts.authenticate_cached(credentials.credentials)
    if found is None:
        found = await run_in_threadpool(accounts.authenticate, credentials.credentials)
    request.state.principal = found  # for the audit log (api/audit.py)
    return found


async def via(x_radar_via: Annotated[str | None, Header(include_in_schema=False)] = None) -> Via:
    """Which interface the caller is: the CLI says so; everything else is the API."""
    return Via.CLI if x_radar_via == Via.CLI.value else Via.API


ContainerDep = Annotated[Container, Depends(container)]
PrincipalDep = Annotated[Principal, Depends(principal)]
ViaDep = Annotated[Via, Depends(via)]
