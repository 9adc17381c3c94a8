"""/api/v1/status/components: the public status page's components, and the state people set.

``{service}`` in a path is a service id of the policy (or the component's name as shown).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from radar.api.deps import ContainerDep, PrincipalDep, ViaDep
from radar.api.responses import json_response
from radar.api.schemas.status import ComponentListOut, ComponentOut, ComponentPut

router = APIRouter(prefix="/api/v1/status", tags=["status page"])


@router.get("/components", response_model=ComponentListOut)
def list_components(c: ContainerDep, who: PrincipalDep) -> Response:
    """Every component, in the policy's order: the state the status page shows, the state its
    incidents imply, and the state a person set, if one is in force."""
    found = c.status.components(who)
    return json_response(ComponentListOut(items=[ComponentOut.of(x) for x in found]))


@router.put("/components/{service}", response_model=ComponentOut)
def set_component(
    service: str, body: ComponentPut, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Set the state the status page shows for a component. Held (the default), it stays
    until released: severity changes no longer move it. Needs the respond permission."""
    done = c.status.set_component(
        who, service, body.state, hold=body.hold, incident=body.incident, via=via
    )
    return json_response(ComponentOut.of(done))


@router.delete("/components/{service}", response_model=ComponentOut)
def release_component(
    service: str,
    c: ContainerDep,
    who: PrincipalDep,
    via: ViaDep,
    incident: Annotated[
        str | None,
        Query(max_length=30, description="The incident it is done for: on its timeline."),
    ] = None,
) -> Response:
    """Release the component: it follows its incidents again. Releasing one nobody set
    changes nothing. Needs the respond permission."""
    done = c.status.release_component(who, service, incident=incident, via=via)
    return json_response(ComponentOut.of(done))
