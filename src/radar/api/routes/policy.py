"""/api/v1/policy: the process that runs now (severities and services)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from radar.api.deps import ContainerDep, PrincipalDep

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])


class SeverityOut(BaseModel):
    id: str
    name: str
    definition: str
    examples: list[str]
    typical_response: str


class ServiceOut(BaseModel):
    id: str
    name: str
    description: str


class PolicyOut(BaseModel):
    version: int
    applied_at: datetime
    applied_by: str
    incident_definition: str
    severities: list[SeverityOut]
    services: list[ServiceOut]


@router.get("", response_model=PolicyOut)
def current(c: ContainerDep, who: PrincipalDep) -> PolicyOut:
    running = c.policies.current()
    p = running.policy
    return PolicyOut(
        version=running.id,
        applied_at=running.stored.created_at,
        applied_by=running.stored.author,
        incident_definition=p.incident_definition,
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
