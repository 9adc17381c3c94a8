"""Incident request and response bodies. Inputs refuse unknown fields and wrong types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from radar.domain import acknowledgement as acks
from radar.domain import incident as inc
from radar.domain import wording
from radar.domain.events import TimelineEntry
from radar.domain.incident import Incident, Via, Visibility
from radar.domain.lifecycle import Status
from radar.domain.roles import Role

Title = Annotated[StrictStr, Field(min_length=1, max_length=inc.TITLE_MAX)]
Text = Annotated[StrictStr, Field(max_length=inc.TEXT_MAX)]
RequiredText = Annotated[StrictStr, Field(min_length=1, max_length=inc.TEXT_MAX)]
Name = Annotated[StrictStr, Field(min_length=1, max_length=inc.NAME_MAX)]
Ident = Annotated[StrictStr, Field(min_length=1, max_length=63)]
Url = Annotated[StrictStr, Field(max_length=2000, pattern=r"^https?://\S+$")]
Words = Callable[[TimelineEntry], wording.Worded]  # an entry in words


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentCreate(Input):
    title: Title
    service: Ident = Field(description="A service id from the policy.")
    severity: Ident | None = Field(
        None,
        description="A severity id from the policy, such as `sev2`. Required, unless "
        "`not_an_incident` is given (then the policy's least severe level is recorded).",
    )
    description: Text = ""
    reporter: Name | None = Field(
        None, description="Who reported it, when not the caller (say, a customer-support agent)."
    )
    restricted: StrictBool = False
    drill: StrictBool = False
    triage_answers: list[StrictInt] | None = Field(
        None,
        max_length=100,
        description="The answers given to the severity guide (`POST /api/v1/triage`).",
    )
    severity_reason: Text | None = Field(
        None, description="Required when `severity` differs from the guide's suggestion."
    )
    not_an_incident: DeclineCreate | None = Field(
        None,
        description="Record the report as not an incident, as the web's report form does when "
        "the guide says so: declared and declined at once (status `declined`), with this "
        "reason and ticket; no response starts, and it stays on record and searchable.",
    )


class UpdateCreate(Input):
    message: RequiredText
    visibility: Visibility = Visibility.INTERNAL
    status: Status | None = Field(
        None, description="Move to this working status (or `resolved`) with the update."
    )


class SeverityPatch(Input):
    severity: Ident
    reason: RequiredText


class UpgradeAnswer(Input):
    accept: StrictBool = Field(
        description="`true` moves the incident to the level Radar proposed, as your decision; "
        "`false` keeps its level, and Radar asks again only after another full upgrade interval."
    )


class RolePatch(Input):
    assignee: Name | None = Field(description="The person; `null` leaves the role unassigned.")


class ResolveCreate(Input):
    summary: RequiredText
    visibility: Visibility = Visibility.INTERNAL


class ReasonCreate(Input):
    reason: RequiredText


class DeclineCreate(Input):
    reason: RequiredText
    ticket_url: Url | None = None


class ReportAnywayCreate(Input):
    severity: Ident = Field(description="The level it is reported at, a severity id.")
    reason: RequiredText = Field(description="Why it is an incident after all.")


class AcknowledgementOut(BaseModel):
    by: str
    at: datetime
    via: Via


class IncidentOut(BaseModel):
    id: int
    reference: str
    title: str
    description: str
    service: str
    severity: str
    status: Status
    reporter: str
    restricted: bool
    drill: bool
    declared_at: datetime
    updated_at: datetime
    version: int
    policy_version: int | None
    acknowledgement: AcknowledgementOut | None = Field(
        description="The acknowledgement that counts now; `null` before anyone acknowledged, "
        "after a reopen, and after a move to a level that asks for a fresh one."
    )
    acknowledgement_text: str = Field(
        description="The acknowledgement in words, with what came before: `acknowledged by "
        "Laura Gómez (web)`, `acknowledged at Sev2 - Major by Laura Gómez (web); Sev1 - Critical "
        "not yet acknowledged`, `not yet acknowledged`, `never acknowledged` (ended), `not "
        "needed: not an incident` (declined)."
    )
    awaiting_acknowledgement: bool = Field(
        description="`true` while the incident is open and nobody has acknowledged it at its "
        "level since it last needed it; never for a resolved, closed or declined one."
    )
    roles: dict[Role, str]
    resolved_at: datetime | None
    resolution_summary: str | None
    closed_at: datetime | None
    decline_reason: str | None
    ticket_url: str | None
    proposed_severity: str | None = Field(
        description="A level Radar proposes instead of upgrading on its own (the incident is "
        "being worked on), waiting for a person's answer; `null` when nothing is proposed."
    )
    proposed_at: datetime | None = Field(description="When Radar proposed it.")
    auto_upgrade: bool = Field(
        description="`false` once a person moved the incident to a less severe level: Radar "
        "no longer upgrades it (or proposes to) on its own."
    )
    allowed_actions: list[str]

    @classmethod
    def of(cls, i: Incident, acknowledged: acks.Words | None = None) -> IncidentOut:
        """``acknowledged`` words the acknowledgement with its history (read from the
        timeline); without it, from the incident alone (enough for a new incident)."""
        ack = i.acknowledgement
        words = acknowledged or acks.standing(i, ()).words()
        assert i.id is not None
        return cls(
            id=i.id,
            reference=i.reference,
            title=i.title,
            description=i.description,
            service=i.service,
            severity=i.severity,
            status=i.status,
            reporter=i.reporter,
            restricted=i.restricted,
            drill=i.drill,
            declared_at=i.declared_at,
            updated_at=i.updated_at,
            version=i.version,
            policy_version=i.policy_version,
            acknowledgement=AcknowledgementOut(by=ack.by, at=ack.at, via=ack.via) if ack else None,
            acknowledgement_text=words.text,
            awaiting_acknowledgement=words.awaiting,
            roles=dict(i.roles),
            resolved_at=i.resolved_at,
            resolution_summary=i.resolution_summary,
            closed_at=i.closed_at,
            decline_reason=i.decline_reason,
            ticket_url=i.ticket_url,
            proposed_severity=i.proposed_severity,
            proposed_at=i.proposed_at,
            auto_upgrade=i.auto_upgrade,
            allowed_actions=inc.available_actions(i),
        )


class TimelineEntryOut(BaseModel):
    id: int | None
    at: datetime
    kind: str
    actor: str
    via: str
    field: str | None
    old: str | None
    new: str | None
    message: str | None
    visibility: str
    text: str = Field(
        description="The entry in words, as every Radar surface shows it: what changed, then "
        "why (`Severity Sev2 - Major → Sev1 - Critical: card numbers in the logs`). An "
        "instant in it is in UTC; `due` gives it for showing in another zone."
    )
    what: str = Field(description="What changed or happened (`Resolved`, `Public update`).")
    why: str | None = Field(description="The reason, summary or message that came with it.")
    due: datetime | None = Field(
        description="The instant `what` ends with (`Next update due by`), else null."
    )
    public: bool = Field(description="Published on the status page too.")

    @classmethod
    def of(cls, e: TimelineEntry, words: Words = wording.word) -> TimelineEntryOut:
        """``words``: ``wording.word``, or ``wording.for_policy(...)`` to name people and levels."""
        w = words(e)
        return cls(
            id=e.id,
            at=e.at,
            kind=e.kind,
            actor=e.actor,
            via=e.via,
            field=e.field,
            old=e.old,
            new=e.new,
            message=e.message,
            visibility=e.visibility,
            text=w.text(),
            what=w.what,
            why=w.why,
            due=w.due,
            public=w.public,
        )


class ParticipantOut(BaseModel):
    username: str
    why: str = Field(description="reporter, role, paged or added.")


class ParticipantsOut(BaseModel):
    participants: list[ParticipantOut]

    @classmethod
    def of(cls, found: list[tuple[str, str]]) -> ParticipantsOut:
        return cls(participants=[ParticipantOut(username=u, why=w) for u, w in found])


class ParticipantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(
        min_length=1, max_length=100, description="An account, or a person of the policy."
    )


class IncidentDetailOut(IncidentOut):
    timeline: list[TimelineEntryOut]
    participants: list[ParticipantOut] = Field(
        description="Who takes part: for a restricted incident, who besides admins may see it."
    )

    @classmethod
    def of_detail(
        cls,
        i: Incident,
        timeline: list[TimelineEntry],
        participants: list[tuple[str, str]],
        words: Words = wording.word,
        acknowledged: acks.Words | None = None,
    ) -> IncidentDetailOut:
        fields = IncidentOut.of(i, acknowledged).__dict__
        return cls(
            **fields,
            timeline=[TimelineEntryOut.of(e, words) for e in timeline],
            participants=ParticipantsOut.of(participants).participants,
        )


class IncidentListOut(BaseModel):
    items: list[IncidentOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next, older page.")
