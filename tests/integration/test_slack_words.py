"""Slack words timeline entries as every other surface does (``domain/wording.py``): ``/radar
status INC-1`` ends with what people last did, what changed first and then why; a status update
posted in the incident's channel says whether it is public. Real server, Slack's Web API a
recording loopback server, a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from radar.clock import FrozenClock
from radar.domain.incident import Visibility
from radar.services.incidents import Declaration
from tests.conftest import EXAMPLE_POLICY
from tests.integration.test_slack_commands import PUBLIC_URL, say
from tests.integration.test_slack_inbound import Slack, account, slack_radar
from tests.support.radar import ANA, run_engine
from tests.support.recorder import Reply

CHANNEL = "C0INC0001"
POLICY = EXAMPLE_POLICY.read_text() + "\nslack:\n  incident_channel:\n    levels: [sev1, sev2]\n"


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    """INC-1, a Sev2 on checkout declared by Ana, with its own channel; Laura has an account."""
    with slack_radar(db_url, clock, declare=False, public_url=PUBLIC_URL) as s:
        s.api.by_path["/api/conversations.create"] = Reply(
            body={"ok": True, "channel": {"id": CHANNEL, "name": "inc-1-checkout-down"}}
        )
        s.radar.policies.apply(POLICY, filename="policy.yaml", author="test")
        s.radar.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
        account(s.radar, "laura")
        run_engine(s.radar)
        yield s


def test_status_ends_with_the_latest_changes_in_words(slack: Slack) -> None:
    say(slack, "severity INC-1 sev1 Card numbers visible in the logs")
    say(slack, "role INC-1 commander laura")
    said = say(slack, "status INC-1").splitlines()
    start = said.index("Latest, newest first:")
    assert said[start + 1 : start + 4] == [
        "• Laura Gómez: Commander: Laura Gómez (was nobody)",
        "• Laura Gómez: Severity Sev2 - Major → Sev1 - Critical: Card numbers visible in the logs",
        "• Ana: Declared Sev2 - Major",
    ]
    assert said[-1] == f"{PUBLIC_URL}/incidents/INC-1"


def posted_in(slack: Slack, channel: str) -> list[dict[str, Any]]:
    return [
        r.json()
        for r in slack.api.requests
        if r.path == "/api/chat.postMessage" and r.json()["channel"] == channel
    ]


def test_an_update_in_the_channel_says_whether_it_is_public(slack: Slack) -> None:
    slack.radar.incidents.post_update(
        ANA, "INC-1", message="Card payments fail.", visibility=Visibility.PUBLIC
    )
    run_engine(slack.radar)
    assert posted_in(slack, CHANNEL)[-1]["text"] == (
        "INC-1 · Public update from Ana\nCard payments fail."
    )
