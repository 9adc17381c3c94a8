"""Status page component bodies: the state a person sets for a component, and how it stands."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool, StrictStr

from radar.api.schemas.incidents import Input
from radar.domain.incident import reference_for
from radar.domain.status import Component, ComponentState

IncidentRef = Annotated[StrictStr, Field(min_length=1, max_length=30)]


class ComponentPut(Input):
    state: StrictStr = Field(
        min_length=1,
        max_length=63,
        description="`operational`, `degraded_performance`, `partial_outage`, `major_outage` or "
        "`under_maintenance` (the words shown, such as `Major outage`, are taken too).",
    )
    hold: StrictBool = Field(
        True,
        description="`true`: the state stays until released, whatever the incidents do. "
        "`false`: it lasts until the open incidents on the component change (a new incident, "
        "a change of level, a resolution).",
    )
    incident: IncidentRef | None = Field(
        None, description="The incident it is done for (`INC-42`): it goes on its timeline."
    )


class ComponentSettingOut(BaseModel):
    state: ComponentState
    held: bool
    set_by: str
    set_at: datetime
    incident: str | None = Field(description="The incident it was set for, if any.")


class ComponentOut(BaseModel):
    service: str = Field(description="The service of the policy the component is.")
    name: str = Field(description="The name the status page shows.")
    state: ComponentState = Field(description="The state the status page shows.")
    label: str = Field(description="The state in words (`Major outage`).")
    implied: ComponentState = Field(description="The state its open public incidents imply.")
    setting: ComponentSettingOut | None = Field(
        description="The state a person set, when it is in force; `null`: it follows its incidents."
    )

    @classmethod
    def of(cls, c: Component) -> ComponentOut:
        s = c.setting
        setting = (
            ComponentSettingOut(
                state=s.state,
                held=s.held,
                set_by=s.set_by,
                set_at=s.set_at,
                incident=reference_for(s.incident_id) if s.incident_id is not None else None,
            )
            if s is not None
            else None
        )
        return cls(
            service=c.id,
            name=c.name,
            state=c.state,
            label=c.state.label,
            implied=c.implied,
            setting=setting,
        )


class ComponentListOut(BaseModel):
    items: list[ComponentOut]
