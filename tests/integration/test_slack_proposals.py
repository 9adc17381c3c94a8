"""The upgrade Radar proposes, answered from Slack: the message to the engineering manager
carries *Accept upgrade* and *Decline*, and pressing one answers as the person who pressed it.
Signed requests to the real endpoints of a real server; Slack's Web API (and the response URLs)
is the recording loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from radar.clock import FrozenClock
from radar.domain.access import UserRole
from tests.integration.test_slack_inbound import LAURA, Slack, account, kinds, slack_radar
from tests.support.proposals import propose_upgrade
from tests.support.radar import ANA

ACCEPT = "radar_upgrade_accept"
DECLINE = "radar_upgrade_decline"


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    """INC-1, a Sev2 with its card in #radar, worked on for four hours: Radar has asked Laura
    Gómez, Payments' engineering manager, whether it should be Sev1."""
    with slack_radar(db_url, clock) as s:
        propose_upgrade(s.radar, clock)
        yield s


def asked(slack: Slack) -> dict[str, Any]:
    """The direct message to Laura that carries the proposal."""
    (sent,) = [
        r.json()
        for r in slack.api.requests
        if r.path == "/api/chat.postMessage"
        and r.json()["channel"] == LAURA
        and "Radar proposes Sev1 - Critical" in r.json()["text"]
    ]
    return sent


def press(slack: Slack, action: str, user: str = LAURA) -> None:
    assert slack.post("interactivity", slack.click(action, user=user)).status_code == 200


def test_the_proposal_offers_accept_upgrade_and_decline(slack: Slack) -> None:
    message = asked(slack)
    (proposal,) = [b for b in message["blocks"] if b.get("block_id", "").startswith("radar_")]
    assert [(e["action_id"], e["text"]["text"], e["value"]) for e in proposal["elements"]] == [
        (ACCEPT, "Accept upgrade", "INC-1"),
        (DECLINE, "Decline", "INC-1"),
    ]


def test_accept_upgrade_moves_the_incident_as_the_person_who_pressed_it(slack: Slack) -> None:
    account(slack.radar, "laura")
    press(slack, ACCEPT)
    incident, timeline = slack.incident()
    assert (incident.severity, incident.proposed_severity) == ("sev1", None)
    (moved,) = kinds(timeline, "severity_changed")
    assert (moved.actor, moved.via, moved.old, moved.new) == (
        "Laura Gómez",
        "slack",
        "sev2",
        "sev1",
    )
    assert (moved.message or "").startswith("accepted the upgrade Radar proposed at sev2")
    press(slack, ACCEPT)  # pressed again: nothing changes, and she is told why
    assert len(kinds(slack.incident()[1], "severity_changed")) == 1
    assert sorted(slack.answers(2)) == [
        "INC-1 is now sev1: you accepted Radar's proposal.",
        "INC-1 is sev1: Laura Gómez already accepted the upgrade.",
    ]


def test_decline_keeps_the_level(slack: Slack) -> None:
    account(slack.radar, "laura")
    press(slack, DECLINE)
    incident, timeline = slack.incident()
    assert (incident.severity, incident.proposed_severity) == ("sev2", None)
    (declined,) = kinds(timeline, "upgrade_declined")
    assert (declined.actor, declined.via) == ("Laura Gómez", "slack")
    press(slack, ACCEPT)  # the other button, after the answer: too late
    assert slack.incident()[0].severity == "sev2"
    assert sorted(slack.answers(2)) == [
        "INC-1 stays sev2: Laura Gómez already declined the upgrade.",
        "INC-1 stays sev2: you declined the upgrade to sev1.",
    ]


@pytest.mark.parametrize(
    ("user", "role", "said"),
    [
        (
            "U0NOBODY",
            None,
            "Radar does not know you: ask an admin to add your Slack id, or the email address your "
            "Slack profile shows, to your person in the policy.",
        ),
        (
            LAURA,
            UserRole.VIEWER,
            "Radar did not let you do that: laura is a viewer; changing incidents needs the "
            "responder or admin role.",
        ),
    ],
    ids=["unknown", "viewer"],
)
def test_who_may_not_answer_is_told_and_nothing_changes(
    slack: Slack, user: str, role: UserRole | None, said: str
) -> None:
    if role is not None:
        account(slack.radar, "laura", role)
    press(slack, ACCEPT, user)
    press(slack, DECLINE, user)
    incident, timeline = slack.incident()
    assert (incident.severity, incident.proposed_severity) == ("sev2", "sev1")
    assert kinds(timeline, "upgrade_declined") == []
    assert slack.answers(2) == [said, said]


def test_a_resolved_incident_has_nothing_to_answer(slack: Slack) -> None:
    account(slack.radar, "laura")
    slack.radar.incidents.resolve(ANA, "INC-1", summary="Fixed")
    press(slack, ACCEPT)
    assert slack.answers(1) == ["INC-1 is resolved: there is no upgrade to answer."]
    assert slack.incident()[0].severity == "sev2"
