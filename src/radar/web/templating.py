"""The Jinja2 environment: templates from the package, autoescaped, and the filters pages use.

Every instant a page shows is a ``<time>`` element: its ``datetime`` is the instant in UTC, its
text a reading in UTC that names the zone (what a reader without JavaScript sees), and
``static/times.js`` rewrites it in the reader's own zone. Ages and countdowns carry the server's
``now`` (``data-now``) so the script counts on from what the page said, whatever the reader's
clock says, and keeps them current without a reload: "under a minute" becomes "2 min", a
"due in 1 min" becomes "overdue by 1 min".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

HERE = Path(__file__).parent
STATIC = HERE / "static"


def span(delta: timedelta) -> str:
    """``4 min``, ``2 h 5 min``, ``3 d``; ``under a minute``. static/times.js says the same."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} d"


def iso(at: datetime | None) -> str:
    """``2026-11-27T10:05:00Z``: the instant as the ``datetime`` attribute and the API write it."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at else ""


def utc_text(at: datetime) -> str:
    """``2026-11-27 10:05 UTC``: the reading without JavaScript. Always with its zone."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


SOON = timedelta(minutes=5)  # a countdown turns amber ("soon") this long before it is due


def _time(
    at: datetime, kind: str, text: str, now: datetime | None = None, mark: str = ""
) -> Markup:
    """The element static/times.js keeps: ``now`` for what counts (ages, countdowns); ``mark``
    a class (``soon``, ``overdue``) that the script then keeps in step with the clock.

    Built as one string: a dashboard draws hundreds of these, and ``Markup.format`` escaping
    each part cost most of its render time. Every part is Radar's own (digits, the kinds and
    classes named in this module); ``text`` is escaped all the same."""
    more = f' data-now="{iso(now)}" title="{utc_text(at)}"' if now is not None else ""
    if mark:
        more += f' class="{mark}"'
    return Markup(f'<time datetime="{iso(at)}" data-time="{kind}"{more}>{escape(text)}</time>')  # noqa: S704 (all parts are ours; text escaped)


def stamp(at: datetime | None) -> Markup:
    """``<time datetime="2026-11-27T10:05:00Z" data-time="stamp">2026-11-27 10:05 UTC</time>``:
    shown in the reader's zone, with its abbreviation (``2026-11-27 05:05 EST``)."""
    return _time(at, "stamp", utc_text(at)) if at else Markup("")


def clock(at: datetime | None) -> Markup:
    """``10:05 UTC``: the time of day with its zone, under a heading that gives the day (the
    room's timeline); shown in the reader's zone (``05:05 EST``)."""
    return _time(at, "clock", at.astimezone(UTC).strftime("%H:%M UTC")) if at else Markup("")


def ago(then: datetime | None, now: datetime) -> Markup:
    """How long ago (or, for a future time, how long until): ``4 min``, ``2 h 5 min``, ``3 d``,
    kept current in the browser. The template says "ago" or "for" around it."""
    if then is None:
        return Markup("")
    return _time(then, "ago", span(abs(now - then)), now)


def until(at: datetime | None, now: datetime) -> Markup:
    """``in 28 min`` for what is still ahead, ``now`` once it is due: a plan's countdown."""
    if at is None:
        return Markup("")
    return _time(at, "until", f"in {span(at - now)}" if at > now else "now", now)


def due(at: datetime | None, now: datetime) -> Markup:
    """``due in 28 min`` (marked ``soon`` in its last five minutes), or ``overdue by 2 min``
    (marked ``overdue``) once ``at`` has passed: a promised update. The browser turns one into
    the next when the time comes."""
    if at is None:
        return Markup("")
    if at > now:
        mark = "soon" if at - now <= SOON else ""
        return _time(at, "due", f"due in {span(at - now)}", now, mark)
    return _time(at, "due", f"overdue by {span(now - at)}", now, "overdue")


def make() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters["ago"] = ago
    env.filters["until"] = until
    env.filters["due"] = due
    env.filters["stamp"] = stamp
    env.filters["clock"] = clock
    env.filters["iso"] = iso
    env.filters["span"] = span
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates
