"""Bidirectional controls never reach what people read: a title, an update or an alert holding
U+202E (RIGHT-TO-LEFT OVERRIDE) would show its text reordered, "exe.txt" as "txt.exe"."""

from __future__ import annotations

import pytest

from radar.domain import bidi
from radar.domain.alerts import Action, Event
from radar.domain.errors import InvalidInput
from radar.domain.incident import clean_text

CONTROLS = [
    "\u202a",  # LEFT-TO-RIGHT EMBEDDING
    "\u202b",  # RIGHT-TO-LEFT EMBEDDING
    "\u202c",  # POP DIRECTIONAL FORMATTING
    "\u202d",  # LEFT-TO-RIGHT OVERRIDE
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2067",  # RIGHT-TO-LEFT ISOLATE
    "\u2068",  # FIRST STRONG ISOLATE
    "\u2069",  # POP DIRECTIONAL ISOLATE
]


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_control_is_dropped_from_text_people_send(control: str) -> None:
    assert clean_text(f"Refund {control}txt.exe", "title", max_len=200) == "Refund txt.exe"
    assert bidi.without_controls(f"a{control}b") == "ab"


def test_the_marks_that_move_no_text_stay() -> None:
    # U+200F (RIGHT-TO-LEFT MARK) and U+200E place punctuation in mixed Hebrew and English.
    text = "הזמנה 42\u200f: checkout\u200e"
    assert clean_text(text, "title", max_len=200) == text


def test_text_of_nothing_but_controls_is_empty() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_text("\u202e \u202c", "title", max_len=200)
    assert refused.value.message == "title must not be empty"
    # Other control characters are still refused, not dropped.
    with pytest.raises(InvalidInput, match="title contains control characters"):
        clean_text("Checkout\x07 down", "title", max_len=200)


def test_an_alert_from_any_sender_arrives_without_them() -> None:
    event = Event(
        Action.TRIGGER, "k1", summary="Disk \u202eluf\u202c on db-7", source="\u2067h\u2069"
    )
    assert (event.summary, event.source) == ("Disk luf on db-7", "h")
