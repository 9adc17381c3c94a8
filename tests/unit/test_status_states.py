"""The public status page's decisions, without a database: the state each component is in, and
the status each public update was posted under."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from radar.domain import status
from radar.domain.policy import Service
from radar.domain.status import ComponentState
from tests.unit.test_lifecycle import POLICY

ORDER = ("sev1", "sev2", "sev3", "sev4")
T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("severity", "state"),
    [
        ("sev1", ComponentState.MAJOR_OUTAGE),
        ("sev2", ComponentState.PARTIAL_OUTAGE),
        ("sev3", ComponentState.DEGRADED_PERFORMANCE),
        ("sev4", ComponentState.DEGRADED_PERFORMANCE),
        ("gone-from-the-policy", ComponentState.DEGRADED_PERFORMANCE),
    ],
)
def test_the_severitys_position_in_the_policy_gives_the_state(
    severity: str, state: ComponentState
) -> None:
    assert status.state_for(severity, ORDER) == state


def test_a_policy_with_one_level_has_only_major_outages_and_degradations() -> None:
    assert status.state_for("only", ("only",)) is ComponentState.MAJOR_OUTAGE
    assert status.state_for("other", ("only",)) is ComponentState.DEGRADED_PERFORMANCE
    assert status.state_for("any", ()) is ComponentState.DEGRADED_PERFORMANCE


def test_the_position_counts_not_the_name() -> None:
    assert status.state_for("sev1", ("p0", "sev1")) is ComponentState.PARTIAL_OUTAGE


def test_without_incidents_a_component_is_operational() -> None:
    assert status.worst([]) is ComponentState.OPERATIONAL
    assert [c.state for c in status.components(POLICY, [])] == [ComponentState.OPERATIONAL] * 4


def test_the_worst_incident_on_a_component_decides_its_state() -> None:
    found = status.components(
        POLICY,
        [
            ("checkout", "sev3"),
            ("checkout", "sev1"),
            ("checkout", "sev2"),
            ("accounts", "sev4"),
            ("accounts", "sev2"),
            ("catalog", "sev4"),
        ],
    )
    assert {c.id: c.state for c in found} == {
        "checkout": ComponentState.MAJOR_OUTAGE,
        "accounts": ComponentState.PARTIAL_OUTAGE,
        "catalog": ComponentState.DEGRADED_PERFORMANCE,
        "notifications": ComponentState.OPERATIONAL,
    }


def test_components_follow_the_policys_services_and_their_public_names() -> None:
    services = (
        Service("api", "API", status_page_component="Public API"),
        Service("web", "Website"),
    )
    policy = replace(POLICY, services=services)
    found = status.components(policy, [("web", "sev1"), ("retired-service", "sev1")])
    assert [(c.id, c.name, c.state) for c in found] == [
        ("api", "Public API", ComponentState.OPERATIONAL),
        ("web", "Website", ComponentState.MAJOR_OUTAGE),
    ]


def test_every_state_has_words_not_only_a_colour() -> None:
    assert [s.label for s in ComponentState] == [
        "Operational",
        "Degraded performance",
        "Partial outage",
        "Major outage",
    ]


def test_an_update_carries_the_status_it_was_posted_under() -> None:
    changes = [
        (T0 + timedelta(minutes=5), "investigating"),
        (T0 + timedelta(minutes=20), "identified"),
        (T0 + timedelta(minutes=40), "resolved"),
    ]
    assert status.status_at(changes, T0) == "reported"
    assert status.status_at(changes, T0 + timedelta(minutes=10)) == "investigating"
    # An update that moves the incident is stored at the same instant as its move.
    assert status.status_at(changes, T0 + timedelta(minutes=20)) == "identified"
    assert status.status_at(changes, T0 + timedelta(minutes=40)) == "resolved"
    assert status.status_at([], T0) == "reported"
