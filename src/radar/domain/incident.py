"""Incidents and the decisions people make about them.

Every decision is a pure function: it takes the current ``Incident``, the actor and ``now`` and
returns the new ``Incident`` together with the events that explain the change. The service layer
stores both in one transaction; the events become the append-only timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from radar.domain import bidi
from radar.domain import events as ev
from radar.domain.errors import InvalidInput, InvalidTransition
from radar.domain.lifecycle import (
    OPEN_STATUSES,
    Action,
    Status,
    allowed_actions,
    can_change_status,
    in_words,
    is_allowed,
    status_changes,
)
from radar.domain.policy import Policy
from radar.domain.roles import Role

REFERENCE_PREFIX = "INC-"
NOT_AN_INCIDENT = "not_an_incident"
TITLE_MAX = 200
TEXT_MAX = 10_000
NAME_MAX = 200
URL_MAX = 2_000


class Visibility(StrEnum):
    INTERNAL = "internal"
    PUBLIC = "public"


class Via(StrEnum):
    """The interface an action came through."""

    API = "api"
    CLI = "cli"
    WEB = "web"
    SLACK = "slack"
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    ENGINE = "engine"
    INTEGRATION = "integration"  # a monitoring tool, through its integration key


@dataclass(frozen=True)
class Actor:
    """Who did something, and through which interface."""

    name: str
    via: Via = Via.API
    user_id: int | None = None
    username: str | None = None  # the account, when a person acted through one


@dataclass(frozen=True)
class Acknowledgement:
    by: str
    at: datetime
    via: Via


@dataclass(frozen=True)
class Incident:
    id: int | None
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
    version: int = 1
    policy_version: int | None = None
    acknowledgement: Acknowledgement | None = None
    roles: Mapping[Role, str] = field(default_factory=lambda: MappingProxyType({}))
    resolved_at: datetime | None = None
    resolution_summary: str | None = None
    closed_at: datetime | None = None
    decline_reason: str | None = None
    ticket_url: str | None = None
    last_update_at: datetime | None = None  # when people last posted an update
    auto_upgrade: bool = True  # False once a person moved it down: Radar no longer upgrades it
    proposed_severity: str | None = None  # an upgrade waiting for a person's answer
    proposed_at: datetime | None = None

    @property
    def reference(self) -> str:
        return reference_for(self.id) if self.id is not None else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


Change = tuple[Incident, list[ev.Event]]


def reference_for(incident_id: int) -> str:
    return f"{REFERENCE_PREFIX}{incident_id}"


def parse_reference(text: str) -> int | None:
    """``INC-42``, ``inc-42`` or ``42`` -> 42; anything else -> None."""
    raw = text.strip()
    if raw[: len(REFERENCE_PREFIX)].upper() == REFERENCE_PREFIX:
        raw = raw[len(REFERENCE_PREFIX) :]
    if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 18:
        return int(raw)
    return None


def clean_text(value: str, field: str, *, max_len: int, required: bool = True) -> str:
    """Trim ``value`` and drop its bidirectional controls (``domain.bidi``); refuse it empty
    (if required), too long, or with control characters."""
    text = bidi.without_controls(value).strip()
    if required and not text:
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(text) > max_len:
        raise InvalidInput(
            f"{field} is {len(text)} characters long; at most {max_len} are allowed", field=field
        )
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise InvalidInput(f"{field} contains control characters", field=field)
    return text


def available_actions(incident: Incident) -> list[str]:
    """What people can usefully do now: the lifecycle's actions, less acknowledging twice."""
    acked = incident.acknowledgement is not None
    return [a for a in allowed_actions(incident.status) if not (acked and a == Action.ACKNOWLEDGE)]


def _require(incident: Incident, action: Action, what: str) -> None:
    if not is_allowed(incident.status, action):
        allowed = allowed_actions(incident.status)
        raise InvalidTransition(
            f"cannot {what} {incident.reference}: it is {incident.status.value}; "
            f"allowed now: {in_words(allowed)}",
            current_status=incident.status.value,
            allowed_actions=allowed,
        )


def _touch(incident: Incident, now: datetime, **changes: object) -> Incident:
    return replace(incident, updated_at=now, version=incident.version + 1, **changes)  # type: ignore[arg-type]


