"""The incident room: one incident with its actions, live timeline, response plan and each
notification's delivery. Every action is a plain form post answered with a redirect back
(post/redirect/get); a refused action shows the page again with the reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.domain import incident as inc
from radar.domain import wording
from radar.domain.access import Permission
from radar.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    RadarError,
)
from radar.domain.incident import Via, Visibility
from radar.domain.lifecycle import Action, Status, status_changes
from radar.domain.listing import IncidentFilter
from radar.domain.roles import Role
from radar.services.sessions import WebSession
from radar.web import room
from radar.web.auth import container_of, posted, signed_in
from radar.web.pages import page

router = APIRouter(prefix="/incidents", include_in_schema=False)
Session = Annotated[WebSession, Depends(signed_in)]

UPDATE_TEMPLATES = (
    "We are investigating reports of a problem.",
    "We are still investigating.",
    "We have identified the cause and are working on a fix.",
    "A fix has been deployed; we are monitoring the results.",
)
# What the room's header offers; the rest are rarer and have their own place (reporting a
# declined report anyway has its own form where the update form would be).
EVERYDAY = frozenset(
    {a.value for a in (Action.ACKNOWLEDGE, Action.POST_UPDATE, Action.REPORT_ANYWAY)}
)
REFUSED = {InvalidInput: 422, InvalidTransition: 409, Conflict: 409, Forbidden: 403, NotFound: 404}


def _status_of(exc: RadarError) -> int:
    return next((s for cls, s in REFUSED.items() if isinstance(exc, cls)), 400)


async def _room(
    request: Request,
    session: WebSession,
    reference: str,
    error: str = "",
    status: int = 200,
    draft: str = "",
    opened: str = "",
) -> HTMLResponse:
    c = container_of(request)
    detail = await run_in_threadpool(c.incidents.get, session.principal, reference)
    plan = await run_in_threadpool(c.engine.plan, session.principal, reference)
    version = await run_in_threadpool(c.board.version, session.principal, reference)
    alerts = await run_in_threadpool(c.ingest.of_incident, session.principal, reference)
    channel = await run_in_threadpool(c.slack.channel_of, session.principal, reference)
    holders = await run_in_threadpool(c.incidents.role_candidates, session.principal, reference)
    policy = (await run_in_threadpool(c.policies.current)).policy
    i = detail.incident
    proposed = [e for e in detail.timeline if e.kind == "upgrade_proposed"]
    words = wording.for_policy(policy)
    actions = _offered(i, session)
    return page(
        request,
        "incident.html",
        session,
        status,
        page="incident",
        i=i,
        # Each entry with its words (domain/wording.py), newest first, in bursts (web/room.py).
        timeline=room.grouped(room.Entry(e, words(e)) for e in reversed(detail.timeline)),
        plan=plan,
        update_due=room.update_due(plan.items),
        tab_title=room.tab_title(i),
        tab_alert=bool(detail.acknowledgement and detail.acknowledgement.awaiting),
        policy=policy,
        severity_name={s.id: s.name for s in policy.severities},
        people={p.id: p.name for p in policy.people},
        service_name={s.id: s.name for s in policy.services},
        actions=actions,
        # The rarer actions, in their own place below the header's everyday two.
        rarer=actions - EVERYDAY,
        roles=list(Role),
        holders=holders,  # who may hold a role: the assign form's picker
        # What "Status after this update" offers: only the moves the lifecycle allows now.
        statuses=status_changes(i.status),
        acknowledged=detail.acknowledgement,
        templates=UPDATE_TEMPLATES,
        version=version,
        alerts=alerts,
        slack_channel=channel,
        participants=detail.participants,
        # Why Radar proposes an upgrade, while one waits: the latest proposal's reason.
        proposal_reason=(
            wording.word(proposed[-1]).why if proposed and i.proposed_severity else None
        ),
        can_respond=session.principal.can_write,
        error=error,
        draft=draft,
        opened=opened,  # the rarer action whose form was refused: shown open, to try again
    )


def _offered(i: inc.Incident, session: WebSession) -> set[str]:
    """What the room offers: what the incident allows now, less reporting it anyway for
    someone who may not report."""
    actions = set(inc.available_actions(i))
    if not session.principal.can_write:  # a viewer reads: nothing offered is then refused
        actions &= {Action.REPORT_ANYWAY.value}
    if not session.principal.may(Permission.REPORT):
        actions.discard(Action.REPORT_ANYWAY.value)
    return actions


@router.get("", response_class=HTMLResponse)
async def every(
    request: Request,
    session: Session,
    state: Annotated[str, Query(pattern="^(open|closed|all)$")] = "all",
    severity: Annotated[str, Query(max_length=63)] = "",
    service: Annotated[str, Query(max_length=63)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """Every incident, newest first, 50 to a page, with filters; "Older" follows the cursor."""
    c = container_of(request)
    flt = IncidentFilter(
        open={"open": True, "closed": False}.get(state),
        severities=(severity,) if severity else (),
        services=(service,) if service else (),
        text=q.strip() or None,
    )
    found = await run_in_threadpool(
        c.incidents.list, session.principal, flt, limit=50, cursor=cursor or None
    )
    policy = (await run_in_threadpool(c.policies.current)).policy
    chosen = {"state": state, "severity": severity, "service": service, "q": q}
    older = urlencode({**chosen, "cursor": found.next_cursor}) if found.next_cursor else ""
    return page(
        request,
        "incidents.html",
        session,
        page="incidents",
        found=found,
        policy=policy,
        severity_name={s.id: s.name for s in policy.severities},
        chosen=chosen,
        older=older,
        first=not cursor,
    )


@router.get("/{reference}", response_class=HTMLResponse)
async def show(
    request: Request, session: Session, reference: str, template: int | None = None
) -> HTMLResponse:
    """The page; ``?template=N`` starts the update form from the N-th canned message."""
    chosen = template if template is not None and 0 <= template < len(UPDATE_TEMPLATES) else None
    draft = UPDATE_TEMPLATES[chosen] if chosen is not None else ""
    return await _room(request, session, reference, draft=draft)


async def _act(
    request: Request,
    session: WebSession,
    reference: str,
    act: Callable[[dict[str, str]], object],
    form: str = "",
) -> Response:
    """Run ``act`` on the posted fields, then back to the room; a refusal shows the room with
    the reason, and the rarer action's ``form`` open again."""
    fields = await posted(request, session)
    try:
        await run_in_threadpool(act, fields)
    except (InvalidInput, InvalidTransition, Conflict, Forbidden) as exc:
        return await _room(request, session, reference, exc.message, _status_of(exc), opened=form)
    return RedirectResponse(f"/incidents/{reference}", status_code=303)


