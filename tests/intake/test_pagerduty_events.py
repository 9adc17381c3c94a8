"""PagerDuty Events API v2 at /v2/enqueue: answers and dedup exactly as PagerDuty documents them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.alerts import Alert, Kind
from radar.domain.errors import InvalidInput, PolicyError
from radar.domain.listing import IncidentFilter
from tests.conftest import EXAMPLE_POLICY
from tests.intake.conftest import ADMIN, key_for


def trigger(key: str, dedup: str | None = "disk-full", **payload: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "routing_key": key,
        "event_action": "trigger",
        "payload": {
            "summary": "Disk full on db-1",
            "source": "db-1.example.com",
            "severity": "critical",
            **payload,
        },
    }
    if dedup is not None:
        event["dedup_key"] = dedup
    return event


def test_a_critical_trigger_opens_a_sev2_and_repeats_only_count(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    first = api.post("/v2/enqueue", json=trigger(key))
    assert first.status_code == 202
    assert first.json() == {
        "status": "success",
        "message": "Event processed",
        "dedup_key": "disk-full",
    }
    for _ in range(3):
        assert api.post("/v2/enqueue", json=trigger(key)).status_code == 202
    incident = container.incidents.get(responder, "INC-1").incident
    assert (incident.title, incident.severity, incident.service) == (
        "Disk full on db-1",
        "sev2",
        "checkout",
    )
    listed = container.incidents.list(responder, flt=IncidentFilter())
    assert len(listed.items) == 1
    (alert,) = _alerts(container)
    assert (alert.count, alert.status.value, alert.incident_id) == (4, "triggered", 1)


def test_after_a_resolve_the_same_key_opens_a_new_alert(
    api: httpx.Client, container: Container
) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    api.post("/v2/enqueue", json=trigger(key, severity="info"))
    resolve = {"routing_key": key, "event_action": "resolve", "dedup_key": "disk-full"}
    assert api.post("/v2/enqueue", json=resolve).status_code == 202
    api.post("/v2/enqueue", json=trigger(key, severity="info"))
    statuses = sorted(a.status.value for a in _alerts(container))
    assert statuses == ["resolved", "triggered"]


def test_acknowledge_or_resolve_without_an_open_alert_is_dropped(
    api: httpx.Client, container: Container
) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    for action in ("acknowledge", "resolve"):
        answer = api.post(
            "/v2/enqueue", json={"routing_key": key, "event_action": action, "dedup_key": "x"}
        )
        assert answer.status_code == 202
    assert _alerts(container) == []


def test_the_same_key_through_another_integration_is_another_alert(
    api: httpx.Client, container: Container
) -> None:
    one, other = key_for(container, Kind.PAGERDUTY), key_for(container, Kind.PAGERDUTY)
    api.post("/v2/enqueue", json=trigger(one, severity="info"))
    resolve = {"routing_key": other, "event_action": "resolve", "dedup_key": "disk-full"}
    api.post("/v2/enqueue", json=resolve)
    assert [a.status.value for a in _alerts(container)] == ["triggered"]


def test_a_trigger_without_a_dedup_key_gets_one_and_always_opens(
    api: httpx.Client, container: Container
) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    keys = {
        api.post("/v2/enqueue", json=trigger(key, None, severity="info")).json()["dedup_key"]
        for _ in range(2)
    }
    assert len(keys) == 2
    assert len(_alerts(container)) == 2


def test_an_acknowledge_acknowledges_the_incident(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    api.post("/v2/enqueue", json=trigger(key))
    ack = {"routing_key": key, "event_action": "acknowledge", "incident_key": "disk-full"}
    assert api.post("/v2/enqueue", json=ack).status_code == 202
    incident = container.incidents.get(responder, "INC-1").incident
    assert incident.acknowledgement is not None
    assert incident.acknowledgement.via.value == "integration"


def test_alerts_of_one_group_join_the_open_incident(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    api.post("/v2/enqueue", json=trigger(key, "a", group="prod-db"))
    api.post("/v2/enqueue", json=trigger(key, "b", group="prod-db", summary="Replica lag"))
    assert len(container.incidents.list(responder, flt=IncidentFilter()).items) == 1
    timeline = container.incidents.get(responder, "INC-1").timeline
    joined = [e.message for e in timeline if e.kind == "alert_joined"]
    assert joined == ["Alert joined: Replica lag (pagerduty, dedup_key=b)"]
    for dedup in ("a", "b"):
        api.post(
            "/v2/enqueue", json={"routing_key": key, "event_action": "resolve", "dedup_key": dedup}
        )
    timeline = container.incidents.get(responder, "INC-1").timeline
    last = [e.message or "" for e in timeline if e.kind == "alert_resolved"][-1]
    assert last.endswith("all of this incident's alerts have resolved: resolve it when you agree")
    assert container.incidents.get(responder, "INC-1").incident.status.value == "reported"


def test_info_is_recorded_and_pages_nobody(api: httpx.Client, container: Container) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    api.post("/v2/enqueue", json=trigger(key, severity="info"))
    (alert,) = _alerts(container)
    assert alert.incident_id is None


def test_bad_events_are_refused_with_every_reason(
    api: httpx.Client, container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    bad = trigger(key, severity="Info")
    del bad["payload"]["source"]
    answer = api.post("/v2/enqueue", json=bad)
    assert answer.status_code == 400
    body = answer.json()
    assert (body["status"], body["message"]) == ("invalid event", "Event object is invalid")
    assert any("payload.severity" in e for e in body["errors"])
    assert any("payload.source" in e for e in body["errors"])
    broken = api.post(
        "/v2/enqueue", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.json()["errors"][0].startswith("body: JSON parse error")
    unknown = api.post("/v2/enqueue", json=trigger("rk_nobody_has_this_key"))
    assert unknown.status_code == 400
    assert unknown.json()["message"] == "Invalid routing key"
    latin = api.post("/v2/enqueue", content=b'{"routing_key": "\xff"}')
    assert latin.status_code == 400
    long_number = api.post("/v2/enqueue", content=b'{"routing_key": ' + b"9" * 5000 + b"}")
    assert long_number.status_code == 400
    assert long_number.json()["errors"] == [
        "body: JSON parse error: a number has more than 4,300 digits"
    ]
    deep = api.post("/v2/enqueue", content=b"[" * 5000 + b"]" * 5000)
    assert deep.status_code == 400
    huge = api.post("/v2/enqueue", content=b"x" * (600 * 1024))
    assert huge.status_code == 400

    def ten_megabytes_without_a_length() -> Iterator[bytes]:
        for _ in range(160):
            yield b"x" * 65536

    chunked = api.post("/v2/enqueue", content=ten_megabytes_without_a_length())
    assert chunked.status_code == 400
    assert "over 524,288 bytes" in chunked.json()["errors"][0]
    assert _alerts(container) == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []  # no traceback


def test_an_integration_over_its_rate_gets_429(api: httpx.Client, container: Container) -> None:
    key = key_for(container, Kind.PAGERDUTY, per_minute=2)
    codes = [
        api.post("/v2/enqueue", json=trigger(key, f"k{n}", severity="info")).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]
    assert len(_alerts(container)) == 2


def test_a_revoked_key_is_refused(api: httpx.Client, container: Container) -> None:
    made = container.ingest.create(ADMIN, service="checkout", kind=Kind.PAGERDUTY)
    container.ingest.revoke(ADMIN, made.integration.id)
    assert api.post("/v2/enqueue", json=trigger(made.key)).status_code == 400


def test_a_key_in_use_stops_working_at_once_when_revoked_here_and_soon_when_elsewhere(
    api: httpx.Client, container: Container, clock: FrozenClock
) -> None:
    here = container.ingest.create(ADMIN, service="checkout", kind=Kind.PAGERDUTY)
    there = container.ingest.create(ADMIN, service="checkout", kind=Kind.PAGERDUTY)
    for made in (here, there):  # both checked, hence remembered
        assert api.post("/v2/enqueue", json=trigger(made.key)).status_code == 202
    container.ingest.revoke(ADMIN, here.integration.id)
    assert api.post("/v2/enqueue", json=trigger(here.key)).status_code == 400
    other = build(container.settings, clock=clock)  # another process: `radar integration revoke`
    try:
        other.ingest.revoke(ADMIN, there.integration.id)
    finally:
        other.close()
    assert api.post("/v2/enqueue", json=trigger(there.key)).status_code == 202
    clock.advance(timedelta(seconds=container.settings.token_cache_seconds))
    refused = api.post("/v2/enqueue", json=trigger(there.key))
    assert refused.status_code == 400
    assert refused.json()["errors"] == ["unknown or revoked integration key"]


def _alerts(c: Container) -> list[Alert]:
    return c.ingest.alerts(ADMIN)


def test_alerts_during_planned_maintenance_are_recorded_and_page_nobody(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    window = (
        "    status_page_component: Checkout and payments\n"
        "    maintenance:\n"
        "      - start: 2026-11-27T09:00:00+00:00\n"
        "        end: 2026-11-27T12:00:00+00:00\n"
        "        reason: Database upgrade\n"
    )
    text = EXAMPLE_POLICY.read_text().replace(
        "    status_page_component: Checkout and payments\n", window
    )
    container.policies.apply(text, filename="policy.yaml", author="test")
    key = key_for(container, Kind.PAGERDUTY)
    assert api.post("/v2/enqueue", json=trigger(key)).status_code == 202
    (alert,) = _alerts(container)
    assert alert.incident_id is None
    assert container.incidents.list(responder, IncidentFilter()).items == []


def test_a_maintenance_window_must_end_after_it_starts(container: Container) -> None:
    window = (
        "    status_page_component: Checkout and payments\n"
        "    maintenance:\n"
        "      - start: 2026-11-27T12:00:00+00:00\n"
        "        end: 2026-11-27T09:00:00+00:00\n"
        "        reason: Backwards\n"
    )
    text = EXAMPLE_POLICY.read_text().replace(
        "    status_page_component: Checkout and payments\n", window
    )
    with pytest.raises(InvalidInput, match="end must be after start"):
        container.policies.apply(text, filename="policy.yaml", author="test")


RULES = """
alerts:
  group_window: 30m
  rules:
    - match: {severity: warning, source: db-1.example.com}
      severity: sev2
    - match: {labels.team: search}
      service: catalog
    - match: {severity: error}
      record_only: true
