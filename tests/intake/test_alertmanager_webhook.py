"""Alertmanager (version 4) and Grafana (version 1) webhooks: whole groups sent again and again
change nothing; a new alert joining a group is said on its incident; Grafana's signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.alerts import Kind
from radar.domain.listing import IncidentFilter
from radar.server import create_app
from radar.settings import Settings
from tests.conftest import EXAMPLE_POLICY
from tests.intake.conftest import ADMIN, key_for
from tests.support.live import serve


def alert(name: str, fingerprint: str, status: str = "firing", **labels: str) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": name, "instance": "db-1:9100", **labels},
        "annotations": {"summary": f"{name} on db-1", "runbook_url": "https://runbooks/x"},
        "startsAt": "2026-11-27T09:58:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
        "fingerprint": fingerprint,
    }


def group(*alerts: dict[str, Any], status: str = "firing", **extra: Any) -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": '{}:{alertname="DiskFull"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "radar",
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": {"severity": "critical"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts),
        "someFieldFromTheFuture": {"ignored": True},
        **extra,
    }


def test_a_group_sent_again_changes_nothing_and_a_newcomer_is_announced(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    key = key_for(container, Kind.ALERTMANAGER)
    url = f"/integrations/alertmanager/{key}"
    first = api.post(url, json=group(alert("DiskFull", "f1")))
    assert first.status_code == 202
    assert first.json()["outcomes"] == {"opened": 1}
    for _ in range(3):  # every group_interval, the same group again
        assert api.post(url, json=group(alert("DiskFull", "f1"))).json()["outcomes"] == {
            "updated": 1
        }
    grown = api.post(url, json=group(alert("DiskFull", "f1"), alert("DiskFull", "f2")))
    assert grown.json()["outcomes"] == {"updated": 1, "joined": 1}
    assert len(container.incidents.list(responder, IncidentFilter()).items) == 1
    timeline = container.incidents.get(responder, "INC-1").timeline
    assert [e.message for e in timeline if e.kind == "alert_joined"] == [
        "Alert joined: DiskFull on db-1 (alertmanager, dedup_key=f2)"
    ]
    counts = sorted(a.count for a in container.ingest.alerts(ADMIN))
    assert counts == [1, 1]
    resolved = group(
        alert("DiskFull", "f1", "resolved"), alert("DiskFull", "f2", "resolved"), status="resolved"
    )
    assert api.post(url, json=resolved).json()["outcomes"] == {"resolved": 2}
    assert api.post(url, json=resolved).json()["outcomes"] == {"dropped": 2}


def test_a_warning_label_opens_a_sev3(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    key = key_for(container, Kind.ALERTMANAGER)
    body = group(alert("Slow", "s1", severity="warning"), commonLabels={})
    api.post(f"/integrations/alertmanager/{key}", json=body)
    assert container.incidents.get(responder, "INC-1").incident.severity == "sev3"


def test_a_key_for_another_tool_is_refused(api: httpx.Client, container: Container) -> None:
    key = key_for(container, Kind.PAGERDUTY)
    answer = api.post(f"/integrations/alertmanager/{key}", json=group(alert("X", "x")))
    assert answer.status_code == 409
    assert container.ingest.alerts(ADMIN) == []


def test_malformed_groups_are_refused_whole(api: httpx.Client, container: Container) -> None:
    key = key_for(container, Kind.ALERTMANAGER)
    bad = group(alert("X", "x"), alert("Y", "y", status="exploding"))
    answer = api.post(f"/integrations/alertmanager/{key}", json=bad)
    assert answer.status_code == 422
    assert "alerts.1.status" in answer.text
    long_number = json.dumps(group(alert("X", "x"))).replace('"4"', "9" * 5000).encode()
    grafana = key_for(container, Kind.GRAFANA)
    for url in (f"/integrations/alertmanager/{key}", f"/integrations/grafana/{grafana}"):
        refused = api.post(url, content=long_number, headers={"Content-Type": "application/json"})
        assert refused.status_code == 422, url
        error = refused.json()["error"]
        assert (error["field"], error["message"]) == (
            "body",
            "JSON parse error: a number has more than 4,300 digits",
        )
    assert container.ingest.alerts(ADMIN) == []


SECRET = "grafana-shared-secret"


@pytest.fixture
def signed(db_url: str, clock: FrozenClock) -> Iterator[tuple[httpx.Client, Container]]:
    """Radar with RADAR_GRAFANA_SECRET set."""
    c = build(Settings(database_url=db_url, grafana_secret=SECRET), clock=clock)
    c.policies.apply(EXAMPLE_POLICY.read_text(), filename="policy.yaml", author="test")
    try:
        with serve(create_app(c)) as url, httpx.Client(base_url=url) as client:
            yield client, c
    finally:
        c.close()


def grafana_body() -> bytes:
    body = group(alert("HighCPU", "g1"), version="1", orgId=1, state="alerting", title="[FIRING]")
    return json.dumps(body).encode()


def test_grafana_signed_requests_are_verified_with_a_replay_window(
    signed: tuple[httpx.Client, Container],
) -> None:
    api, container = signed
    key = key_for(container, Kind.GRAFANA)
    url = f"/integrations/grafana/{key}"
    body = grafana_body()
    now = str(int(time.time()))
    good = hmac.new(SECRET.encode(), now.encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {"X-Grafana-Alerting-Timestamp": now, "Content-Type": "application/json"}
    forged = api.post(url, content=body, headers={**headers, "X-Grafana-Alerting-Signature": "0"})
    assert forged.status_code == 403
    old = str(int(time.time()) - 600)
    stale_sig = hmac.new(SECRET.encode(), old.encode() + b":" + body, hashlib.sha256).hexdigest()
    stale = api.post(
        url,
        content=body,
        headers={"X-Grafana-Alerting-Timestamp": old, "X-Grafana-Alerting-Signature": stale_sig},
    )
    assert stale.status_code == 403
    for stamp in (b"9" * 5000, b"\xb2", b"1e3"):  # int() would refuse the first two: a 500
        odd = {b"X-Grafana-Alerting-Timestamp": stamp, b"X-Grafana-Alerting-Signature": b"0"}
        refused = api.post(url, content=body, headers=odd)
        assert refused.status_code == 403, stamp
        assert "timestamp" in refused.json()["error"]["message"]
    assert container.ingest.alerts(ADMIN) == []
    ok = api.put(url, content=body, headers={**headers, "X-Grafana-Alerting-Signature": good})
    assert ok.status_code == 202
    assert [a.summary for a in container.ingest.alerts(ADMIN)] == ["HighCPU on db-1"]


def test_a_label_rule_sends_the_alert_to_another_service(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    rules = "\nalerts:\n  rules:\n    - match: {labels.team: search}\n      service: catalog\n"
    container.policies.apply(
        EXAMPLE_POLICY.read_text() + rules, filename="policy.yaml", author="test"
    )
    key = key_for(container, Kind.ALERTMANAGER)
    api.post(f"/integrations/alertmanager/{key}", json=group(alert("Slow", "s1", team="search")))
    assert container.incidents.get(responder, "INC-1").incident.service == "catalog"
