"""How the CLI writes an instant: in the reader's zone, and always naming it.

``2026-12-02 18:41 CET``. The zone is the global ``--tz ZONE`` option, else ``RADAR_TZ``, else
the machine's own. The API and ``--json`` keep UTC (``2026-12-02T17:41:00Z``); only what people
read is local. Every command that prints a time uses ``when`` (or ``day``), so the choice of zone
is made once, by ``choose``, when ``radar`` starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from radar.cli.context import EXIT_USAGE, fail


@dataclass
class _Choice:
    """The zone of this run, set by ``choose`` as each ``radar`` command starts (one command
    per process; a test's runner starts each command afresh, so nothing carries over)."""

    zone: tzinfo | None = None  # None: the machine's own


_CHOSEN = _Choice()


def zone_named(name: str, option: str = "--tz") -> ZoneInfo:
    """The IANA zone ``name`` (``Europe/Madrid``, ``UTC``); refused (exit 2) naming the value
    and where it came from (``--tz``, ``RADAR_TZ``) if there is no such zone."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            f"{option}: unknown time zone {name!r}; "
            "give an IANA name such as Europe/Madrid, America/New_York or UTC",
            EXIT_USAGE,
        ) from None


def choose(name: str | None, option: str = "--tz") -> None:
    """Use zone ``name`` for every time this run prints; None or "" for the machine's own."""
    _CHOSEN.zone = zone_named(name, option) if name and name.strip() else None


def chosen() -> tzinfo | None:
    """The zone chosen for this run; None for the machine's own."""
    return _CHOSEN.zone


def local(value: str | datetime) -> datetime:
    """``value`` (an aware datetime, or ISO 8601 as the API writes it) in the chosen zone.
    A value without an offset is taken as UTC, as Radar stores every instant."""
    at = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo("UTC"))
    return at.astimezone(chosen())  # astimezone(None): the machine's zone, with its name


def zone_label(at: datetime) -> str:
    """``CET``, ``EST``, ``UTC``; ``UTC+04`` where the zone has only an offset for a name."""
    name = at.tzname() or ""
    return f"UTC{name}" if name.startswith(("+", "-")) else name


def when(value: str | datetime | None) -> str:
    """``2026-12-02 18:41 CET``; "" for no time."""
    if not value:
        return ""
    at = local(value)
    return f"{at:%Y-%m-%d %H:%M} {zone_label(at)}".rstrip()


def day(value: str | datetime | None) -> str:
    """``2026-12-02``: the date in the chosen zone; "" for no time."""
    return f"{local(value):%Y-%m-%d}" if value else ""
