"""What changed between two policies, in words people can review.

Collections of things with an ``id`` are matched by id, so reordering is not a change and a
renamed field reads as ``severity sev2, name: "Sev2" -> "Sev2 - Major"``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, timedelta
from enum import Enum
from typing import Any

from radar.domain.calendar import Calendar, Window
from radar.domain.policy import Policy
from radar.domain.response import Target

# Domain field names that read differently in the file.
_LABELS = {
    "updates_every": "updates.every",
    "emergency_test": "incident.test",
    "incident_definition": "incident.definition",
    "default_calendar": "defaults.calendar",
    "slack_thread_replies_acknowledge": "slack.thread_replies_acknowledge",
    "roles": "",
}
_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAMES = {
    "severities": "severity",
    "services": "service",
    "people": "person",
    "teams": "team",
    "calendars": "calendar",
    "questions": "question",
}


def describe(old: Policy, new: Policy) -> list[str]:
    """One sentence per change; an empty list when the policies run the same process."""
    return _diff("", old, new)


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"  # as the file writes it
    if isinstance(value, timedelta):
        return _duration(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Window | Target | date):
        return str(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _diff(path: str, a: Any, b: Any) -> list[str]:
    if a == b:
        return []
    if isinstance(a, Calendar) and isinstance(b, Calendar):
        return _calendar(path, a, b)
    if dataclasses.is_dataclass(a) and type(a) is type(b):
        out: list[str] = []
        for f in dataclasses.fields(a):
            if f.name.startswith("_") or f.name in ("rank",):
                continue
            label = _LABELS.get(f.name, f.name)
            inner = _join(path, label) if label else path
            out += _diff(inner, getattr(a, f.name), getattr(b, f.name))
        return out
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return _keyed(path, dict(a), dict(b))
    if _is_keyed(a) and _is_keyed(b):
        return _keyed(path, {x.id: x for x in a}, {x.id: x for x in b})
    if isinstance(a, tuple) and isinstance(b, tuple) and _all_scalar(a + b):
        added = [x for x in b if x not in a]
        removed = [x for x in a if x not in b]
        out = [f"{path}: added {_fmt(x)}" for x in added]
        out += [f"{path}: removed {_fmt(x)}" for x in removed]
        return out or [f"{path}: reordered"]
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return [
            line
            for n, (x, y) in enumerate(zip(a, b, strict=True))
            for line in _diff(f"{path} {n + 1}", x, y)
        ]
    return [f"{path}: {_fmt(a)} -> {_fmt(b)}"]


def _keyed(path: str, a: dict[Any, Any], b: dict[Any, Any]) -> list[str]:
    """Things matched by id (a top-level collection reads "team payments, ...") or by key."""
    last = path.split(".")[-1]
    noun = _NAMES.get(last, path)
    out = [f"{noun} {_fmt_key(k)} added" for k in b if k not in a]
    out += [f"{noun} {_fmt_key(k)} removed" for k in a if k not in b]
    for key in (k for k in a if k in b):
        inner = f"{noun} {_fmt_key(key)}," if last in _NAMES else f"{path} {_fmt_key(key)}"
        out += _diff(inner, a[key], b[key])
    return out


def _calendar(path: str, a: Calendar, b: Calendar) -> list[str]:
    out = _diff(_join(path, "timezone"), a.timezone, b.timezone)
    for n, day in enumerate(_WEEK):
        if a.weekly[n] != b.weekly[n]:
            out.append(f"{path} hours {day}: {_fmt(a.weekly[n])} -> {_fmt(b.weekly[n])}")
    opened = sorted(a.closed - b.closed)
    closed = sorted(b.closed - a.closed)
    if closed:
        out.append(
            f"{path} now closed on {_fmt(closed[:10])}" + (" ..." if len(closed) > 10 else "")
        )
    if opened:
        out.append(f"{path} now open on {_fmt(opened[:10])}" + (" ..." if len(opened) > 10 else ""))
    return out


def _join(path: str, name: str) -> str:
    if not path:
        return name
    return f"{path} {name}" if path.endswith(",") else f"{path}.{name}"


def _fmt_key(key: Any) -> str:
    return str(key.value) if isinstance(key, Enum) else str(key)


def _is_keyed(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(hasattr(x, "id") for x in value)


def _all_scalar(values: tuple[Any, ...]) -> bool:
    return all(isinstance(v, str | int | float | Enum | Window | Target | date) for v in values)
