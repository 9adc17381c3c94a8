"""/api/v1/policy: the process that runs now (severities and services)."""

from __future__ import annotations

from fastapi import APIRouter

from radar.api.deps import ContainerDep, PrincipalDep
from radar.api.schemas.policy import PolicyOut, ServiceOut, SeverityOut

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])


@router.get("", response_model=PolicyOut)
def current(c: ContainerDep, who: PrincipalDep) -> PolicyOut:
    running = c.policies.current()
    p = running.policy
    return PolicyOut(
        version=running.id,
        applied_at=running.stored.created_at,
        applied_by=running.stored.author,
        incident_definition=p.incident_definition,
        emergency_test=p.emergency_test,
        severities=[
            SeverityOut(
                id=s.id,
                name=s.name,
                definition=s.definition,
                examples=list(s.examples),
                typical_response=s.typical_response,
            )
            for s in p.severities
        ],
        services=[ServiceOut(id=s.id, name=s.name, description=s.description) for s in p.services],
    )