"""


def test_policy_rules_choose_the_level_the_service_or_record_only(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    container.policies.apply(
        EXAMPLE_POLICY.read_text() + RULES, filename="policy.yaml", author="test"
    )
    key = key_for(container, Kind.PAGERDUTY)
    api.post("/v2/enqueue", json=trigger(key, "w", severity="warning"))
    assert container.incidents.get(responder, "INC-1").incident.severity == "sev2"
    api.post("/v2/enqueue", json=trigger(key, "e", severity="error", group="other"))
    assert len(container.incidents.list(responder, IncidentFilter()).items) == 1
    recorded = next(a for a in _alerts(container) if a.dedup_key == "e")
    assert recorded.incident_id is None


def test_rules_naming_unknown_levels_or_services_are_refused(container: Container) -> None:
    bad = "\nalerts:\n  rules:\n    - match: {severity: warning}\n      severity: sev9\n"
    with pytest.raises(PolicyError, match="unknown severity 'sev9'"):
        container.policies.apply(
            EXAMPLE_POLICY.read_text() + bad, filename="policy.yaml", author="test"
        )


def test_the_incident_page_lists_its_alerts(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    event = trigger(key)
    event["links"] = [{"href": "https://grafana/d/db", "text": "Dashboard"}]
    api.post("/v2/enqueue", json=event)
    api.post("/v2/enqueue", json=event)
    (alert,) = container.ingest.of_incident(ADMIN, "INC-1")
    assert (alert.count, alert.links[0]["href"]) == (2, "https://grafana/d/db")
