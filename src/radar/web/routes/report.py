"""Report an incident through the severity guide, one question per step (each step a plain
GET form carrying the answers so far), then declare it, or record that it is not an incident."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from radar.domain import incident, triage
from radar.domain.errors import Conflict, Forbidden, InvalidInput
from radar.domain.incident import Via
from radar.domain.policy import Policy
from radar.services.incidents import Declaration
from radar.services.sessions import WebSession
from radar.services.triage import Suggestion
from radar.web.auth import container_of, posted, signed_in
from radar.web.pages import page

router = APIRouter(prefix="/report", include_in_schema=False)
Session = Annotated[WebSession, Depends(signed_in)]
# The longest text each field takes, as the server checks it (the browser stops there too).
LIMITS = {
    "title": incident.TITLE_MAX,
    "description": incident.TEXT_MAX,
    "severity_reason": incident.TEXT_MAX,
    "reason": incident.TEXT_MAX,
    "ticket_url": incident.URL_MAX,
}


def _answers(text: str) -> tuple[int, ...]:
    """``0,1,2`` -> (0, 1, 2); anything else is bad input naming the field."""
    if not text.strip():
        return ()
    try:
        return tuple(int(a) for a in text.split(","))
    except ValueError:
        raise InvalidInput("answers must be numbers separated by commas", field="answers") from None


def step(policy: Policy, answers: tuple[int, ...], suggestion: Suggestion | None) -> str:
    """Where the reporter is: ``Step 2 of up to 6``. The steps are the service, each question
    asked, then the details; while an answer may end the guide sooner, the count is the most
    it can take from here."""
    guide = policy.guide
    if guide is None:
        return ""
    if suggestion is None:  # the service; after it, the questions and the details
        now, after = 1, tuple(n + 1 for n in triage.still_to_ask(guide, guide.start))
    elif (question := suggestion.outcome.next_question) is not None:  # after it: the rest
        now, after = 2 + len(answers), triage.still_to_ask(guide, question.id)
    else:  # the details, last
        now, after = 2 + len(answers), (0, 0)
    fewest, most = now + after[0], now + after[1]
    return f"Step {now} of {most}" if fewest == most else f"Step {now} of up to {most}"


async def _guide(
    request: Request,
    session: WebSession,
    service: str,
    answers: tuple[int, ...],
    *,
    error: str = "",
    status: int = 200,
    form: dict[str, str] | None = None,
    chosen: str = "",
) -> HTMLResponse:
    c = container_of(request)
    policy = (await run_in_threadpool(c.policies.current)).policy
    suggestion = None
    if service:
        suggestion = await run_in_threadpool(c.triage.suggest, answers, service)
    return page(
        request,
        "report.html",
        session,
        status,
        page="report",
        policy=policy,
        service=service,
        answers=answers,
        path=",".join(str(a) for a in answers),
        back=",".join(str(a) for a in answers[:-1]),
        suggestion=suggestion,
        step=step(policy, answers, suggestion),
        limits=LIMITS,
        chosen=chosen,
        error=error,
        form=form or {},
    )


@router.get("", response_class=HTMLResponse)
async def guide(
    request: Request,
    session: Session,
    service: Annotated[str, Query(max_length=63)] = "",
    answers: Annotated[str, Query(max_length=200)] = "",
    chosen: Annotated[str, Query(max_length=63)] = "",
) -> HTMLResponse:
    """``chosen``: the service the reporter picked before going back to the first step."""
    return await _guide(request, session, service, _answers(answers), chosen=chosen)


@router.post("")
async def declare(request: Request, session: Session) -> Response:
    f = await posted(request, session)
    answers = _answers(f.get("answers", ""))
    c = container_of(request)
    data = Declaration(
        title=f.get("title", ""),
        description=f.get("description", ""),
        service=f.get("service", ""),
        severity=f.get("severity", ""),
        restricted=f.get("restricted") == "on",
        drill=f.get("drill") == "on",
        triage_answers=answers,
        severity_reason=f.get("severity_reason", "").strip() or None,
    )
    try:
        if f.get("outcome") == "not_an_incident":
            made = await run_in_threadpool(
                c.incidents.report_not_an_incident,
                session.principal,
                data,
                reason=f.get("reason", ""),
                ticket_url=f.get("ticket_url", "").strip() or None,
                via=Via.WEB,
            )
        else:
            made = await run_in_threadpool(c.incidents.declare, session.principal, data, Via.WEB)
    except (InvalidInput, Conflict, Forbidden) as exc:
        status = 403 if isinstance(exc, Forbidden) else 422
        return await _guide(
            request, session, data.service, answers, error=exc.message, status=status, form=f
        )
    return RedirectResponse(f"/incidents/{made.reference}", status_code=303)
