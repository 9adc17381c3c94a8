"""Durations as people write them, and list cursors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from radar.domain import duration, listing
from radar.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("10m", timedelta(minutes=10)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 2W ", timedelta(weeks=2)),
    ],
)
def test_durations_parse(text: str, expected: timedelta) -> None:
    assert duration.parse(text) == expected


@pytest.mark.parametrize("text", ["", "10", "m", "10 m", "1.5h", "-1m", "10mm", "1y"])
def test_bad_durations_name_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        duration.parse(text, field="delay")
    assert refused.value.field == "delay"


def test_cursor_round_trips() -> None:
    assert listing.decode_cursor(listing.encode_cursor(1234)) == 1234


@pytest.mark.parametrize("cursor", ["", "!!", "aTo=", "eDoxMg", "aTotMQ"])
def test_foreign_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        listing.decode_cursor(cursor)
    assert refused.value.field == "cursor"


@pytest.mark.parametrize("limit", [0, -1, 201])
def test_page_size_is_bounded(limit: int) -> None:
    with pytest.raises(InvalidInput):
        listing.page(limit, None)
