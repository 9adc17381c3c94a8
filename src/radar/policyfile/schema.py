"""Pydantic models that mirror the policy YAML exactly. Unknown keys are errors."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class IncidentSection(Strict):
    definition: Text = Field(description="What counts as an incident, in the team's words.")
    test: Text = Field(
        "Does this need an emergency response?",
        description="The one question that separates an incident from a ticket.",
    )


class SeveritySpec(Strict):
    id: Id = Field(description="Stable id used by the API and CLI, such as `sev2`.")
    name: ShortText = Field(description="Name people read, such as `Sev2 - Major`.")
    definition: Text
    examples: list[Text] = Field(default_factory=list, max_length=100)
    typical_response: Text


class ServiceSpec(Strict):
    id: Id
    name: ShortText
    description: str = Field("", max_length=10_000)


class PolicyFile(Strict):
    """The whole file. Severities are listed from the most to the least severe."""

    version: int = Field(1, ge=1, le=1, description="Format version of this file.")
    incident: IncidentSection
    severities: list[SeveritySpec] = Field(min_length=1, max_length=20)
    services: list[ServiceSpec] = Field(default_factory=list, max_length=10_000)
