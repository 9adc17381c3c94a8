"""What happened to an incident, in the past tense. Each event becomes one timeline entry.

A ``TimelineEntry`` is the stored, append-only form: time, actor, what changed, from what to what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from radar.domain.incident import Actor, Visibility
    from radar.domain.lifecycle import Status
    from radar.domain.roles import Role


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an incident's history. Never edited, never deleted."""

    at: datetime
    kind: str
    actor: str
    via: str
    field: str | None = None
    old: str | None = None
    new: str | None = None
    message: str | None = None
    visibility: str = "internal"
    id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Event:
    at: datetime
    actor: Actor
    kind = "event"

    def entry(self) -> TimelineEntry:
        return self._entry()

    def _entry(
        self,
        *,
        field: str | None = None,
        old: str | None = None,
        new: str | None = None,
        message: str | None = None,
        visibility: str = "internal",
    ) -> TimelineEntry:
        return TimelineEntry(
            at=self.at,
            kind=self.kind,
            actor=self.actor.name,
            via=self.actor.via.value,
            field=field,
            old=old,
            new=new,
            message=message,
            visibility=visibility,
        )


@dataclass(frozen=True, kw_only=True)
class IncidentDeclared(Event):
    severity: str
    reporter: str
    suggested: str | None = None
    reason: str | None = None
    kind = "declared"

    def entry(self) -> TimelineEntry:
        notes = []
        if self.reporter != self.actor.name:
            notes.append(f"reported by {self.reporter}")
        if self.suggested == self.severity:
            notes.append(f"the severity guide suggested {self.suggested}")
        elif self.suggested is not None:
            shown = "not an incident" if self.suggested == "not_an_incident" else self.suggested
            notes.append(
                f"the severity guide suggested {shown}; declared {self.severity} "
                f"because: {self.reason}"
            )
        if self.reason and self.suggested in (None, self.severity):
            notes.append(f"severity reason: {self.reason}")
        message = "; ".join(notes) or None
        return self._entry(field="severity", new=self.severity, message=message)


@dataclass(frozen=True, kw_only=True)
class IncidentAcknowledged(Event):
    kind = "acknowledged"


@dataclass(frozen=True, kw_only=True)
class StatusChanged(Event):
    old: Status
    new: Status
    kind = "status_changed"

    def entry(self) -> TimelineEntry:
        return self._entry(field="status", old=self.old.value, new=self.new.value)


@dataclass(frozen=True, kw_only=True)
class SeverityChanged(Event):
    """``consequence`` says what the move did beyond the level: the acknowledgement kept or
    asked for again, automatic upgrades stopped."""

    old: str
    new: str
    reason: str
    consequence: str = ""
    kind = "severity_changed"

    def entry(self) -> TimelineEntry:
        text = f"{self.reason}. {self.consequence}" if self.consequence else self.reason
        return self._entry(field="severity", old=self.old, new=self.new, message=text)


@dataclass(frozen=True, kw_only=True)
class UpgradeProposed(Event):
    """Radar proposes an upgrade instead of imposing it: the incident is being worked on."""

    old: str
    new: str
    reason: str
    kind = "upgrade_proposed"

    def entry(self) -> TimelineEntry:
        text = f"proposed {self.new} instead of upgrading, as it is being worked on: {self.reason}"
        return self._entry(field="proposed_severity", old=self.old, new=self.new, message=text)


@dataclass(frozen=True, kw_only=True)
class UpgradeDeclined(Event):
    """A person answered Radar's proposed upgrade with no: the level stays."""

    old: str
    new: str
    kind = "upgrade_declined"

    def entry(self) -> TimelineEntry:
        return self._entry(
            field="proposed_severity",
            old=self.new,
            message=f"declined the proposed upgrade to {self.new}; {self.old} stays",
        )


@dataclass(frozen=True, kw_only=True)
class RoleAssigned(Event):
    role: Role
    old: str | None
    new: str | None
    kind = "role_assigned"

    def entry(self) -> TimelineEntry:
        return self._entry(field=f"roles.{self.role.value}", old=self.old, new=self.new)


@dataclass(frozen=True, kw_only=True)
class UpdatePosted(Event):
    message: str
    visibility: Visibility
    kind = "update_posted"

    def entry(self) -> TimelineEntry:
        return self._entry(message=self.message, visibility=self.visibility.value)


@dataclass(frozen=True, kw_only=True)
class IncidentResolved(Event):
    old: Status
    summary: str
    visibility: Visibility
    kind = "resolved"

    def entry(self) -> TimelineEntry:
        return self._entry(
            field="status",
            old=self.old.value,
            new="resolved",
            message=self.summary,
            visibility=self.visibility.value,
        )


@dataclass(frozen=True, kw_only=True)
class IncidentReopened(Event):
    reason: str
    kind = "reopened"

    def entry(self) -> TimelineEntry:
        return self._entry(field="status", old="resolved", new="investigating", message=self.reason)


@dataclass(frozen=True, kw_only=True)
class IncidentDeclined(Event):
    reason: str
    ticket_url: str | None
    kind = "declined"

    def entry(self) -> TimelineEntry:
        text = self.reason if not self.ticket_url else f"{self.reason}\nTicket: {self.ticket_url}"
        return self._entry(field="status", old="reported", new="declined", message=text)


@dataclass(frozen=True, kw_only=True)
class ReportedAnyway(Event):
    """A declined report turned into an incident after all, at the level ``new``: back in
    triage, with its response started. (The level a declined report was recorded at meant
    nothing, so the entry gives only the new one, as a declaration's does.)"""

    new: str
    reason: str
    kind = "reported_anyway"

    def entry(self) -> TimelineEntry:
        return self._entry(field="severity", new=self.new, message=self.reason)


@dataclass(frozen=True, kw_only=True)
class EngineNote(Event):
    """Something the engine did, in one sentence: ``message`` says who, how and why."""

    message: str

    def entry(self) -> TimelineEntry:
        return self._entry(message=self.message)


class Escalated(EngineNote):
    """The engine told people."""

    kind = "escalated"


@dataclass(frozen=True, kw_only=True)
class Held(Event):
    """The engine held a notification until working hours."""

    message: str
    until: datetime
    kind = "held"

    def entry(self) -> TimelineEntry:
        return self._entry(field="due_at", new=_stamp(self.until), message=self.message)


class Reminded(EngineNote):
    """The engine reminded people about an update or a role that is still missing."""

    kind = "reminded"


@dataclass(frozen=True, kw_only=True)
class UpdateExpected(Event):
    """The promise of the next update, renewed by each update."""

    by: datetime
    label: str
    kind = "update_expected"

    def entry(self) -> TimelineEntry:
        return self._entry(
            field="next_update_at", new=_stamp(self.by), message=f"next update by {self.label}"
        )


def _stamp(at: datetime) -> str:
    """UTC, as the API writes every instant: ``2026-11-30T08:00:00Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
