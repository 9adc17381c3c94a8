"""Who may hold an incident role, and who holds one after an assignment."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from radar.api.schemas.incidents import IncidentOut
from radar.domain.incident import Incident
from radar.domain.roles import Holder, Role


class HolderOut(BaseModel):
    id: str = Field(description="What to send as `assignee`, and what the incident's `roles` hold.")
    name: str = Field(description="The name the policy (or else the account) gives them.")
    in_policy: bool = Field(description="A person of the running policy.")
    has_account: bool = Field(description="An enabled account of this Radar.")

    @classmethod
    def of(cls, h: Holder) -> HolderOut:
        return cls(id=h.id, name=h.name, in_policy=h.in_policy, has_account=h.has_account)


class RoleCandidatesOut(BaseModel):
    items: list[HolderOut] = Field(description="By name.")


class RoleAssignedOut(IncidentOut):
    holder: HolderOut | None = Field(
        description="Who now holds the role (`null`: nobody, or a holder Radar does not know, "
        "written before Radar checked holders)."
    )

    @classmethod
    def assigned(cls, i: Incident, role: Role, known: Sequence[Holder]) -> RoleAssignedOut:
        held = i.roles.get(role)
        holder = next((h for h in known if h.id == held), None)
        fields = dict(IncidentOut.of(i))
        return cls(**fields, holder=HolderOut.of(holder) if holder else None)
