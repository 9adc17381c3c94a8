"""Heartbeats: a job pings; when a ping is overdue the engine opens an alert, and the next ping
resolves it."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.alerts import Kind
from radar.domain.errors import InvalidInput
from tests.intake.conftest import ADMIN


def test_a_missed_ping_opens_an_alert_and_the_next_ping_resolves_it(
    api: httpx.Client, container: Container, clock: FrozenClock, responder: Principal
) -> None:
    made = container.ingest.create(
        ADMIN,
        service="checkout",
        kind=Kind.HEARTBEAT,
        name="nightly-export",
        every=timedelta(minutes=5),
    )
    url = f"/integrations/heartbeat/{made.key}"
    assert container.engine.next_due() is not None
    clock.advance(timedelta(minutes=4))
    assert api.post(url).json() == {"status": "success", "heartbeat": "on time"}
    clock.advance(timedelta(minutes=4, seconds=59))
    assert container.engine.fire_due() == 0
    clock.advance(timedelta(seconds=1))
    assert container.engine.fire_due() >= 1
    assert container.engine.fire_due() == 0  # once, not on every pass
    (alert,) = container.ingest.alerts(ADMIN)
    assert alert.summary == "No heartbeat from nightly-export for 5 min"
    incident = container.incidents.get(responder, "INC-1").incident
    assert (incident.severity, incident.service) == ("sev2", "checkout")
    clock.advance(timedelta(minutes=1))
    assert api.get(url).json()["heartbeat"] == "back"
    assert [a.status.value for a in container.ingest.alerts(ADMIN)] == ["resolved"]
    timeline = container.incidents.get(responder, "INC-1").timeline
    assert any(e.kind == "alert_resolved" for e in timeline)


def test_a_heartbeat_needs_an_interval(container: Container) -> None:
    with pytest.raises(InvalidInput, match="needs --every"):
        container.ingest.create(ADMIN, service="checkout", kind=Kind.HEARTBEAT)
    with pytest.raises(InvalidInput, match="between 1 minute and 7 days"):
        container.ingest.create(
            ADMIN, service="checkout", kind=Kind.HEARTBEAT, every=timedelta(seconds=5)
        )


def test_a_ping_with_another_kind_of_key_is_refused(
    api: httpx.Client, container: Container
) -> None:
    made = container.ingest.create(ADMIN, service="checkout", kind=Kind.PAGERDUTY)
    assert api.post(f"/integrations/heartbeat/{made.key}").status_code == 409


@pytest.mark.parametrize("key", ["9" * 5000, "short"])
def test_a_malformed_key_is_refused_naming_it(api: httpx.Client, key: str) -> None:
    for answer in (
        api.post(f"/integrations/heartbeat/{key}"),
        api.get(f"/integrations/heartbeat/{key}"),
    ):
        assert answer.status_code == 422
        assert answer.json()["error"]["field"] == "key"
