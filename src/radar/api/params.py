"""Types of query parameters that pydantic's own parsing would take too loosely."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

EXAMPLE = "for example 2026-11-27T10:00:00Z"


def _instant(value: object) -> datetime:
    """An ISO 8601 time with its zone, and nothing else: pydantic would also take a number as
    seconds since 1970 (``0.5``, ``1764237600``), and a time without a zone, whose meaning
    depends on where the server runs."""
    try:
        parsed = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise PydanticCustomError("iso_8601", f"give an ISO 8601 time with a zone, {EXAMPLE}")
    if parsed.tzinfo is None:
        raise PydanticCustomError("time_zone", f"give a time zone, {EXAMPLE}")
    return parsed


Instant = Annotated[datetime, BeforeValidator(_instant)]
