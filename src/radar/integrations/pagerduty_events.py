"""PagerDuty Events API v2 (``POST /v2/enqueue``), and the v1 names that still arrive
(``service_key`` for ``routing_key``, ``incident_key`` for ``dedup_key``, ``event_type`` for
``event_action``). Checked field by field; every problem found is reported at once."""

from __future__ import annotations

import uuid
from typing import Any

from radar.domain.alerts import PD_SEVERITIES, Action, Event
from radar.domain.errors import InvalidInput, Problem
from radar.integrations.parsing import json_object, text, timestamp


def parse(body: bytes) -> tuple[str, Event]:
    """The routing key and the event, or ``InvalidInput`` listing what is wrong."""
    data = json_object(body)
    problems: list[Problem] = []
    key = data.get("routing_key", data.get("service_key"))
    if not isinstance(key, str) or not key:
        problems.append(Problem("routing_key", "is required: the integration key"))
        key = ""
    raw_action = data.get("event_action", data.get("event_type"))
    try:
        action = Action(str(raw_action))
    except ValueError:
        problems.append(
            Problem("event_action", f"{raw_action!r} is not one of trigger, acknowledge, resolve")
        )
        action = Action.TRIGGER
    dedup = data.get("dedup_key", data.get("incident_key"))
    if dedup is not None and (not isinstance(dedup, str) or len(dedup) > 255):
        problems.append(Problem("dedup_key", "must be a string of at most 255 characters"))
        dedup = None
    if not dedup and action is not Action.TRIGGER:
        problems.append(Problem("dedup_key", f"is required to {action.value}"))
    payload = data.get("payload")
    event = Event(action=action, dedup_key=dedup or str(uuid.uuid4()))
    if action is Action.TRIGGER:
        if not isinstance(payload, dict):
            problems.append(Problem("payload", "is required for a trigger, as an object"))
        else:
            event = _trigger(data, payload, event, problems)
    if problems:
        raise InvalidInput("; ".join(f"{p.field} {p.message}" for p in problems), problems=problems)
    return key, event


def _trigger(
    data: dict[str, Any], payload: dict[str, Any], event: Event, problems: list[Problem]
) -> Event:
    summary = text(payload, "summary", "payload.", problems, 1024)
    source = text(payload, "source", "payload.", problems, 1024)
    severity = payload.get("severity")
    if not summary:
        problems.append(Problem("payload.summary", "is required"))
    if not source:
        problems.append(Problem("payload.source", "is required"))
    if severity not in PD_SEVERITIES:
        problems.append(
            Problem(
                "payload.severity",
                f"{severity!r} is not one of critical, error, warning, info (lower case)",
            )
        )
    details = payload.get("custom_details") or {}
    if not isinstance(details, dict):
        details = {"custom_details": details}
    return Event(
        action=event.action,
        dedup_key=event.dedup_key,
        summary=summary,
        source=source,
        severity=severity if isinstance(severity, str) else "error",
        occurred_at=timestamp(payload.get("timestamp"), "payload.timestamp", problems),
        component=text(payload, "component", "payload.", problems, 255),
        group=text(payload, "group", "payload.", problems, 255),
        klass=text(payload, "class", "payload.", problems, 255),
        details=details,
        links=_listed(data.get("links"), "links", "href", problems),
        images=_listed(data.get("images"), "images", "src", problems),
        client=text(data, "client", "", problems, 255),
        client_url=text(data, "client_url", "", problems, 2000),
    )


def _listed(value: Any, field: str, required: str, problems: list[Problem]) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(field, "must be a list"))
        return []
    out = []
    for n, item in enumerate(value[:20]):
        if not isinstance(item, dict) or not isinstance(item.get(required), str):
            problems.append(Problem(f"{field}.{n}.{required}", "is required, as a string"))
            continue
        out.append({k: str(v)[:2000] for k, v in item.items() if isinstance(v, str)})
    return out
