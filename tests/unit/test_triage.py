"""The severity guide and the response preview, with the example policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from radar.domain import preview, triage
from radar.domain.errors import InvalidInput
from radar.policyfile import load
from radar.services.triage import suggest

POLICY = load.load((Path(__file__).parents[2] / "examples" / "policy.yaml").read_text(), "p")
YES, NO = 0, 1


@pytest.mark.parametrize(
    ("answers", "severity"),
    [([YES], "sev1"), ([NO, YES], "sev2"), ([NO, NO, YES], "sev3"), ([NO, NO, NO, YES], "sev4")],
)
def test_the_guide_matches_the_seed(answers: list[int], severity: str) -> None:
    assert POLICY.guide is not None
    outcome = triage.walk(POLICY.guide, answers)
    assert outcome.complete
    assert outcome.severity == severity
    assert len(outcome.path) == len(answers)


def test_no_emergency_response_means_not_an_incident() -> None:
    found = suggest(POLICY, [NO, NO, NO, NO])
    assert found.outcome.not_an_incident
    assert found.outcome.severity is None
    assert found.examples == ("A typo on a help page. File a ticket instead.",)


def test_partial_answers_give_the_next_question() -> None:
    found = suggest(POLICY, [NO])
    assert not found.outcome.complete
    assert found.outcome.next_question is not None
    assert found.outcome.next_question.id == "many"


@pytest.mark.parametrize(("answers", "field"), [([2], "answers.0"), ([YES, YES], "answers")])
def test_impossible_answers_are_refused(answers: list[int], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        suggest(POLICY, answers)
    assert refused.value.field == field


def test_an_answer_out_of_range_names_the_value_and_the_answers_there_are() -> None:
    """Not "answer 1 does not exist" (which reads as if the first answer were missing)."""
    with pytest.raises(InvalidInput) as refused:
        suggest(POLICY, [1, 8])
    assert refused.value.message == (
        "8 is not an answer to question 'many'; give 0 ('Yes') or 1 ('No')"
    )
    assert refused.value.field == "answers.1"


def test_sev2_preview_says_what_the_seed_says() -> None:
    lines = preview.response(POLICY, "sev2", "checkout")
    assert lines[0] == (
        "#radar is told now; if nobody responds in 10 minutes, Laura Gómez (engineering manager,"
        " Payments) is called (if that fails: sms, then email)."
    )
    assert "Unresolved after 4 hours, it becomes Sev1 - Critical." in lines


def test_sev3_waits_for_office_hours_and_sev4_stays_inside_them() -> None:
    assert any(
        "waits for the next working start" in line for line in preview.response(POLICY, "sev3")
    )
    sev4 = preview.response(POLICY, "sev4", "catalog")
    assert sev4[0] == (
        "Lucía Prieto (product owner, Discovery) is messaged on Slack and Ana Torres (team lead,"
        " Discovery) is messaged on Slack now."
    )
    assert any("Only in working hours" in line for line in sev4)


def test_preview_without_a_service_uses_the_default_calendar() -> None:
    lines = preview.response(POLICY, "sev3")
    assert (
        "Out of working hours (madrid-office, Europe/Madrid), it waits for the next working "
        "start." in lines
    )
