"""How incidents are listed: filters, newest first, and an opaque cursor for the next page."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from radar.domain import events
from radar.domain.errors import InvalidInput
from radar.domain.incident import reference_for
from radar.domain.lifecycle import Status

MAX_PAGE = 200
DEFAULT_PAGE = 50
# A text search looks in the incident's title, description, decline reason and resolution
# summary, and in what people wrote on its timeline: updates, resolution summaries (every one,
# when it was reopened), and the reasons given for a severity change or a reopening.
SEARCHED_ENTRIES: tuple[str, ...] = (
    events.UpdatePosted.kind,
    events.IncidentResolved.kind,
    events.IncidentReopened.kind,
    events.SeverityChanged.kind,
)


@dataclass(frozen=True)
class IncidentFilter:
    statuses: tuple[Status, ...] = ()
    severities: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    open: bool | None = None
    text: str | None = None  # case-insensitive, any script: "ÜNÏ" finds "ünï" (SEARCHED_ENTRIES)
    drill: bool | None = None
    # Restricted incidents are kept only when this username takes part; None keeps them all
    # (an admin's view). Set by the services from the principal, never by the caller.
    visible_to: str | None = None


@dataclass(frozen=True)
class Resolution:
    """An incident resolved, and not reopened since (it may be closed), as the dashboard's list
    of the day's resolutions shows it: what it was, and who resolved it (the last time)."""

    id: int
    title: str
    severity: str
    service: str
    drill: bool
    restricted: bool
    resolved_at: datetime
    summary: str | None
    by: str | None

    @property
    def reference(self) -> str:
        return reference_for(self.id)


@dataclass(frozen=True)
class Page:
    """``after_id``: return incidents with a smaller id (older) than this one."""

    limit: int = DEFAULT_PAGE
    after_id: int | None = None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"i:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor stands for, or ``InvalidInput`` naming the ``cursor`` parameter."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        # At most 18 digits: an id the database can hold (SQLite cannot even compare a bigger one).
        if kind == "i" and value.isascii() and value.isdigit() and len(value) <= 18:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInput("cursor is not one Radar returned", field="cursor")


def page(limit: int | None, cursor: str | None) -> Page:
    size = DEFAULT_PAGE if limit is None else limit
    if not 1 <= size <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}", field="limit")
    return Page(limit=size, after_id=decode_cursor(cursor) if cursor else None)
