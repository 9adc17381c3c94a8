"""/api/v1/policy: the process that runs now, its versions, and applying a new one (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from radar.api.deps import ContainerDep, PrincipalDep
from radar.api.responses import json_response
from radar.api.schemas.policy import (
    PolicyApplied,
    PolicyCreate,
    PolicyOut,
    PolicyVersionOut,
    ProblemOut,
    ServiceOut,
    SeverityOut,
    StepOut,
    TeamOut,
)
from radar.domain.access import Permission
from radar.domain.policy import Policy, Team
from radar.domain.roles import TeamRole
from radar.domain.severity import Severity
from radar.services.access import require, require_admin
from radar.services.policies import PolicyVersion, StoredPolicy

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])


def _version(s: StoredPolicy) -> PolicyVersionOut:
    return PolicyVersionOut(
        version=s.id,
        applied_at=s.created_at,
        applied_by=s.author,
        filename=s.filename,
        sha256=s.content_hash,
    )


def _severity(s: Severity) -> SeverityOut:
    up = s.upgrade
    return SeverityOut(
        id=s.id,
        name=s.name,
        definition=s.definition,
        examples=list(s.examples),
        typical_response=s.typical_response,
        hours=s.response.hours.value,
        steps=[
            StepOut(
                after_seconds=int(step.after.total_seconds()),
                notify=[str(n.target) for n in step.notify],
                via=[[c.value for c in n.via] for n in step.notify],
                unless_acknowledged=step.unless_acknowledged,
            )
            for step in s.response.steps
        ],
        repeat=s.response.repeat,
        updates_every_seconds=int(s.updates_every.total_seconds()) if s.updates_every else None,
        upgrade={
            "after_seconds": int(up.after.total_seconds()),
            "counting": up.counting.value,
            "to": up.to,
        }
        if up
        else None,
        required_roles=[r.value for r in s.required_roles],
        postmortem_due_seconds=int(s.postmortem.due_within.total_seconds())
        if s.postmortem and s.postmortem.required
        else None,
    )


def _team(t: Team) -> TeamOut:
    return TeamOut(
        id=t.id,
        name=t.name,
        members=list(t.members),
        engineering_manager=t.roles.get(TeamRole.ENGINEERING_MANAGER),
        product_owner=t.roles.get(TeamRole.PRODUCT_OWNER),
        team_lead=t.roles.get(TeamRole.TEAM_LEAD),
        slack_channel=t.slack_channel,
        calendar=t.calendar,
    )


def _policy(v: PolicyVersion) -> PolicyOut:
    p: Policy = v.policy
    return PolicyOut(
        **_version(v.stored).model_dump(),
        incident_definition=p.incident_definition,
        emergency_test=p.emergency_test,
        severities=[_severity(s) for s in p.severities],
        services=[
            ServiceOut(
                id=s.id,
                name=s.name,
                description=s.description,
                owner=s.owner,
                status_page_component=s.status_page_component,
            )
            for s in p.services
        ],
        teams=[_team(t) for t in p.teams],
        has_guide=p.guide is not None,
    )


@router.get("", response_model=PolicyOut)
def current(c: ContainerDep, who: PrincipalDep) -> Response:
    """The running policy: the incident definition, severities, services and teams."""
    require(who, Permission.READ)
    return json_response(_policy(c.policies.current()))


@router.get("/versions", response_model=list[PolicyVersionOut])
def versions(c: ContainerDep, who: PrincipalDep) -> list[PolicyVersionOut]:
    """Applied versions, newest first."""
    require(who, Permission.READ)
    return [_version(s) for s in c.policies.history()]


@router.post("", response_model=PolicyApplied, status_code=201)
def apply(body: PolicyCreate, c: ContainerDep, who: PrincipalDep) -> Response:
    """Apply a new policy version (admins). A file with any mistake is refused whole (422,
    every problem with file:line:column) and the running version stays."""
    require_admin(who)
    result = c.policies.apply(
        body.content, filename=body.filename, author=who.user.username, if_changed=body.if_changed
    )
    out = PolicyApplied(
        **_version(result.version.stored).model_dump(),
        created=result.created,
        warnings=[ProblemOut(field=w.field, message=w.message) for w in result.warnings],
        changes=list(result.changes),
    )
    return json_response(out, 201 if result.created else 200)
