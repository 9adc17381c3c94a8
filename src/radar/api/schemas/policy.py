"""Policy response bodies: the running process, as people read it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


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
    emergency_test: str
    severities: list[SeverityOut]
    services: list[ServiceOut]