def declare(
    policy: Policy,
    *,
    title: str,
    service: str,
    severity: str,
    actor: Actor,
    now: datetime,
    reporter: str | None = None,
    description: str = "",
    restricted: bool = False,
    drill: bool = False,
    policy_version: int | None = None,
    suggested_severity: str | None = None,
    severity_reason: str | None = None,
) -> Change:
    """A new incident in triage (``reported``). Severity and service must exist in the policy.

    ``actor`` declares it; ``reporter`` is who reported it when that is someone else (a support
    agent relaying a customer, say). Both are kept: the reporter on the incident, the actor on
    the timeline.

    ``suggested_severity`` is what the severity guide said (or ``NOT_AN_INCIDENT``). Declaring
    something else needs ``severity_reason``; both are recorded.
    """
    incident = Incident(
        id=None,
        title=clean_text(title, "title", max_len=TITLE_MAX),
        description=clean_text(description, "description", max_len=TEXT_MAX, required=False),
        service=policy.service(service).id,
        severity=policy.severity(severity).id,
        status=Status.REPORTED,
        reporter=clean_text(reporter or actor.name, "reporter", max_len=NAME_MAX),
        restricted=restricted,
        drill=drill,
        declared_at=now,
        updated_at=now,
        policy_version=policy_version,
    )
    why = clean_text(severity_reason or "", "severity_reason", max_len=TEXT_MAX, required=False)
    if suggested_severity is not None and suggested_severity != incident.severity and not why:
        shown = "not an incident" if suggested_severity == NOT_AN_INCIDENT else suggested_severity
        raise InvalidInput(
            f"the severity guide suggests {shown}; declaring {incident.severity} needs a reason",
            field="severity_reason",
        )
    event = ev.IncidentDeclared(
        at=now,
        actor=actor,
        severity=incident.severity,
        reporter=incident.reporter,
        suggested=suggested_severity,
        reason=why or None,
    )
    return incident, [event]


def acknowledge(incident: Incident, actor: Actor, now: datetime) -> Change:
    """Record that someone responded. Acknowledging twice changes nothing and records nothing."""
    _require(incident, Action.ACKNOWLEDGE, "acknowledge")
    if incident.acknowledgement is not None:
        return incident, []
    ack = Acknowledgement(by=actor.name, at=now, via=actor.via)
    return _touch(incident, now, acknowledgement=ack), [
        ev.IncidentAcknowledged(at=now, actor=actor)
    ]


def post_update(
    incident: Incident,
    actor: Actor,
    now: datetime,
    *,
    message: str,
    visibility: Visibility = Visibility.INTERNAL,
    status: Status | None = None,
) -> Change:
    """A status update, optionally moving the incident to another working status."""
    _require(incident, Action.POST_UPDATE, "post an update on")
    text = clean_text(message, "message", max_len=TEXT_MAX)
    events: list[ev.Event] = []
    changed = incident
    if status is not None and status != incident.status:
        if status is Status.RESOLVED:
            return resolve(incident, actor, now, summary=text, visibility=visibility)
        if not can_change_status(incident.status, status):
            _refuse_status(incident, status)
        events.append(ev.StatusChanged(at=now, actor=actor, old=incident.status, new=status))
        changed = replace(changed, status=status)
    events.insert(0, ev.UpdatePosted(at=now, actor=actor, message=text, visibility=visibility))
    return _touch(changed, now, last_update_at=now), events


def _refuse_status(incident: Incident, target: Status) -> None:
    allowed = allowed_actions(incident.status)
    moves = " or ".join(s.value for s in status_changes(incident.status))
    can = f"; from {incident.status.value} an update moves it to {moves}" if moves else ""
    raise InvalidTransition(
        f"cannot move {incident.reference} from {incident.status.value} to {target.value}"
        f"{can}; allowed now: {in_words(allowed)}",
        current_status=incident.status.value,
        allowed_actions=allowed,
    )


def change_severity(
    policy: Policy, incident: Incident, actor: Actor, now: datetime, *, severity: str, reason: str
) -> Change:
    """Move to another level. A reason is always required; the same level is refused.

    The acknowledgement is kept, unless the move is to a more severe level that asks for a
    fresh one (``fresh_acknowledgement``): then its steps page people again. A person (not
    Radar) moving it to a less severe level stops Radar's automatic upgrades of it: people know
    better than a timer. A proposed upgrade is settled by any move.
    """
    _require(incident, Action.CHANGE_SEVERITY, "change the severity of")
    target = policy.severity(severity)
    why = clean_text(reason, "reason", max_len=TEXT_MAX)
    if target.id == incident.severity:
        raise InvalidInput(f"{incident.reference} is already {target.id}", field="severity")
    stronger = target.is_more_severe_than(policy.severity(incident.severity))
    ack, auto, notes = incident.acknowledgement, incident.auto_upgrade, []
    if stronger and ack is not None:
        if target.fresh_acknowledgement:
            ack = None
            notes.append(f"{target.name} needs a fresh acknowledgement")
        else:
            notes.append(f"Still acknowledged by {ack.by}")
    if not stronger and actor.via is not Via.ENGINE and auto:
        auto = False
        notes.append("Radar will not upgrade it again on its own; people still can")
    event = ev.SeverityChanged(
        at=now,
        actor=actor,
        old=incident.severity,
        new=target.id,
        reason=why,
        consequence="; ".join(notes),
    )
    changed = _touch(
        incident,
        now,
        severity=target.id,
        acknowledgement=ack,
        auto_upgrade=auto,
        proposed_severity=None,
        proposed_at=None,
    )
    return changed, [event]


def propose_upgrade(
    policy: Policy, incident: Incident, actor: Actor, now: datetime, *, to: str, reason: str
) -> Change:
    """Radar asks instead of upgrading: the incident is being worked on. Proposing what is
    already proposed records nothing."""
    target = policy.severity(to)
    if incident.proposed_severity == target.id:
        return incident, []
    event = ev.UpgradeProposed(
        at=now, actor=actor, old=incident.severity, new=target.id, reason=reason
    )
    return _touch(incident, now, proposed_severity=target.id, proposed_at=now), [event]


def answer_upgrade(
    policy: Policy, incident: Incident, actor: Actor, now: datetime, *, accept: bool
) -> Change:
    """A person accepts Radar's proposed upgrade (the incident moves, as their decision) or
    declines it (the level stays, and Radar asks again only after another full interval)."""
    _require(incident, Action.CHANGE_SEVERITY, "answer the proposed upgrade of")
    proposed = incident.proposed_severity
    if proposed is None:
        raise InvalidInput(
            f"{incident.reference} has no proposed upgrade to answer", field="accept"
        )
    if accept:
        reason = f"accepted the upgrade Radar proposed at {incident.severity}"
        return change_severity(policy, incident, actor, now, severity=proposed, reason=reason)
    event = ev.UpgradeDeclined(at=now, actor=actor, old=incident.severity, new=proposed)
    return _touch(incident, now, proposed_severity=None, proposed_at=None), [event]


def assign_role(
    incident: Incident, actor: Actor, now: datetime, *, role: Role, assignee: str | None
) -> Change:
    """Give ``role`` to ``assignee``, or take it away with ``None``. A no-op records nothing."""
    _require(incident, Action.ASSIGN_ROLE, "assign roles on")
    person = clean_text(assignee, "assignee", max_len=NAME_MAX) if assignee is not None else None
    old = incident.roles.get(role)
    if old == person:
        return incident, []
    roles = {k: v for k, v in incident.roles.items() if k != role}
    if person is not None:
        roles[role] = person
    event = ev.RoleAssigned(at=now, actor=actor, role=role, old=old, new=person)
    return _touch(incident, now, roles=MappingProxyType(roles)), [event]


def resolve(
    incident: Incident,
    actor: Actor,
    now: datetime,
    *,
    summary: str,
    visibility: Visibility = Visibility.INTERNAL,
) -> Change:
    _require(incident, Action.RESOLVE, "resolve")
    text = clean_text(summary, "summary", max_len=TEXT_MAX)
    event = ev.IncidentResolved(
        at=now, actor=actor, old=incident.status, summary=text, visibility=visibility
    )
    changed = _touch(
        incident,
        now,
        status=Status.RESOLVED,
        resolved_at=now,
        resolution_summary=text,
        proposed_severity=None,
        proposed_at=None,
    )
    return changed, [event]


def reopen(incident: Incident, actor: Actor, now: datetime, *, reason: str) -> Change:
    """Back to ``investigating``. The old acknowledgement no longer counts: someone must respond."""
    _require(incident, Action.REOPEN, "reopen")
    why = clean_text(reason, "reason", max_len=TEXT_MAX)
    changed = _touch(
        incident,
        now,
        status=Status.INVESTIGATING,
        resolved_at=None,
        resolution_summary=None,
        acknowledgement=None,
    )
    return changed, [ev.IncidentReopened(at=now, actor=actor, reason=why)]


def close(incident: Incident, actor: Actor, now: datetime) -> Change:
    _require(incident, Action.CLOSE, "close")
    changed = _touch(incident, now, status=Status.CLOSED, closed_at=now)
    return changed, [ev.StatusChanged(at=now, actor=actor, old=incident.status, new=Status.CLOSED)]


def decline(
    incident: Incident, actor: Actor, now: datetime, *, reason: str, ticket_url: str | None = None
) -> Change:
    """Triage outcome "not an incident": recorded with its reason, and still searchable."""
    _require(incident, Action.DECLINE, "decline")
    why = clean_text(reason, "reason", max_len=TEXT_MAX)
    ticket = clean_text(ticket_url, "ticket_url", max_len=URL_MAX) if ticket_url else None
    changed = _touch(
        incident,
        now,
        status=Status.DECLINED,
        decline_reason=why,
        ticket_url=ticket,
        closed_at=now,
        proposed_severity=None,
        proposed_at=None,
    )
    return changed, [ev.IncidentDeclined(at=now, actor=actor, reason=why, ticket_url=ticket)]


def report_anyway(
    policy: Policy,
    incident: Incident,
    actor: Actor,
    now: datetime,
    *,
    severity: str,
    reason: str,
) -> Change:
    """A declined report is an incident after all: back in triage (``reported``) at the level a
    person chooses, with their reason, and its response starts as a declaration's would. The
    decline stays on the timeline; the incident keeps its number and its ticket link."""
    _require(incident, Action.REPORT_ANYWAY, "report anyway")
    if not severity.strip():
        raise InvalidInput("choose the severity it is reported at", field="severity")
    target = policy.severity(severity)
    why = clean_text(reason, "reason", max_len=TEXT_MAX)
    changed = _touch(
        incident,
        now,
        status=Status.REPORTED,
        severity=target.id,
        decline_reason=None,
        closed_at=None,
    )
    event = ev.ReportedAnyway(at=now, actor=actor, new=target.id, reason=why)
    return changed, [event]
