"""/api/v1/incidents: declare, list, read, and every change people make to an incident.

``{incident}`` in a path is the reference (``INC-42``) or the bare number (``42``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from radar.api.deps import ContainerDep, PrincipalDep, ViaDep
from radar.api.responses import json_response
from radar.api.schemas.incidents import (
    DeclineCreate,
    IncidentCreate,
    IncidentDetailOut,
    IncidentListOut,
    IncidentOut,
    ParticipantCreate,
    ParticipantsOut,
    ReasonCreate,
    ResolveCreate,
    RolePatch,
    SeverityPatch,
    UpdateCreate,
    UpgradeAnswer,
)
from radar.api.schemas.plan import NotificationOut, PlanItemOut, PlanOut
from radar.domain.lifecycle import Status
from radar.domain.listing import MAX_PAGE, IncidentFilter
from radar.domain.roles import Role
from radar.services.incidents import Declaration

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
Ref = Annotated[str, "INC-42 or 42"]


@router.post("", status_code=201, response_model=IncidentOut)
def declare(body: IncidentCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep) -> Response:
    """Declare an incident. It starts in triage (`reported`)."""
    fields = body.model_dump()
    answers = fields.pop("triage_answers")
    declaration = Declaration(
        **fields, triage_answers=tuple(answers) if answers is not None else None
    )
    incident = c.incidents.declare(who, declaration, via)
    location = {"Location": f"/api/v1/incidents/{incident.reference}"}
    return json_response(IncidentOut.of(incident), 201, location)


@router.get("", response_model=IncidentListOut)
def list_incidents(
    c: ContainerDep,
    who: PrincipalDep,
    status: Annotated[list[Status] | None, Query()] = None,
    severity: Annotated[list[str] | None, Query(max_length=20)] = None,
    service: Annotated[list[str] | None, Query(max_length=100)] = None,
    open: Annotated[
        bool | None, Query(description="Only open (true) or only ended (false).")
    ] = None,
    drill: bool | None = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Text in the title, description or decline reason."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Incidents, newest first, a page at a time."""
    flt = IncidentFilter(
        statuses=tuple(status or ()),
        severities=tuple(severity or ()),
        services=tuple(service or ()),
        open=open,
        drill=drill,
        text=q.strip() if q and q.strip() else None,
    )
    found = c.incidents.list(who, flt, limit=limit, cursor=cursor)
    items = [IncidentOut.of(i) for i in found.items]
    return json_response(IncidentListOut(items=items, next_cursor=found.next_cursor))


@router.get("/{incident}", response_model=IncidentDetailOut)
def show(incident: Ref, c: ContainerDep, who: PrincipalDep) -> Response:
    """One incident with its whole timeline, oldest entry first."""
    detail = c.incidents.get(who, incident)
    return json_response(
        IncidentDetailOut.of_detail(detail.incident, detail.timeline, detail.participants)
    )


@router.post("/{incident}/participants", response_model=ParticipantsOut, status_code=201)
def add_participant(
    incident: Ref, body: ParticipantCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Let someone see and follow the incident (what makes a restricted incident visible to a
    person who holds no role and was not paged). Adding someone twice changes nothing."""
    found = c.incidents.add_participant(who, incident, body.username, via)
    return json_response(ParticipantsOut.of(found), 201)


@router.post("/{incident}/acknowledge", response_model=IncidentOut)
def acknowledge(incident: Ref, c: ContainerDep, who: PrincipalDep, via: ViaDep) -> Response:
    """Record that someone is responding. Acknowledging again changes nothing."""
    return json_response(IncidentOut.of(c.incidents.acknowledge(who, incident, via)))


@router.post("/{incident}/updates", response_model=IncidentOut, status_code=201)
def post_update(
    incident: Ref, body: UpdateCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Post a status update, optionally changing the status."""
    changed = c.incidents.post_update(
        who,
        incident,
        message=body.message,
        visibility=body.visibility,
        status=body.status,
        via=via,
    )
    return json_response(IncidentOut.of(changed), 201)


@router.post("/{incident}/severity", response_model=IncidentOut)
def change_severity(
    incident: Ref, body: SeverityPatch, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Move the incident to another severity level; a reason is required."""
    changed = c.incidents.change_severity(
        who, incident, severity=body.severity, reason=body.reason, via=via
    )
    return json_response(IncidentOut.of(changed))


@router.post("/{incident}/upgrade-proposal", response_model=IncidentOut)
def answer_upgrade(
    incident: Ref, body: UpgradeAnswer, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Answer the upgrade Radar proposed: accept it (the incident moves to the proposed level,
    as your decision) or decline it (the level stays). With nothing proposed: 422, field
    `accept`."""
    changed = c.incidents.answer_upgrade(who, incident, accept=body.accept, via=via)
    return json_response(IncidentOut.of(changed))


@router.put("/{incident}/roles/{role}", response_model=IncidentOut)
def assign_role(
    incident: Ref, role: Role, body: RolePatch, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Give a role (commander, communications_lead, deputy) to a person, or `null` to clear it."""
    changed = c.incidents.assign_role(who, incident, role=role, assignee=body.assignee, via=via)
    return json_response(IncidentOut.of(changed))


@router.post("/{incident}/resolve", response_model=IncidentOut)
def resolve(
    incident: Ref, body: ResolveCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Resolve with a summary of what happened and what fixed it."""
    changed = c.incidents.resolve(
        who, incident, summary=body.summary, visibility=body.visibility, via=via
    )
    return json_response(IncidentOut.of(changed))


@router.post("/{incident}/reopen", response_model=IncidentOut)
def reopen(
    incident: Ref, body: ReasonCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Reopen a resolved incident; it needs a new acknowledgement."""
    return json_response(
        IncidentOut.of(c.incidents.reopen(who, incident, reason=body.reason, via=via))
    )


@router.post("/{incident}/close", response_model=IncidentOut)
def close(incident: Ref, c: ContainerDep, who: PrincipalDep, via: ViaDep) -> Response:
    """Close a resolved incident for good."""
    return json_response(IncidentOut.of(c.incidents.close(who, incident, via)))


@router.post("/{incident}/decline", response_model=IncidentOut)
def decline(
    incident: Ref, body: DeclineCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Triage outcome: not an incident. The reason (and ticket link) stay searchable."""
    changed = c.incidents.decline(
        who, incident, reason=body.reason, ticket_url=body.ticket_url, via=via
    )
    return json_response(IncidentOut.of(changed))


@router.get("/{incident}/plan", response_model=PlanOut)
def show_plan(incident: Ref, c: ContainerDep, who: PrincipalDep) -> Response:
    """What the response will do next, when and why (held steps included), and what it sent."""
    view = c.engine.plan(who, incident)
    out = PlanOut(
        incident=view.incident.reference,
        severity=view.incident.severity,
        status=view.incident.status.value,
        pending=[PlanItemOut.of(i) for i in view.items],
        notifications=[NotificationOut.of(n, view.attempts.get(n.id)) for n in view.notifications],
    )
    return json_response(out)
