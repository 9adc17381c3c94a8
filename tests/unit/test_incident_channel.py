"""An incident's own Slack channel, decided from the policy and the incident: which levels get
one, its name, its topic, who is invited."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from radar.domain import incident_channel as ch
from radar.domain.incident import Acknowledgement, Incident, Via
from radar.domain.lifecycle import Status
from radar.domain.roles import Role
from radar.policyfile.load import load
from tests.conftest import EXAMPLE_POLICY

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TEXT = EXAMPLE_POLICY.read_text()
POLICY = load(TEXT + "\nslack:\n  incident_channel:\n    levels: [sev1, sev2]\n    prefix: ops\n")
INCIDENT = Incident(
    id=42,
    title="Checkout: payments fail for María's café!",
    description="",
    service="checkout",
    severity="sev2",
    status=Status.INVESTIGATING,
    reporter="ana",
    restricted=False,
    drill=False,
    declared_at=NOW,
    updated_at=NOW,
)


def test_the_levels_the_policy_names_get_a_channel() -> None:
    assert ch.wanted(POLICY, INCIDENT)
    assert not ch.wanted(POLICY, replace(INCIDENT, severity="sev3"))
    assert not ch.wanted(load(TEXT), INCIDENT)  # no incident_channel: none


def test_the_name_is_the_prefix_the_number_and_the_title_in_slacks_alphabet() -> None:
    assert ch.channel_name("ops", INCIDENT) == "ops-42-checkout-payments-fail-for-maria-s-cafe"
    assert ch.channel_name("inc", replace(INCIDENT, drill=True)).startswith("inc-42-drill-")
    long = replace(INCIDENT, title="x " * 200)
    name = ch.channel_name("inc", long)
    assert len(name) <= ch.NAME_MAX
    assert not name.endswith("-")


def test_a_restricted_incident_keeps_its_title_out_of_the_name_and_topic() -> None:
    secret = replace(INCIDENT, restricted=True)
    plan = ch.plan(POLICY, secret)
    assert (plan.name, plan.private) == ("ops-42", True)
    assert "checkout" not in plan.topic


def test_the_topic_says_level_status_acknowledgement_and_roles() -> None:
    acked = replace(
        INCIDENT,
        acknowledgement=Acknowledgement(by="Laura Gómez", at=NOW, via=Via.SLACK),
        roles=MappingProxyType({Role.COMMANDER: "Ana Torres", Role.COMMUNICATIONS_LEAD: "sam"}),
    )
    assert ch.topic(POLICY, acked) == (
        "INC-42 · Sev2 - Major · investigating · acknowledged by Laura Gómez · "
        "commander Ana Torres · comms sam · service checkout"
    )
    assert (
        len(ch.topic(POLICY, replace(acked, roles=MappingProxyType({Role.DEPUTY: "y" * 400}))))
        == ch.TOPIC_MAX
    )


@pytest.mark.parametrize(
    ("incident", "invited"),
    [
        # reporter, then Payments' engineering manager, product owner and team lead
        (INCIDENT, ["U0ANA0004", "U0LAURA01", "U0MARIA03", "U0SAM0002"]),
        # a restricted incident: only its own people (a role holder named by name counts)
        (
            replace(
                INCIDENT, restricted=True, roles=MappingProxyType({Role.COMMANDER: "David Costa"})
            ),
            ["U0ANA0004", "U0DAVID05"],
        ),
        # someone outside the policy has no Slack id to invite
        (replace(INCIDENT, reporter="alertmanager", restricted=True), []),
    ],
    ids=["team", "restricted", "unknown"],
)
def test_who_is_invited(incident: Incident, invited: list[str]) -> None:
    assert sorted(ch.invitees(POLICY, incident)) == sorted(invited)


def test_participants_are_invited_once_each() -> None:
    found = ch.invitees(POLICY, INCIDENT, ["david", "laura", "ana"])
    assert len(found) == len(set(found)) == 5
