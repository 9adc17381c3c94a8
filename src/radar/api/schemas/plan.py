"""The response plan of an incident: what Radar will do, when and why; what it has sent."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from radar.domain.notification import Attempt, Notification
from radar.domain.plan import PlanItem


class PlanItemOut(BaseModel):
    kind: str = Field(description="step, upgrade, update_due, update_overdue or roles_missing.")
    level: str
    step: int | None = Field(None, description="The step's position in its level, from 1.")
    repeat: int | None = Field(None, description="0 for the first round, then 1, 2, ...")
    what: str
    action: str = Field(description="Who is told what, or what changes.")
    condition: str | None = Field(None, description="What would cancel it first.")
    due_at: datetime = Field(description="When it falls due by the plan.")
    runs_at: datetime = Field(description="When it will run: later than due_at when held.")
    held: str | None = Field(
        None, description="Why it waits; it runs at runs_at (the instant, in UTC, as every time)."
    )

    @classmethod
    def of(cls, item: PlanItem) -> PlanItemOut:
        t = item.timer
        is_step = t.kind.value == "step"
        return cls(
            kind=t.kind.value,
            level=t.level,
            step=t.step + 1 if is_step else None,
            repeat=t.repeat if is_step else None,
            what=item.what,
            action=item.action,
            condition=item.condition,
            due_at=t.first_due,
            runs_at=item.runs_at,
            held=item.held,
        )


class AttemptOut(BaseModel):
    at: datetime | None
    channel: str
    outcome: str = Field(
        description="sent, failed, skipped or updated; later word from the provider: ringing, "
        "answered, no-answer, busy, pressed 1, delivered, undelivered ..."
    )
    detail: str
    provider_id: str | None = Field(None, description="The provider's id: Slack ts, Twilio SID.")

    @classmethod
    def of(cls, a: Attempt) -> AttemptOut:
        return cls(
            at=a.at,
            channel=a.channel,
            outcome=a.outcome,
            detail=a.detail,
            provider_id=a.provider_id,
        )


class NotificationOut(BaseModel):
    key: str = Field(description="Natural key; the same key is never queued twice.")
    target: str
    recipient: str = Field(description="Who the target meant at the time.")
    channels: list[str] = Field(description="The first, then the fallbacks in order.")
    subject: str
    body: str
    state: str = Field(description="pending, sent or failed.")
    queued_at: datetime
    attempts: int
    sent_at: datetime | None
    channel: str | None = Field(None, description="The channel that carried it.")
    last_error: str | None
    provider_id: str | None = Field(None, description="The provider's id for what was sent.")
    history: list[AttemptOut] = Field(
        default_factory=list, description="Each try on each channel, and what came of it."
    )

    @classmethod
    def of(cls, n: Notification, attempts: list[Attempt] | None = None) -> NotificationOut:
        return cls(
            key=n.key,
            target=n.target,
            recipient=n.label,
            channels=[c.value for c in n.channels],
            subject=n.subject,
            body=n.body,
            state=n.state.value,
            queued_at=n.created_at,
            attempts=n.attempts,
            sent_at=n.sent_at,
            channel=n.channel,
            last_error=n.last_error,
            provider_id=n.provider_id,
            history=[AttemptOut.of(a) for a in attempts or []],
        )


class PlanOut(BaseModel):
    incident: str
    severity: str
    status: str
    pending: list[PlanItemOut] = Field(description="What will happen, in order.")
    notifications: list[NotificationOut] = Field(description="What was queued, oldest first.")
