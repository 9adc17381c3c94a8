"""The public status page's decisions, without a database: the state each component is in (and
when a person's setting overrides it), the status each public update was posted under, and the
line that says an incident was resolved."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from radar.domain import status
from radar.domain.errors import InvalidInput
from radar.domain.lifecycle import Status
from radar.domain.policy import Service
from radar.domain.status import ComponentSetting, ComponentState, PublicIncident, PublicUpdate
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
        "Under maintenance",
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


def _setting(state: ComponentState, *, held: bool, basis: str = "INC-1 sev2") -> ComponentSetting:
    return ComponentSetting("checkout", state, held, basis, "Laura Gómez", T0, incident_id=1)


def test_a_held_setting_stands_whatever_the_incidents_imply() -> None:
    held = {"checkout": _setting(ComponentState.DEGRADED_PERFORMANCE, held=True)}
    for incidents, basis in [
        ([("checkout", "sev2")], "INC-1 sev2"),
        ([("checkout", "sev1")], "INC-1 sev1"),
        ([], ""),
    ]:
        (found, *_) = status.components(POLICY, incidents, held, {"checkout": basis})
        assert found.state is ComponentState.DEGRADED_PERFORMANCE
        assert found.setting == held["checkout"]
    (found, *_) = status.components(POLICY, [("checkout", "sev1")], held, {})
    assert (found.state, found.implied) == (
        ComponentState.DEGRADED_PERFORMANCE,
        ComponentState.MAJOR_OUTAGE,
    )


def test_a_setting_not_held_lasts_while_its_incidents_are_unchanged() -> None:
    kept = {"checkout": _setting(ComponentState.MAJOR_OUTAGE, held=False)}
    same = status.components(POLICY, [("checkout", "sev2")], kept, {"checkout": "INC-1 sev2"})
    assert same[0].state is ComponentState.MAJOR_OUTAGE
    for basis in ("INC-1 sev3", "INC-1 sev2, INC-2 sev4", ""):
        (found, *_) = status.components(POLICY, [("checkout", "sev3")], kept, {"checkout": basis})
        assert (found.state, found.setting) == (ComponentState.DEGRADED_PERFORMANCE, None)


def test_the_basis_names_each_open_incident_and_its_level_in_order() -> None:
    assert status.basis([(12, "sev1"), (3, "sev2")]) == "INC-3 sev2, INC-12 sev1"
    assert status.basis([]) == ""


@pytest.mark.parametrize(
    ("said", "state"),
    [
        ("major_outage", ComponentState.MAJOR_OUTAGE),
        ("Major outage", ComponentState.MAJOR_OUTAGE),
        (" partial-outage ", ComponentState.PARTIAL_OUTAGE),
        ("degraded", ComponentState.DEGRADED_PERFORMANCE),
        ("maintenance", ComponentState.UNDER_MAINTENANCE),
        ("OK", ComponentState.OPERATIONAL),
    ],
)
def test_a_state_is_read_as_people_type_it(said: str, state: ComponentState) -> None:
    assert status.parse_state(said) is state


def test_an_unknown_state_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput) as refused:
        status.parse_state("on fire")
    assert refused.value.field == "state"
    assert refused.value.message == (
        "'on fire' is not a component state; the states are operational, "
        "degraded_performance, partial_outage, major_outage, under_maintenance"
    )


def _incident(state: Status, *updates: PublicUpdate) -> PublicIncident:
    resolved = T0 + timedelta(minutes=30) if state is not Status.INVESTIGATING else None
    return PublicIncident(1, "Search down", "catalog", "sev1", state, resolved, updates)


def test_a_resolution_nobody_published_still_says_resolved_and_when() -> None:
    update = PublicUpdate(7, T0, "Search is failing.", "investigating")
    for ended in (Status.RESOLVED, Status.CLOSED):
        shown = status.with_resolution(_incident(ended, update), resolution=9)
        assert shown.updates == (
            PublicUpdate(9, T0 + timedelta(minutes=30), status.RESOLVED_LINE, "resolved"),
            update,
        )
    assert status.RESOLVED_LINE == "This incident has been resolved."


def test_a_published_resolution_or_an_open_incident_gets_no_extra_line() -> None:
    summary = PublicUpdate(9, T0 + timedelta(minutes=30), "Search is back.", "resolved")
    published = _incident(Status.RESOLVED, summary)
    assert status.with_resolution(published, resolution=9) == published
    later = PublicUpdate(11, T0 + timedelta(hours=2), "A full report follows.", "resolved")
    followed = _incident(Status.RESOLVED, later)
    assert status.with_resolution(followed, resolution=9) == followed
    still_open = _incident(Status.INVESTIGATING, PublicUpdate(7, T0, "Looking.", "reported"))
    assert status.with_resolution(still_open, resolution=None) == still_open
