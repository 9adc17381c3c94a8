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
    ReportAnywayCreate,
    ResolveCreate,
    RolePatch,
    SeverityPatch,
    UpdateCreate,
    UpgradeAnswer,
)
from radar.api.schemas.plan import NotificationOut, PlanItemOut, PlanOut
from radar.api.schemas.roles import HolderOut, RoleAssignedOut, RoleCandidatesOut
from radar.bootstrap import Container
from radar.domain import wording
from radar.domain.access import Principal
from radar.domain.errors import InvalidInput
from radar.domain.incident import Incident
from radar.domain.lifecycle import Status
from radar.domain.listing import MAX_PAGE, IncidentFilter
from radar.domain.roles import Role
from radar.services.incidents import Declaration

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
Ref = Annotated[str, "INC-42 or 42"]


@router.post("", status_code=201, response_model=IncidentOut)
def declare(body: IncidentCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep) -> Response:
    """Declare an incident. It starts in triage (`reported`). With `not_an_incident`, record
    the report as declined instead: no response starts."""
    fields = body.model_dump(exclude={"not_an_incident"})
    answers = fields.pop("triage_answers")
    declined = body.not_an_incident
    if body.severity is None and declined is None:
        raise InvalidInput("this field is required (or give `not_an_incident`)", field="severity")
    declaration = Declaration(
        **{**fields, "severity": body.severity or ""},
        triage_answers=tuple(answers) if answers is not None else None,
    )
    if declined is not None:
        incident = c.incidents.report_not_an_incident(
            who, declaration, reason=declined.reason, ticket_url=declined.ticket_url, via=via
        )
    else:
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
        Query(
            max_length=200,
            description="Text, in any case, in the title, description, decline reason or "
            "resolution summary, or in the updates, resolution summaries and reasons for a "
            "severity change or a reopening on the timeline.",
        ),
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
    items = [IncidentOut.of(i, found.acknowledgements.get(i.id or 0)) for i in found.items]
    return json_response(IncidentListOut(items=items, next_cursor=found.next_cursor))


@router.get("/{incident}", response_model=IncidentDetailOut)
def show(incident: Ref, c: ContainerDep, who: PrincipalDep) -> Response:
    """One incident with its whole timeline, oldest entry first, each entry also in words."""
    detail = c.incidents.get(who, incident)
    words = wording.for_policy(c.policies.current().policy)
    return json_response(
        IncidentDetailOut.of_detail(
            detail.incident, detail.timeline, detail.participants, words, detail.acknowledgement
        )
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
    return json_response(_out(c, who, c.incidents.acknowledge(who, incident, via)))


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
    return json_response(_out(c, who, changed), 201)


@router.post("/{incident}/severity", response_model=IncidentOut)
def change_severity(
    incident: Ref, body: SeverityPatch, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Move the incident to another severity level; a reason is required."""
    changed = c.incidents.change_severity(
        who, incident, severity=body.severity, reason=body.reason, via=via
    )
    return json_response(_out(c, who, changed))


@router.post("/{incident}/upgrade-proposal", response_model=IncidentOut)
def answer_upgrade(
    incident: Ref, body: UpgradeAnswer, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Answer the upgrade Radar proposed: accept it (the incident moves to the proposed level,
    as your decision) or decline it (the level stays). With nothing proposed: 422, field
    `accept`."""
    changed = c.incidents.answer_upgrade(who, incident, accept=body.accept, via=via)
    return json_response(_out(c, who, changed))


@router.put("/{incident}/roles/{role}", response_model=RoleAssignedOut)
def assign_role(
    incident: Ref, role: Role, body: RolePatch, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Give a role (commander, communications_lead, deputy) to someone Radar knows, or `null`
    to clear it. `assignee` is the id of a person of the policy or of an enabled account (their
    name or Slack id also finds them); anyone else is refused with 422, field `assignee`, and
    the closest matches. `holder` says who holds the role now."""
    changed = c.incidents.assign_role(who, incident, role=role, assignee=body.assignee, via=via)
    known = c.incidents.role_candidates(who, incident)
    return json_response(RoleAssignedOut.assigned(changed, role, known))


@router.get("/{incident}/role-candidates", response_model=RoleCandidatesOut)
def role_candidates(incident: Ref, c: ContainerDep, who: PrincipalDep) -> Response:
    """Who may hold a role on this incident, by name: the people of the running policy and the
    enabled accounts. Send one's `id` as `assignee`."""
    known = c.incidents.role_candidates(who, incident)
    return json_response(RoleCandidatesOut(items=[HolderOut.of(h) for h in known]))


@router.post("/{incident}/resolve", response_model=IncidentOut)
def resolve(
    incident: Ref, body: ResolveCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Resolve with a summary of what happened and what fixed it."""
    changed = c.incidents.resolve(
        who, incident, summary=body.summary, visibility=body.visibility, via=via
    )
    return json_response(_out(c, who, changed))


@router.post("/{incident}/reopen", response_model=IncidentOut)
def reopen(
    incident: Ref, body: ReasonCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Reopen a resolved incident; it needs a new acknowledgement."""
    return json_response(
        _out(c, who, c.incidents.reopen(who, incident, reason=body.reason, via=via))
    )


@router.post("/{incident}/close", response_model=IncidentOut)
def close(incident: Ref, c: ContainerDep, who: PrincipalDep, via: ViaDep) -> Response:
    """Close a resolved incident for good."""
    return json_response(_out(c, who, c.incidents.close(who, incident, via)))


@router.post("/{incident}/decline", response_model=IncidentOut)
def decline(
    incident: Ref, body: DeclineCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """Triage outcome: not an incident. The reason (and ticket link) stay searchable."""
    changed = c.incidents.decline(
        who, incident, reason=body.reason, ticket_url=body.ticket_url, via=via
    )
    return json_response(IncidentOut.of(changed))


@router.post("/{incident}/report-anyway", response_model=IncidentOut)
def report_anyway(
    incident: Ref, body: ReportAnywayCreate, c: ContainerDep, who: PrincipalDep, via: ViaDep
) -> Response:
    """A declined report is an incident after all: back in triage (`reported`) at `severity`,
    with the reason on the timeline, and its response starts as a declaration's would. Needs
    the permission to report; 409 unless the incident is `declined`."""
    changed = c.incidents.report_anyway(
        who, incident, severity=body.severity, reason=body.reason, via=via
    )
    return json_response(_out(c, who, changed))


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


def _out(c: Container, who: Principal, changed: Incident) -> IncidentOut:
    """A changed incident, with its acknowledgement worded from its timeline."""
    return IncidentOut.of(changed, c.incidents.acknowledgement(who, changed))
