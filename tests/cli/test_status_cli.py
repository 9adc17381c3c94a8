"""`radar status`: the communications lead sets a status page component's state from the
terminal, holds it through a severity change, and releases it; refusals are one line naming the
bad value, with exit code 2 for a bad value and 1 for a refused action."""

from __future__ import annotations

import json

import pytest

from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.domain.incident import Visibility
from radar.domain.status import ComponentState
from radar.services.incidents import Declaration
from tests.cli.test_cli import radar
from tests.support.radar import ANA

pytestmark = pytest.mark.usefixtures("client_env")
STATES = "operational, degraded_performance, partial_outage, major_outage, under_maintenance"


@pytest.fixture
def sev2(container: Container) -> str:
    """INC-1, a Sev2 on checkout with a public update: a partial outage on the status page."""
    ref = container.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
    container.incidents.post_update(
        ANA, ref.reference, message="Some payments fail.", visibility=Visibility.PUBLIC
    )
    return ref.reference


def checkout(c: Container) -> ComponentState:
    (found,) = [x for x in c.status.page().components if x.id == "checkout"]
    return found.state


def test_a_held_state_survives_a_severity_change_until_released(
    container: Container, sev2: str
) -> None:
    code, out, err = radar(
        "--tz", "UTC", "status", "component", "set", "checkout", "degraded", "--incident", sev2
    )
    assert (code, err) == (0, "")
    assert out == (
        "Checkout and payments: Degraded performance, held by Ana since 2026-11-27 10:00 UTC "
        "for INC-1 (its incidents: Partial outage).\n"
    )
    radar("incident", "severity", sev2, "sev1", "--reason", "Spreading")
    assert checkout(container) is ComponentState.DEGRADED_PERFORMANCE
    code, out, _ = radar("status", "show")
    assert code == 0
    assert "Degraded performance" in out
    assert "(its incidents: Major outage)" in out
    code, out, _ = radar("status", "show", "--json")
    listed = {c["service"]: c for c in json.loads(out)["items"]}
    assert listed["checkout"]["setting"]["incident"] == "INC-1"

    code, out, _ = radar("status", "component", "release", "checkout", "--incident", sev2)
    assert (code, out) == (0, "Checkout and payments: Major outage, from its incidents.\n")
    assert checkout(container) is ComponentState.MAJOR_OUTAGE
    kinds = [e.kind for e in container.incidents.get(ANA, sev2).timeline]
    assert kinds.count("component_set") == kinds.count("component_released") == 1


def test_no_hold_lasts_until_the_incidents_change(container: Container, sev2: str) -> None:
    code, out, _ = radar(
        "--tz", "UTC", "status", "component", "set", "checkout", "major_outage", "--no-hold"
    )
    assert code == 0
    assert out == (
        "Checkout and payments: Major outage, set by Ana at 2026-11-27 10:00 UTC, until its "
        "incidents change (its incidents: Partial outage).\n"
    )
    radar("incident", "severity", sev2, "sev3", "--reason", "Contained")
    assert checkout(container) is ComponentState.DEGRADED_PERFORMANCE


def test_refusals_are_one_line_naming_the_value(container: Container, sev2: str) -> None:
    code, _, err = radar("status", "component", "set", "checkout", "broken")
    assert (code, err) == (
        2,
        f"radar: state: 'broken' is not a component state; the states are {STATES}\n",
    )
    code, _, err = radar("status", "component", "set", "chekout", "major")
    assert (code, err) == (
        1,
        "radar: no service 'chekout' on the status page; its services are checkout, accounts, "
        "catalog, notifications; did you mean 'checkout'?\n",
    )
    code, _, err = radar("status", "component", "set", "checkout", "ok", "--incident", "INC-7")
    assert (code, err) == (1, "radar: no incident INC-7\n")
    assert checkout(container) is ComponentState.PARTIAL_OUTAGE


def test_a_viewers_token_is_refused(
    container: Container, sev2: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    container.accounts.create_user("victor", role=UserRole.VIEWER, display_name="Victor")
    monkeypatch.setenv("RADAR_TOKEN", container.accounts.create_token("victor", name="t").secret)
    code, _, err = radar("status", "component", "set", "checkout", "ok")
    assert (code, err) == (
        1,
        "radar: victor is a viewer; changing incidents needs the responder or admin role\n",
    )
    assert radar("status", "component", "release", "checkout")[0] == 1
    assert radar("status", "show")[0] == 0
    assert checkout(container) is ComponentState.PARTIAL_OUTAGE
