"""Policy bodies: the running process as people read it, applying a new version, triage."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyCreate(Input):
    content: StrictStr = Field(max_length=1_000_000, description="The policy file, as YAML text.")
    filename: StrictStr = Field("policy.yaml", max_length=500, description="Named in errors.")
    if_changed: StrictBool = Field(
        False,
        description="Store nothing if this policy already runs: the same text, or one that "
        "differs only in comments or layout.",
    )


class ProblemOut(BaseModel):
    field: str | None = Field(description="Where: file:line:column.")
    message: str


class PolicyVersionOut(BaseModel):
    version: int
    applied_at: datetime
    applied_by: str
    filename: str
    sha256: str


class PolicyApplied(PolicyVersionOut):
    created: bool
    warnings: list[ProblemOut]
    changes: list[str] = Field(description="What changed from the previous version, in words.")


class StepOut(BaseModel):
    after_seconds: int
    notify: list[str]
    via: list[list[str]]
    unless_acknowledged: bool


class SeverityOut(BaseModel):
    id: str
    name: str
    definition: str
    examples: list[str]
    typical_response: str
    hours: str
    steps: list[StepOut]
    repeat: int
    updates_every_seconds: int | None
    upgrade: dict[str, str | int] | None
    required_roles: list[str]
    postmortem_due_seconds: int | None


class ServiceOut(BaseModel):
    id: str
    name: str
    description: str
    owner: str | None
    status_page_component: str | None


class TeamOut(BaseModel):
    id: str
    name: str
    members: list[str]
    engineering_manager: str | None
    product_owner: str | None
    team_lead: str | None
    slack_channel: str | None
    calendar: str | None


class PolicyOut(PolicyVersionOut):
    incident_definition: str
    emergency_test: str
    severities: list[SeverityOut]
    services: list[ServiceOut]
    teams: list[TeamOut]
    has_guide: bool


class TriageCreate(Input):
    answers: list[StrictInt] = Field(default_factory=list, max_length=100)
    service: StrictStr | None = Field(None, max_length=63, description="For the response preview.")


class AnswerOut(BaseModel):
    index: int
    label: str
    examples: list[str]


class QuestionOut(BaseModel):
    id: str
    text: str
    help: str
    answers: list[AnswerOut]


class PathStepOut(BaseModel):
    question: str
    answer: str


class TriageOut(BaseModel):
    complete: bool
    next_question: QuestionOut | None
    path: list[PathStepOut]
    severity: str | None
    severity_name: str | None
    not_an_incident: bool
    examples: list[str]
    response: list[str] = Field(description="What Radar will do, in words.")