@router.post("/{reference}/acknowledge")
async def acknowledge(request: Request, session: Session, reference: str) -> Response:
    incidents = container_of(request).incidents
    return await _act(
        request,
        session,
        reference,
        lambda _: incidents.acknowledge(session.principal, reference, Via.WEB),
    )


@router.post("/{reference}/updates")
async def post_update(request: Request, session: Session, reference: str) -> Response:
    incidents = container_of(request).incidents

    def act(f: dict[str, str]) -> object:
        status = f.get("status", "")
        return incidents.post_update(
            session.principal,
            reference,
            message=f.get("message", ""),
            visibility=_visibility(f),
            status=_choice(status, UPDATE_STATUSES, "status", "the status after this update")
            if status
            else None,
            via=Via.WEB,
        )

    return await _act(request, session, reference, act)


@router.post("/{reference}/resolve")
async def resolve(request: Request, session: Session, reference: str) -> Response:
    incidents = container_of(request).incidents

    def act(f: dict[str, str]) -> object:
        return incidents.resolve(
            session.principal,
            reference,
            summary=f.get("summary", ""),
            visibility=_visibility(f),
            via=Via.WEB,
        )

    return await _act(request, session, reference, act, "resolve")


@router.post("/{reference}/reopen")
async def reopen(request: Request, session: Session, reference: str) -> Response:
    incidents = container_of(request).incidents
    return await _act(
        request,
        session,
        reference,
        lambda f: incidents.reopen(
            session.principal, reference, reason=f.get("reason", ""), via=Via.WEB
        ),
        "reopen",
    )


