"""A generic JSON webhook: any tool that can POST JSON, read through a field mapping the policy
declares (``alerts.webhooks``): dotted paths to the alert's identity, title, source, severity
and group, and when the body means "resolved"."""

from __future__ import annotations

from typing import Any

from radar.domain.alerts import Action, Event, FieldMapping
from radar.domain.errors import InvalidInput
from radar.integrations.parsing import json_object


def parse(body: bytes, mapping: FieldMapping) -> Event:
    data = json_object(body)
    key = _at(data, mapping.dedup_key)
    if key is None or key == "":
        raise InvalidInput(
            f"{mapping.dedup_key} is missing: the mapping {mapping.id!r} takes the alert's "
            "identity from it",
            field=mapping.dedup_key,
        )
    resolved = (
        mapping.resolved_path is not None
        and str(_at(data, mapping.resolved_path)) == mapping.resolved_value
    )
    return Event(
        action=Action.RESOLVE if resolved else Action.TRIGGER,
        dedup_key=str(key)[:255],
        summary=_text(data, mapping.summary) or str(key),
        source=_text(data, mapping.source),
        severity=_text(data, mapping.severity) or "error",
        group=_text(data, mapping.group),
        details={"body": data},
    )


def _at(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _text(data: dict[str, Any], path: str | None) -> str:
    if path is None:
        return ""
    value = _at(data, path)
    return "" if value is None or isinstance(value, dict | list) else str(value)[:1024]
