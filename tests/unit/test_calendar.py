"""Working-hours arithmetic, by example and by property, across DST, holidays and midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from radar.domain import calendar as cal
from radar.domain.calendar import Calendar, Window

OFFICE = (Window(time(9), time(18)),)
SPLIT = (Window(time(9), time(13)), Window(time(14), time(18)))
NIGHT = (Window(time(22), time(6), next_day=True),)


def week(*days: tuple[Window, ...]) -> tuple[tuple[Window, ...], ...]:
    return tuple(days) + ((),) * (7 - len(days))


MADRID = Calendar("madrid", "Europe/Madrid", week(*[OFFICE] * 5), frozenset({date(2026, 12, 25)}))
NEW_YORK = Calendar("ny", "America/New_York", week(*[SPLIT] * 5))
NIGHTS = Calendar("nights", "Europe/Madrid", week(*[NIGHT] * 7))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_out_of_hours_waits_for_the_next_working_start() -> None:
    friday_night = utc(2026, 11, 27, 22, 10)  # 23:10 in Madrid
    start = cal.next_working_start(MADRID, friday_night)
    assert start == utc(2026, 11, 30, 8, 0)  # Monday 09:00 in Madrid (UTC+1)
    assert start is not None
    assert cal.local_label(MADRID, start) == "Mon 09:00 Europe/Madrid"


def test_inside_hours_the_next_start_is_now() -> None:
    at = utc(2026, 11, 27, 10, 0)
    assert cal.is_working(MADRID, at)
    assert cal.next_working_start(MADRID, at) == at


def test_holidays_are_skipped() -> None:
    christmas_eve_evening = utc(2026, 12, 24, 19, 0)
    assert cal.next_working_start(MADRID, christmas_eve_evening) == utc(2026, 12, 28, 8, 0)


def test_why_it_is_closed_names_the_holiday_or_the_hours() -> None:
    """A step held on a weekday holiday says so, not "outside working hours"."""
    christmas_noon = datetime(2026, 12, 25, 11, 0, tzinfo=UTC)  # 12:00 in Madrid, a Friday
    assert cal.closed_because(MADRID, christmas_noon) == "a holiday (madrid)"
    evening = datetime(2026, 12, 24, 19, 0, tzinfo=UTC)
    assert cal.closed_because(MADRID, evening) == "outside working hours (madrid)"


def test_working_time_spans_days_and_weekends() -> None:
    friday_4pm = utc(2026, 11, 27, 15, 0)  # 16:00 Madrid: two working hours left on Friday
    assert cal.add_working_time(MADRID, friday_4pm, timedelta(hours=4)) == utc(2026, 11, 30, 10, 0)
    monday = utc(2026, 11, 30, 0, 0)
    assert cal.working_time_between(MADRID, monday, monday + timedelta(days=7)) == timedelta(
        hours=45
    )


def test_dst_end_keeps_local_office_hours() -> None:
    # Madrid leaves summer time on Sunday 25 October 2026: 09:00 is 07:00 UTC before, 08:00 after.
    assert cal.next_working_start(MADRID, utc(2026, 10, 23, 17, 0)) == utc(2026, 10, 26, 8, 0)
    assert cal.next_working_start(MADRID, utc(2026, 10, 22, 17, 0)) == utc(2026, 10, 23, 7, 0)


def test_dst_start_in_new_york() -> None:
    # New York starts summer time on Sunday 8 March 2026.
    assert cal.next_working_start(NEW_YORK, utc(2026, 3, 6, 23, 0)) == utc(2026, 3, 9, 13, 0)


def test_a_night_window_crosses_midnight() -> None:
    assert cal.is_working(NIGHTS, utc(2026, 11, 27, 23, 30))  # 00:30 Madrid
    assert not cal.is_working(NIGHTS, utc(2026, 11, 27, 12, 0))
    day = utc(2026, 11, 23, 12, 0)
    assert cal.working_time_between(NIGHTS, day, day + timedelta(days=7)) == timedelta(hours=56)


def test_a_calendar_that_never_opens_says_so() -> None:
    closed = Calendar("closed", "UTC", week())
    at = utc(2026, 11, 27)
    assert cal.next_working_start(closed, at) is None
    assert cal.add_working_time(closed, at, timedelta(minutes=1)) is None
    assert cal.working_time_between(closed, at, at + timedelta(days=30)) == timedelta(0)


def test_always_is_always_working() -> None:
    at = utc(2026, 11, 27, 3, 0)
    assert cal.is_working(cal.ALWAYS, at)
    later = cal.add_working_time(cal.ALWAYS, at, timedelta(days=30))
    assert later == at + timedelta(days=30)


# Properties ------------------------------------------------------------------------------------

CALENDARS = [
    MADRID,
    NEW_YORK,
    NIGHTS,
    Calendar(
        "mixed",
        "America/New_York",
        week(SPLIT, NIGHT, OFFICE, (), NIGHT + SPLIT[:1], SPLIT, OFFICE),
        frozenset({date(2026, 7, 3), date(2026, 11, 26), date(2027, 1, 1)}),
    ),
]
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
amounts = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))
calendars = st.sampled_from(CALENDARS)


@settings(max_examples=200, deadline=None)
@given(calendars, instants)
def test_next_working_start_is_the_first_working_instant(c: Calendar, at: datetime) -> None:
    start = cal.next_working_start(c, at)
    assert start is not None
    assert start >= at
    assert cal.is_working(c, start)
    assert cal.working_time_between(c, at, start) == timedelta(0)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, amounts)
def test_adding_working_time_is_measured_back_exactly(
    c: Calendar, at: datetime, amount: timedelta
) -> None:
    end = cal.add_working_time(c, at, amount)
    assert end is not None
    assert end >= at
    assert cal.working_time_between(c, at, end) == amount


@settings(max_examples=200, deadline=None)
@given(calendars, instants, amounts, amounts)
def test_working_time_adds_up_over_consecutive_spans(
    c: Calendar, at: datetime, first: timedelta, second: timedelta
) -> None:
    middle, end = at + first, at + first + second
    total = cal.working_time_between(c, at, end)
    assert total == cal.working_time_between(c, at, middle) + cal.working_time_between(
        c, middle, end
    )
    assert total <= end - at


def test_closed_dates_have_no_working_time_but_the_days_around_them_do() -> None:
    christmas = utc(2026, 12, 24, 23, 0)  # Friday 25 December, 00:00 in Madrid
    assert cal.working_time_between(MADRID, christmas, christmas + timedelta(days=1)) == timedelta(
        0
    )
    week_before = christmas - timedelta(days=7)
    assert cal.working_time_between(MADRID, week_before, week_before + timedelta(days=1)) == (
        timedelta(hours=9)
    )


def test_a_night_window_belongs_to_the_day_it_starts() -> None:
    closed_friday = Calendar("n", "Europe/Madrid", NIGHTS.weekly, frozenset({date(2026, 11, 27)}))
    thursday_night = utc(2026, 11, 26, 23, 30)  # Fri 00:30: Thursday's window, still open
    friday_night = utc(2026, 11, 27, 22, 30)  # Fri 23:30: Friday's window, closed
    assert cal.is_working(closed_friday, thursday_night)
    assert not cal.is_working(closed_friday, friday_night)


@pytest.mark.parametrize("c", CALENDARS, ids=lambda c: c.id)
def test_intervals_are_ordered_and_never_overlap(c: Calendar) -> None:
    previous_end = None
    for n, (s, e) in enumerate(cal.intervals(c, utc(2026, 3, 1))):
        assert s < e
        if previous_end is not None:
            assert s >= previous_end
        previous_end = e
        if n > 400:
            break
