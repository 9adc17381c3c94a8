"""/api/v1/triage: walk the severity guide and see what would happen next."""

from __future__ import annotations

from fastapi import APIRouter, Response

from radar.api.deps import ContainerDep, PrincipalDep
from radar.api.responses import json_response
from radar.api.schemas.policy import (
    AnswerOut,
    PathStepOut,
    QuestionOut,
    TriageCreate,
    TriageOut,
)
from radar.domain.access import Permission
from radar.services.access import require

router = APIRouter(prefix="/api/v1/triage", tags=["triage"])


@router.post("", response_model=TriageOut)
def walk(body: TriageCreate, c: ContainerDep, who: PrincipalDep) -> Response:
    """Send the answers so far (indexes, from the first question). The reply is either the next
    question or the outcome: a severity with its examples and response, or not an incident."""
    require(who, Permission.READ)
    found = c.triage.suggest(body.answers, body.service)
    o = found.outcome
    question = None
    if o.next_question is not None:
        q = o.next_question
        question = QuestionOut(
            id=q.id,
            text=q.text,
            help=q.help,
            answers=[
                AnswerOut(index=n, label=a.label, examples=list(a.examples))
                for n, a in enumerate(q.answers)
            ],
        )
    out = TriageOut(
        complete=o.complete,
        next_question=question,
        path=[PathStepOut(question=s.question.text, answer=s.answer.label) for s in o.path],
        severity=o.severity,
        severity_name=found.severity_name,
        not_an_incident=o.not_an_incident,
        examples=list(found.examples),
        response=found.response,
    )
    return json_response(out)
