"""The severity guide's order, as the process page and the report form's step counter read it,
and a level's repeats in words. Pure: no database."""

from __future__ import annotations

import dataclasses

import pytest

from radar.domain import preview, triage
from radar.domain.triage import Answer, Guide, Question
from tests.unit.test_triage import POLICY


def guide(*questions: Question, start: str = "a") -> Guide:
    return Guide(start=start, questions=questions)


def q(qid: str, *answers: Answer) -> Question:
    return Question(qid, f"Question {qid}?", answers)


def test_the_shipped_guide_is_asked_from_harm_down_and_asks_the_test_last() -> None:
    assert POLICY.guide is not None
    assert [x.id for x in triage.asked(POLICY.guide)] == ["harm", "many", "part", "one"]
    assert [triage.still_to_ask(POLICY.guide, x) for x in ("harm", "one")] == [(1, 4), (1, 1)]
    assert triage.not_an_incident_at(POLICY.guide) == 3
    assert triage.where_test_is_asked(POLICY.guide) == (
        "The severity guide asks it last, at question 4."
    )


def test_questions_are_asked_breadth_first_in_the_order_of_the_answers() -> None:
    branching = guide(
        q("d", Answer("Yes", severity="sev1")),  # listed first, asked after a
        q("a", Answer("Big", next="b"), Answer("Small", next="c")),
        q("c", Answer("Yes", next="d"), Answer("No", not_an_incident=True)),
        q("b", Answer("Yes", severity="sev1"), Answer("No", next="d")),
        q("never", Answer("Yes", severity="sev2")),  # no answer leads here
    )
    assert [x.id for x in triage.asked(branching)] == ["a", "b", "c", "d"]
    assert triage.still_to_ask(branching, "a") == (2, 3)
    assert triage.still_to_ask(branching, "c") == (1, 2)
    assert triage.where_test_is_asked(branching) == "The severity guide asks it at question 3 of 4."


def test_a_guide_that_asks_the_test_first_says_so_and_one_without_it_says_nothing() -> None:
    first = guide(
        q("a", Answer("Yes", next="b"), Answer("No", not_an_incident=True)),
        q("b", Answer("Yes", severity="sev1")),
    )
    assert triage.where_test_is_asked(first) == "The severity guide asks it first."
    assert triage.where_test_is_asked(guide(q("a", Answer("Yes", severity="sev1")))) == ""
    assert triage.where_test_is_asked(None) == ""


@pytest.mark.parametrize(
    ("repeat", "said"),
    [
        (1, "If nobody acknowledges, this happens once more, every 10 minutes."),
        (2, "If nobody acknowledges, this happens twice more, every 10 minutes."),
        (5, "If nobody acknowledges, this happens 5 more times, every 10 minutes."),
    ],
)
def test_repeats_are_said_in_words(repeat: int, said: str) -> None:
    sev1 = POLICY.severity("sev1")
    level = dataclasses.replace(sev1, response=dataclasses.replace(sev1.response, repeat=repeat))
    assert preview.repeats(level) == said
