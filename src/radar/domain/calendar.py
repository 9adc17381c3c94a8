"""Working-hours calendars: when people are at work, in their own time zone.

A calendar has windows per weekday (several a day; a window may cross midnight), and closed dates
(public holidays, resolved by the policy loader, and extra dates). A window belongs to the day it
starts on: if that day is closed, the whole window is. All functions take and return aware UTC
datetimes; local time is only used to find the windows. Daylight-saving changes are handled by
converting each window's local start and end to UTC on its own date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How far ahead to look for a working window before deciding a calendar never opens.
HORIZON_DAYS = 3 * 366
MAX_RUN = timedelta(days=7)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Window:
    """From ``start`` to ``end`` local time; ``next_day`` when it ends after midnight."""

    start: time
    end: time
    next_day: bool = False

    def length(self) -> timedelta:
        day = date(2000, 1, 3)
        begin = datetime.combine(day, self.start)
        finish = datetime.combine(day + timedelta(days=int(self.next_day)), self.end)
        return finish - begin

    def __str__(self) -> str:
        suffix = "+1" if self.next_day else ""
        return f"{self.start:%H:%M}-{self.end:%H:%M}{suffix}"


@dataclass(frozen=True)
class Calendar:
    id: str
    timezone: str
    weekly: tuple[tuple[Window, ...], ...]  # seven entries, Monday first
    closed: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def never_open(self) -> bool:
        return not any(self.weekly)


ALWAYS = Calendar(
    id="always",
    timezone="UTC",
    weekly=tuple((Window(time(0), time(0), next_day=True),) for _ in range(7)),
)


def _day_intervals(cal: Calendar, day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    if day in cal.closed:
        return []
    out = []
    for w in cal.weekly[day.weekday()]:
        start = datetime.combine(day, w.start, tzinfo=zone).astimezone(UTC)
        end_day = day + timedelta(days=1) if w.next_day else day
        end = datetime.combine(end_day, w.end, tzinfo=zone).astimezone(UTC)
        if end > start:
            out.append((start, end))
    return sorted(out)


def intervals(cal: Calendar, since: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals in UTC, in order and never overlapping, each ending after ``since``.

    Overlapping windows are merged. A merged run is cut after a week so that an always-open
    calendar yields its first interval at once; the pieces touch and never overlap.
    """
    zone = cal.zone
    day = since.astimezone(zone).date() - timedelta(days=1)  # yesterday's window may run late
    pending: tuple[datetime, datetime] | None = None
    emitted = since
    for offset in range(HORIZON_DAYS):
        for raw_start, end in _day_intervals(cal, day + timedelta(days=offset), zone):
            start = max(raw_start, emitted)
            if end <= start:
                continue
            if pending is not None and start <= pending[1]:
                pending = (pending[0], max(pending[1], end))
            else:
                if pending is not None:
                    yield pending
                pending = (start, end)
            if pending[1] - pending[0] >= MAX_RUN:
                yield pending
                emitted, pending = pending[1], None
    if pending is not None:
        yield pending


def is_working(cal: Calendar, at: datetime) -> bool:
    for start, _end in intervals(cal, at):
        return start <= at
    return False


def closed_because(cal: Calendar, at: datetime) -> str:
    """Why ``cal`` is closed at ``at``, in words: a holiday, or outside working hours."""
    if at.astimezone(cal.zone).date() in cal.closed:
        return f"a holiday ({cal.id})"
    return f"outside working hours ({cal.id})"


def next_working_start(cal: Calendar, at: datetime) -> datetime | None:
    """``at`` itself when inside working hours, else the next opening; None if it never opens."""
    for start, _end in intervals(cal, at):
        return max(start, at)
    return None


def working_time_between(cal: Calendar, start: datetime, end: datetime) -> timedelta:
    """Working time in ``[start, end)``."""
    total = timedelta(0)
    if end <= start:
        return total
    for s, e in intervals(cal, start):
        if s >= end:
            break
        total += min(e, end) - max(s, start)
    return total


def closing_after(cal: Calendar, at: datetime) -> datetime | None:
    """When the working run that ``at`` falls in (or ends at) closes, if it closes at all: the
    end of that run when the next one does not start at the same instant. None when ``at`` is
    outside working hours, or the calendar never closes."""
    tiny = timedelta(microseconds=1)
    runs = intervals(cal, at - tiny)
    first = next(runs, None)
    if first is None or first[0] > at - tiny:
        return None
    end = first[1]
    for start, later_end in runs:
        if start > end:
            return end
        end = later_end
        if end - at > MAX_RUN:
            return None  # open around the clock
    return end


def add_working_time(cal: Calendar, start: datetime, amount: timedelta) -> datetime | None:
    """The instant when ``amount`` of working time has passed since ``start``; None if never."""
    if amount <= timedelta(0):
        return start
    left = amount
    for s, e in intervals(cal, start):
        begin = max(s, start)
        if begin + left <= e:
            return begin + left
        left -= e - begin
    return None


def local_label(cal: Calendar, at: datetime) -> str:
    """``Mon 09:00 Europe/Madrid``: how people read an instant in the calendar's zone."""
    local = at.astimezone(cal.zone)
    return f"{WEEKDAYS[local.weekday()].capitalize()} {local:%H:%M} {cal.timezone}"


def label_in(zone: str, at: datetime) -> str:
    """``Mon 09:00 CET``: an instant as a person in the IANA zone ``zone`` reads it, named by
    the zone's abbreviation there and then (``CEST`` in summer), or by ``zone`` itself where
    the abbreviation is only an offset (``+04``)."""
    local = at.astimezone(ZoneInfo(zone))
    short = local.tzname() or ""
    name = short if short.isalpha() else zone
    return f"{WEEKDAYS[local.weekday()].capitalize()} {local:%H:%M} {name}"
