"""Alerts from monitoring, and how they become incidents.

An alert is one problem a monitoring tool reports, under a dedup key, through one integration.
Events about it (trigger, acknowledge, resolve) follow PagerDuty's rules, which Alertmanager's
and Grafana's webhooks are mapped onto:

1. The same dedup key through the same integration applies to the open alert.
2. Once resolved, a new trigger opens a new alert; acknowledge or resolve with no open alert is
   dropped.
3. A trigger without a dedup key gets a generated one, so it always opens a new alert.
4. Acknowledged, further triggers only count; resolved, nothing notifies.

What an alert sets in motion is decided by ``route``: a severity from the policy's levels (the
default table maps PagerDuty's ``critical``/``error`` to the second level, ``warning`` to the
third, ``info`` to none: recorded only), and whether it opens an incident or joins the open one
its group already has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from radar.domain import bidi


class Action(StrEnum):
    TRIGGER = "trigger"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


class AlertStatus(StrEnum):
    TRIGGERED = "triggered"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Kind(StrEnum):
    """What an integration key speaks."""

    PAGERDUTY = "pagerduty"
    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"
    HEARTBEAT = "heartbeat"
    GENERIC = "generic"


PD_SEVERITIES = ("critical", "error", "warning", "info")
# PagerDuty's severities to a position among the policy's levels (0 = the most severe);
# None: recorded only, nobody is paged.
DEFAULT_LEVEL: Mapping[str, int | None] = {"critical": 1, "error": 1, "warning": 2, "info": None}
GROUP_WINDOW = timedelta(hours=4)  # alerts of one group within this join the same incident


@dataclass(frozen=True)
class Event:
    """One event as a sender described it, in PagerDuty's terms."""

    action: Action
    dedup_key: str
    summary: str = ""
    source: str = ""
    severity: str = "error"
    occurred_at: datetime | None = None
    component: str = ""
    group: str = ""
    klass: str = ""
    details: Mapping[str, object] = field(default_factory=dict)
    links: Sequence[Mapping[str, str]] = ()
    images: Sequence[Mapping[str, str]] = ()
    client: str = ""
    client_url: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # What people read of an alert (the incident it opens, its notes, the pages it sends)
        # cannot reorder itself: no bidirectional controls, from any sender (``domain.bidi``).
        for name in ("summary", "source"):
            object.__setattr__(self, name, bidi.without_controls(getattr(self, name)))


@dataclass(frozen=True)
class Integration:
    id: int
    name: str
    kind: Kind
    service: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None
    per_minute: int | None = None
    every: timedelta | None = None  # heartbeats: a ping is expected at least this often
    mapping: str | None = None  # generic webhooks: the id of the policy's field mapping

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class Alert:
    id: int | None
    integration_id: int
    service: str
    dedup_key: str
    status: AlertStatus
    summary: str
    severity: str
    source: str
    group: str
    first_seen: datetime
    last_seen: datetime
    count: int
    incident_id: int | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    links: Sequence[Mapping[str, str]] = ()
    details: Mapping[str, object] = field(default_factory=dict)
    resolved_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status is not AlertStatus.RESOLVED


@dataclass(frozen=True)
class Rule:
    """From the policy's ``alerts.rules``: when every ``match`` holds, the alert pages at
    ``severity``, belongs to ``service``, or is only recorded."""

    match: Mapping[str, str] = field(default_factory=dict)
    severity: str | None = None
    service: str | None = None
    record_only: bool = False

    def matches(self, event: Event, service: str) -> bool:
        facts = {
            "severity": event.severity,
            "service": service,
            "source": event.source,
            "group": group_of(event),
            **{f"labels.{k}": v for k, v in event.labels.items()},
        }
        return all(facts.get(k) == v for k, v in self.match.items())


@dataclass(frozen=True)
class Route:
    service: str
    level: str | None  # None: recorded only


@dataclass(frozen=True)
class FieldMapping:
    """A generic JSON webhook's fields, as dotted paths into the body (``alert.id``)."""

    id: str
    dedup_key: str
    summary: str
    source: str | None = None
    severity: str | None = None
    group: str | None = None
    resolved_path: str | None = None
    resolved_value: str | None = None


def route(rules: Sequence[Rule], levels: Sequence[str], service: str, event: Event) -> Route:
    """Where an alert goes: the first matching rule, else the integration's service and the
    default table."""
    for rule in rules:
        if rule.matches(event, service):
            chosen = rule.service or service
            if rule.record_only:
                return Route(chosen, None)
            return Route(chosen, rule.severity or level_for(event.severity, levels))
    return Route(service, level_for(event.severity, levels))


def level_for(severity: str, levels: Sequence[str]) -> str | None:
    """The policy level an alert of ``severity`` pages at, or None to record it only. A
    severity that names a level (``sev2``) is taken as it is; otherwise PagerDuty's table."""
    if severity in levels:
        return severity
    position = DEFAULT_LEVEL.get(severity.lower(), 1)
    if position is None or not levels:
        return None
    return levels[min(position, len(levels) - 1)]


def group_of(event: Event) -> str:
    """Which alerts belong together: the sender's group, else the source."""
    return event.group or event.source or event.dedup_key


def title_for(event: Event) -> str:
    text = " ".join(event.summary.split()) or event.source or event.dedup_key
    return text[:200]


def joined_note(alert: Alert, kind: Kind) -> str:
    return f"Alert joined: {alert.summary} ({kind.value}, dedup_key={alert.dedup_key})"


MISSED = "heartbeat-missed"  # the dedup key of a heartbeat's "no ping" alert


def missed_event(integration: Integration) -> Event:
    every = integration.every or timedelta(0)
    minutes = int(every.total_seconds() // 60)
    return Event(
        action=Action.TRIGGER,
        dedup_key=MISSED,
        summary=f"No heartbeat from {integration.name} for {minutes} min",
        source=integration.name,
        severity="error",
        group=f"heartbeat:{integration.id}",
    )


def within_window(last_seen: datetime, now: datetime) -> bool:
    return now - last_seen <= GROUP_WINDOW
