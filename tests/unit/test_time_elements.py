"""The <time> elements pages are drawn with (web/templating.py): the instant in UTC, a reading
that names its zone, the server's now for what counts, and a countdown's mark (amber "soon" in
its last five minutes, red "overdue" once missed), as static/times.js expects them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from markupsafe import Markup

from radar.web.templating import ago, clock, due, stamp, until

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_a_stamp_and_a_clock_name_their_zone() -> None:
    assert stamp(NOW) == Markup(
        '<time datetime="2026-11-27T10:00:00Z" data-time="stamp">2026-11-27 10:00 UTC</time>'
    )
    assert clock(NOW + timedelta(minutes=5)).endswith(">10:05 UTC</time>")
    assert stamp(None) == clock(None) == ""


def test_a_countdown_is_plain_then_soon_then_overdue() -> None:
    later = due(NOW + timedelta(minutes=30), NOW)
    assert 'class="' not in later
    assert ">due in 30 min</time>" in later
    assert 'data-now="2026-11-27T10:00:00Z" title="2026-11-27 10:30 UTC"' in later
    soon = due(NOW + timedelta(minutes=5), NOW)
    assert 'class="soon"' in soon
    assert ">due in 5 min</time>" in soon
    missed = due(NOW - timedelta(minutes=2), NOW)
    assert 'class="overdue"' in missed
    assert ">overdue by 2 min</time>" in missed


def test_ages_and_plan_countdowns_read_in_words() -> None:
    assert ">2 h 5 min</time>" in ago(NOW - timedelta(hours=2, minutes=5), NOW)
    assert ">in 10 min</time>" in until(NOW + timedelta(minutes=10), NOW)
    assert ">now</time>" in until(NOW, NOW)
    assert isinstance(ago(NOW, NOW), Markup)  # never escaped again by the template
