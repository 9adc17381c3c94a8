"""Shared by the parsers: JSON bodies within limits, and times."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

from radar.domain.errors import InvalidInput, Problem

MAX_BODY = 512 * 1024  # PagerDuty's own limit
MAX_DEPTH = 20


def json_object(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY:
        raise InvalidInput(
            f"the body is {len(body):,} bytes; at most {MAX_BODY:,} are accepted", field="body"
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(unreadable(exc), field="body") from None
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", field="body")
    # Nesting needs a bracket per level: most bodies have too few to be too deep (a count of
    # bytes is far cheaper than a walk of the parsed value).
    if body.count(b"{") + body.count(b"[") > MAX_DEPTH and _depth(data) > MAX_DEPTH:
        raise InvalidInput(f"the JSON is nested more than {MAX_DEPTH} deep", field="body")
    return data


def unreadable(exc: ValueError | RecursionError) -> str:
    """Why a body could not be read as JSON, in words. Python's JSON reader raises more than
    ``JSONDecodeError``: ``UnicodeDecodeError`` for bytes that are not text, ``RecursionError``
    for nesting deeper than it can follow, and a plain ``ValueError`` for an integer longer than
    ``sys.get_int_max_str_digits()`` (4,300 digits unless changed), which it refuses to convert
    because converting one is quadratic."""
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON parse error (line {exc.lineno}, column {exc.colno})"
    if isinstance(exc, UnicodeDecodeError):
        return "the body is not UTF-8"
    if isinstance(exc, RecursionError):
        return "JSON parse error: nested too deeply"
    return f"JSON parse error: a number has more than {sys.get_int_max_str_digits():,} digits"


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def timestamp(value: Any, field: str, problems: list[Problem]) -> datetime | None:
    """An ISO 8601 / RFC 3339 time, in UTC; None when absent or Go's zero time."""
    if value in (None, "") or (isinstance(value, str) and value.startswith("0001-01-01")):
        return None
    if not isinstance(value, str):
        problems.append(Problem(field, "must be an ISO 8601 time"))
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem(field, f"{value[:40]!r} is not an ISO 8601 time"))
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def text(data: dict[str, Any], key: str, where: str, problems: list[Problem], limit: int) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem(f"{where}{key}", "must be a string"))
        return ""
    return value[:limit]