@router.post("/{reference}/close")
async def close(request: Request, session: Session, reference: str) -> Response:
    incidents = container_of(request).incidents
    return await _act(
        request,
        session,
        reference,
        lambda _: incidents.close(session.principal, reference, Via.WEB),
    )


@router.post("/{reference}/severity")
async def change_severity(request: Request, session: Session, reference: str) -> Response:
    incidents = container_of(request).incidents
    return await _act(
        request,
        session,
        reference,
        lambda f: incidents.change_severity(
            session.principal,
            reference,
            severity=f.get("severity", ""),
            reason=f.get("reason", ""),
            via=Via.WEB,
        ),
        "change_severity",
    )


@router.post("/{reference}/upgrade-proposal")
async def answer_upgrade(request: Request, session: Session, reference: str) -> Response:
    """Accept (``answer=accept``) or decline (``answer=decline``) the upgrade Radar proposes."""
    incidents = container_of(request).incidents

    def act(f: dict[str, str]) -> object:
        answer = f.get("answer", "")
        if answer not in ("accept", "decline"):
            raise InvalidInput(
                f"answer the proposed upgrade with accept or decline, not {answer!r}",
                field="answer",
            )
        return incidents.answer_upgrade(
            session.principal, reference, accept=answer == "accept", via=Via.WEB
        )

    return await _act(request, session, reference, act)


@router.post("/{reference}/roles")
async def assign_role(request: Request, session: Session, reference: str) -> Response:
    incidents = container_of(request).incidents

    def act(f: dict[str, str]) -> object:
        return incidents.assign_role(
            session.principal,
            reference,
            role=Role(f.get("role", "")),
            assignee=f.get("assignee", "").strip() or None,
            via=Via.WEB,
        )

    return await _act(request, session, reference, _checked(act), "assign_role")


@router.post("/{reference}/participants")
async def add_participant(request: Request, session: Session, reference: str) -> Response:
    incidents = container_of(request).incidents
    return await _act(
        request,
        session,
        reference,
        lambda f: incidents.add_participant(
            session.principal, reference, f.get("username", ""), Via.WEB
        ),
        "add_participant",
    )


@router.post("/{reference}/decline")
async def decline(request: Request, session: Session, reference: str) -> Response:
    """A report in triage is not an incident: kept on record, with why and a ticket link."""
    incidents = container_of(request).incidents
    return await _act(
        request,
        session,
        reference,
        lambda f: incidents.decline(
            session.principal,
            reference,
            reason=f.get("reason", ""),
            ticket_url=f.get("ticket_url", "").strip() or None,
            via=Via.WEB,
        ),
        "decline",
    )


@router.post("/{reference}/report-anyway")
async def report_anyway(request: Request, session: Session, reference: str) -> Response:
    """A declined report is an incident after all: at the level chosen, with a reason."""
    incidents = container_of(request).incidents
    return await _act(
        request,
        session,
        reference,
        lambda f: incidents.report_anyway(
            session.principal,
            reference,
            severity=f.get("severity", ""),
            reason=f.get("reason", ""),
            via=Via.WEB,
        ),
    )


E = TypeVar("E", bound=StrEnum)
# The statuses an update may carry (the lifecycle then says which of them are allowed now).
UPDATE_STATUSES = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING, Status.RESOLVED)


def _choice(value: str, choices: Sequence[E], field: str, what: str) -> E:
    """A form's choice among ``choices``; anything else is refused in words that name them
    (never a Python error about an enum)."""
    for choice in choices:
        if choice.value == value:
            return choice
    named = ", ".join(str(c.value) for c in choices)
    raise InvalidInput(f"{what}: {value!r} is not one of {named}", field=field)


def _visibility(fields: dict[str, str]) -> Visibility:
    chosen = fields.get("visibility") or "internal"
    return _choice(chosen, list(Visibility), "visibility", "who sees it")


def _checked(act: Callable[[dict[str, str]], object]) -> Callable[[dict[str, str]], object]:
    """A form's choice that is not one of the offered values is bad input, named."""

    def run(fields: dict[str, str]) -> object:
        try:
            return act(fields)
        except ValueError as exc:
            raise InvalidInput(f"not a valid choice: {exc}") from None

    return run
