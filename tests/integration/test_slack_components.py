"""``/radar component`` in Slack: the communications lead sets the state a status page component
shows, holds it through severity changes, and releases it; refusals name what was wrong, and
only people who may respond change anything. Signed forms, posted to a real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.incident import Visibility
from radar.domain.status import ComponentState
from tests.integration.test_slack_commands import PUBLIC_URL, UNKNOWN, say
from tests.integration.test_slack_inbound import Slack, account, slack_radar
from tests.support.radar import ANA

STATES = "operational, degraded_performance, partial_outage, major_outage, under_maintenance"


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    """Radar with its Slack app and INC-1 (Checkout down, Sev2), public on the status page."""
    with slack_radar(db_url, clock, public_url=PUBLIC_URL) as s:
        s.radar.incidents.post_update(
            ANA, "INC-1", message="Some payments fail.", visibility=Visibility.PUBLIC
        )
        yield s


def checkout(slack: Slack) -> ComponentState:
    """What the public page shows for Checkout and payments."""
    (found,) = [c for c in slack.radar.status.page().components if c.id == "checkout"]
    return found.state


def test_a_held_state_survives_a_severity_change_until_released(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert checkout(slack) is ComponentState.PARTIAL_OUTAGE
    assert say(slack, "component INC-1 checkout degraded") == (
        "The status page shows Checkout and payments as Degraded performance, held until "
        "someone releases it. Noted on INC-1's timeline."
    )
    assert say(slack, "severity INC-1 sev1 Spreading.").endswith("is now sev1.")
    assert checkout(slack) is ComponentState.DEGRADED_PERFORMANCE
    listed = say(slack, "component")
    assert listed.startswith("Status page components:\n")
    assert (
        "• Checkout and payments (`checkout`): Degraded performance, held by Laura Gómez"
    ) in listed
    assert "• Sign-in (`accounts`): Operational, from its incidents" in listed

    assert say(slack, "component checkout release") == (
        "Checkout and payments follows its incidents again: Major outage."
    )
    assert checkout(slack) is ComponentState.MAJOR_OUTAGE
    _, timeline = slack.incident()
    (entry,) = [e for e in timeline if e.kind == "component_set"]
    assert (entry.actor, entry.via, entry.old, entry.new) == (
        "Laura Gómez",
        "slack",
        "partial_outage",
        "degraded_performance",
    )
    assert [e for e in timeline if e.kind == "component_released"] == []  # no INC named


def test_without_hold_the_next_change_hands_the_component_back(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert say(slack, "component checkout Major outage --no-hold") == (
        "The status page shows Checkout and payments as Major outage, until the incidents on "
        "it change."
    )
    assert checkout(slack) is ComponentState.MAJOR_OUTAGE
    say(slack, "severity INC-1 sev3 Contained.")
    assert checkout(slack) is ComponentState.DEGRADED_PERFORMANCE


def test_refusals_name_the_bad_value(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert say(slack, "component checkout broken") == (
        f"Radar: 'broken' is not a component state; the states are {STATES}"
    )
    assert say(slack, "component chekout major") == (
        "Radar: no service 'chekout' on the status page; its services are checkout, accounts, "
        "catalog, notifications; did you mean 'checkout'?"
    )
    assert say(slack, "component INC-9 checkout major") == "There is no incident INC-9 in Radar."
    assert say(slack, "component checkout") == (
        "`component` takes a service and a state (or release): "
        "component [INC-n] [<service> <state>|release [--no-hold]] (see `/radar help`)"
    )
    assert checkout(slack) is ComponentState.PARTIAL_OUTAGE
    assert "`/radar component [INC-n] [<service> <state>|release [--no-hold]]`" in say(
        slack, "help"
    )


def test_only_people_who_may_respond_set_a_component(slack: Slack) -> None:
    account(slack.radar, "laura", UserRole.VIEWER)
    assert say(slack, "component checkout major") == (
        "Radar did not let you do that: laura is a viewer; changing incidents needs the "
        "responder or admin role."
    )
    assert say(slack, "component checkout release").startswith("Radar did not let you do that:")
    assert say(slack, "component").startswith("Status page components:")  # looking is fine
    assert say(slack, "component checkout major", user="U0NOBODY9") == UNKNOWN
    assert checkout(slack) is ComponentState.PARTIAL_OUTAGE
