"""/healthz (the process answers) and /readyz (it can serve: database, migrations, policy)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from radar.api.deps import ContainerDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(c: ContainerDep) -> JSONResponse:
    result = c.health.readiness()
    body = {"status": "ready" if result.ready else "not ready", "checks": result.checks}
    return JSONResponse(body, status_code=200 if result.ready else 503)
