"""The Jinja2 environment: templates from the package, autoescaped, and the filters pages use."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
STATIC = HERE / "static"


def ago(then: datetime | None, now: datetime) -> str:
    """``4 min``, ``2 h 5 min``, ``3 d``: how long ago (or, for a future time, how long until)."""
    if then is None:
        return ""
    return span(abs(now - then))


def span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} d"


def stamp(at: datetime | None) -> str:
    """``2026-11-27 10:05 UTC``."""
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else ""


def iso(at: datetime | None) -> str:
    return at.isoformat().replace("+00:00", "Z") if at else ""


def make() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters["ago"] = ago
    env.filters["stamp"] = stamp
    env.filters["iso"] = iso
    env.filters["span"] = span
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates
