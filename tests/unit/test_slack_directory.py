"""Who a Slack user is by the email Slack gives: kept an hour, "no address" five minutes, and
Slack failing costs one try per 30 seconds, never an error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from radar.clock import FrozenClock
from radar.domain.policy import Person, Policy
from radar.domain.severity import Severity
from radar.services.slack_directory import SlackDirectory

POLICY = Policy(
    incident_definition="x",
    emergency_test="x",
    severities=(Severity("sev1", "Sev1", "x", examples=(), typical_response="", rank=0),),
    services=(),
    people=(
        Person("laura", "Laura Gómez", email="laura@example.com", slack="U0LAURA01"),
        Person("sam", "Sam Ortega", email="sam@example.com"),
    ),
)


class Slack:
    """Slack's users.info as a table, counting the questions; ``down`` raises."""

    def __init__(self, emails: dict[str, str | None]) -> None:
        self.emails = emails
        self.asked: list[str] = []
        self.down = False

    def __call__(self, user: str) -> str | None:
        self.asked.append(user)
        if self.down:
            raise OSError("cannot reach Slack")
        return self.emails.get(user)


def directory(slack: Slack) -> tuple[SlackDirectory, FrozenClock]:
    clock = FrozenClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    return SlackDirectory(slack, clock), clock


def test_the_slack_id_in_the_policy_wins_without_asking_slack() -> None:
    slack = Slack({})
    found, _ = directory(slack)
    person = found.person(POLICY, "U0LAURA01")
    assert person is not None
    assert person.id == "laura"
    assert slack.asked == []


def test_a_person_is_found_by_email_ignoring_case_and_kept_an_hour() -> None:
    slack = Slack({"U0SAMNEW": "Sam@Example.COM"})
    found, clock = directory(slack)
    for _ in range(3):
        person = found.person(POLICY, "U0SAMNEW")
        assert person is not None
        assert person.id == "sam"
    assert slack.asked == ["U0SAMNEW"]
    clock.advance(timedelta(minutes=61))
    found.person(POLICY, "U0SAMNEW")
    assert slack.asked == ["U0SAMNEW", "U0SAMNEW"]


def test_an_address_nobody_in_the_policy_has_is_nobody() -> None:
    found, _ = directory(Slack({"U0STRANGER": "stranger@example.com"}))
    assert found.person(POLICY, "U0STRANGER") is None


def test_no_address_is_asked_again_after_five_minutes() -> None:
    slack = Slack({"U0BOT": None})
    found, clock = directory(slack)
    assert found.person(POLICY, "U0BOT") is None
    clock.advance(timedelta(minutes=4))
    found.person(POLICY, "U0BOT")
    assert len(slack.asked) == 1
    clock.advance(timedelta(minutes=2))
    found.person(POLICY, "U0BOT")
    assert len(slack.asked) == 2


def test_slack_failing_is_unknown_for_now_and_asked_again_after_30_seconds() -> None:
    slack = Slack({"U0SAMNEW": "sam@example.com"})
    slack.down = True
    found, clock = directory(slack)
    assert found.person(POLICY, "U0SAMNEW") is None
    assert found.person(POLICY, "U0SAMNEW") is None
    assert len(slack.asked) == 1
    slack.down = False
    clock.advance(timedelta(seconds=31))
    person = found.person(POLICY, "U0SAMNEW")
    assert person is not None
    assert person.id == "sam"


def test_without_slack_only_the_policy_ids_count() -> None:
    clock = FrozenClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    found = SlackDirectory(None, clock)
    assert found.person(POLICY, "U0SAMNEW") is None
    assert found.email("U0SAMNEW") is None
