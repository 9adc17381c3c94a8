"""Intake proven with the real senders, not with bodies written by hand: Debian's Prometheus
Alertmanager delivering its webhook to a live Radar, and PagerDuty's official Python client
(``pagerduty.EventsApiV2Client``) sending Events API v2 to Radar's ``/v2/enqueue``.

Alertmanager groups and sends on its own schedule, so the Alertmanager test waits on a real
process: it polls Radar's stored state with a deadline (``eventually``). Radar's own clock is
still the tests' FrozenClock, so the times Radar stores do not move.

PagerDuty's client only speaks HTTPS (its ``url`` setter refuses anything else), so Radar is
served over TLS with a throw-away certificate made by ``openssl``, which the client trusts.

CI installs prometheus-alertmanager (`.ci/run`) and sets ``RADAR_REQUIRE_BROWSER=1``, so a
missing binary fails there; on a developer's machine without it these tests are skipped.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pagerduty
import pytest
import yaml

from radar.bootstrap import Container
from radar.domain.access import Principal
from radar.domain.alerts import Alert, AlertStatus, Kind
from radar.domain.listing import IncidentFilter
from radar.server import create_app
from tests.intake.conftest import ADMIN, key_for
from tests.support.live import serve
from tests.support.patience import PATIENCE
from tests.support.receivers import self_signed

ALERTMANAGER = Path("/usr/bin/prometheus-alertmanager")
OPENSSL = Path("/usr/bin/openssl")
DEADLINE = PATIENCE  # how long a real Alertmanager gets to deliver what it was given
T = TypeVar("T")


def require(program: Path, package: str) -> None:
    """Skip without ``program``, or fail when CI says the real senders must run."""
    if program.exists():
        return
    if os.environ.get("RADAR_REQUIRE_BROWSER"):
        pytest.fail(f"RADAR_REQUIRE_BROWSER is set but {program} is missing")
    pytest.skip(f"Debian's {package} is not installed (apt install {package})")


def eventually(check: Callable[[], T | None], what: str, timeout: float = DEADLINE) -> T:
    """Poll ``check`` until it returns something truthy. This waits for a real external process
    (Alertmanager) to do its work, not for application time, which the tests move by hand."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.1)  # polling a real process, see above


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# Alertmanager


@dataclass(frozen=True)
class Alertmanager:
    """A running `prometheus-alertmanager` and its API."""

    url: str
    log: Path

    def post(self, *alerts: dict[str, Any]) -> None:
        """What Prometheus does: post alerts to Alertmanager's own API."""
        answer = httpx.post(f"{self.url}/api/v2/alerts", json=list(alerts), timeout=5)
        assert answer.status_code == 200, answer.text

    def fingerprints(self) -> dict[str, str]:
        """Alertmanager's fingerprint of each alert it holds, by instance."""
        held = httpx.get(f"{self.url}/api/v2/alerts", timeout=5).json()
        return {a["labels"]["instance"]: a["fingerprint"] for a in held}

    def webhooks(self) -> tuple[int, int]:
        """Webhook notifications Alertmanager has sent, and how many of them failed."""
        text = httpx.get(f"{self.url}/metrics", timeout=5).text

        def total(metric: str) -> int:
            return sum(
                int(float(line.rsplit(" ", 1)[1]))
                for line in text.splitlines()
                if line.startswith(metric + "{") and 'integration="webhook"' in line
            )

        return (
            total("alertmanager_notifications_total"),
            total("alertmanager_notifications_failed_total"),
        )


def alertmanager_config(webhook: str) -> dict[str, Any]:
    return {
        "route": {
            "receiver": "radar",
            "group_by": ["alertname"],
            "group_wait": "1s",
            "group_interval": "2s",
            "repeat_interval": "1h",
        },
        "receivers": [{"name": "radar", "webhook_configs": [{"url": webhook}]}],
    }


@pytest.fixture
def start_alertmanager(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[str], Alertmanager]:
    """Starts Alertmanager with Radar's webhook as its only receiver; stopped at the end."""
    require(ALERTMANAGER, "prometheus-alertmanager")

    def start(webhook: str) -> Alertmanager:
        config = tmp_path / "alertmanager.yml"
        config.write_text(yaml.safe_dump(alertmanager_config(webhook)))
        (tmp_path / "am-data").mkdir()
        port, log = free_port(), tmp_path / "alertmanager.log"
        args = [
            str(ALERTMANAGER),
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",  # no cluster: a single instance
        ]
        with log.open("wb") as out:
            proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        request.addfinalizer(lambda: stop(proc))
        am = Alertmanager(f"http://127.0.0.1:{port}", log)

        def ready() -> bool:
            assert proc.poll() is None, f"alertmanager exited:\n{log.read_text()}"
            try:
                return httpx.get(f"{am.url}/-/ready", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        eventually(ready, "Alertmanager answers /-/ready")
        return am

    return start


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def disk_full(host: str, *, resolved: bool = False) -> dict[str, Any]:
    """One alert as Prometheus posts it; resolved, its end is in the past."""
    now = datetime.now(UTC)
    alert: dict[str, Any] = {
        "labels": {"alertname": "DiskFull", "severity": "critical", "instance": f"{host}:9100"},
        "annotations": {"summary": f"Disk full on {host}", "runbook_url": "https://runbooks/disk"},
        "startsAt": (now - timedelta(minutes=5)).isoformat(),
        "generatorURL": "http://prometheus:9090/graph?g0.expr=node_filesystem_avail_bytes",
    }
    if resolved:
        alert["endsAt"] = (now - timedelta(seconds=1)).isoformat()
    return alert


def test_alertmanager_opens_one_incident_announces_a_joiner_and_resolves(
    container: Container,
    responder: Principal,
    start_alertmanager: Callable[[str], Alertmanager],
) -> None:
    key = key_for(container, Kind.ALERTMANAGER)
    with serve(create_app(container)) as radar:
        am = start_alertmanager(f"{radar}/integrations/alertmanager/{key}")

        def stored(n: int) -> list[Alert] | None:
            found = container.ingest.alerts(ADMIN)
            return found if len(found) == n else None

        # A firing alert opens one incident, at the level its severity label says.
        am.post(disk_full("db-1"))
        (first,) = eventually(lambda: stored(1), "the first alert is stored")
        fingerprint = am.fingerprints()
        assert (first.dedup_key, first.status, first.count) == (
            fingerprint["db-1:9100"],
            AlertStatus.TRIGGERED,
            1,
        )
        incident = container.incidents.get(responder, "INC-1").incident
        assert (incident.title, incident.service, incident.severity) == (
            "Disk full on db-1",
            "checkout",
            "sev2",
        )
        assert first.incident_id == incident.id
        assert {link["text"]: link["href"] for link in first.links}["Runbook"] == (
            "https://runbooks/disk"
        )

        # A second alert of the same group: Alertmanager sends the whole group again, with the
        # first alert in it; the newcomer joins the incident, and the incident says so.
        am.post(disk_full("db-2"))
        eventually(lambda: stored(2), "the second alert is stored")
        fingerprint = am.fingerprints()
        timeline = container.incidents.get(responder, "INC-1").timeline
        assert [e.message for e in timeline if e.kind == "alert_joined"] == [
            f"Alert joined: Disk full on db-2 (alertmanager, dedup_key={fingerprint['db-2:9100']})"
        ]
        assert len(container.incidents.list(responder, IncidentFilter()).items) == 1
        assert [a.count for a in container.ingest.alerts(ADMIN)] == [1, 1]

        # Resolving one alert: the group is sent again (one resolved, one firing).
        am.post(disk_full("db-1", resolved=True))

        def statuses() -> dict[str, AlertStatus]:
            return {a.dedup_key: a.status for a in container.ingest.alerts(ADMIN)}

        eventually(
            lambda: statuses()[fingerprint["db-1:9100"]] is AlertStatus.RESOLVED,
            "db-1's alert is resolved",
        )
        assert statuses()[fingerprint["db-2:9100"]] is AlertStatus.TRIGGERED

        # And the other: the group is resolved, and the incident says every alert has.
        am.post(disk_full("db-2", resolved=True))
        eventually(
            lambda: set(statuses().values()) == {AlertStatus.RESOLVED}, "both alerts resolved"
        )
        sent, failed = am.webhooks()

    # Four deliveries of the whole group, one per group_interval in which it changed: {db-1},
    # {db-1, db-2}, {db-1 resolved, db-2}, {db-2 resolved}. Each alert arrived three times;
    # Radar stored each once and counted no resend as a new event; every delivery was accepted.
    # (With repeat_interval 1h, Alertmanager does not resend a group that has not changed.)
    assert (sent, failed) == (4, 0), am.log.read_text()
    alerts = container.ingest.alerts(ADMIN)
    assert sorted((a.dedup_key, a.count) for a in alerts) == sorted(
        (fingerprint[h], 1) for h in ("db-1:9100", "db-2:9100")
    )
    assert all(a.resolved_at is not None for a in alerts)
    detail = container.incidents.get(responder, "INC-1")
    assert len(container.incidents.list(responder, IncidentFilter()).items) == 1
    resolved_notes = [e.message or "" for e in detail.timeline if e.kind == "alert_resolved"]
    assert resolved_notes[0] == (
        f"Alert resolved: Disk full on db-1 (dedup_key={fingerprint['db-1:9100']})"
    )
    assert resolved_notes[1].endswith(
        "all of this incident's alerts have resolved: resolve it when you agree"
    )
    assert len(resolved_notes) == 2
    assert detail.incident.status.value == "reported"  # people resolve incidents, not alerts


# PagerDuty's official client


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    require(OPENSSL, "openssl")
    return self_signed(tmp_path)


def test_pagerdutys_client_triggers_acknowledges_and_resolves(
    container: Container, responder: Principal, certificate: tuple[Path, Path]
) -> None:
    cert, tls_key = certificate
    key = key_for(container, Kind.PAGERDUTY)
    trust = ssl.create_default_context(cafile=str(cert))
    with (
        serve(create_app(container), tls=(cert, tls_key)) as url,
        pagerduty.EventsApiV2Client(key, base_url=url, verify=trust) as client,
    ):
        returned = client.trigger(
            "Checkout 5xx above 2%",
            "lb-1.example.com",
            dedup_key="checkout-5xx",
            severity="critical",
            custom_details={"error_rate": 0.031},
            links=[{"href": "https://grafana/d/checkout", "text": "Dashboard"}],
        )
        assert returned == "checkout-5xx"
        (alert,) = container.ingest.alerts(ADMIN)
        assert (alert.dedup_key, alert.status, alert.count, alert.severity) == (
            "checkout-5xx",
            AlertStatus.TRIGGERED,
            1,
            "critical",
        )
        assert alert.details == {"error_rate": 0.031}
        assert alert.links == [{"href": "https://grafana/d/checkout", "text": "Dashboard"}]
        incident = container.incidents.get(responder, "INC-1").incident
        assert (incident.title, incident.severity, incident.acknowledgement) == (
            "Checkout 5xx above 2%",
            "sev2",
            None,
        )

        # The same trigger again only counts.
        assert client.trigger("Checkout 5xx above 2%", "lb-1", dedup_key="checkout-5xx") == (
            "checkout-5xx"
        )
        assert client.acknowledge("checkout-5xx") == "checkout-5xx"
        (alert,) = container.ingest.alerts(ADMIN)
        assert (alert.status, alert.count) == (AlertStatus.ACKNOWLEDGED, 2)
        acked = container.incidents.get(responder, "INC-1").incident.acknowledgement
        assert acked is not None
        assert acked.via.value == "integration"

        assert client.resolve("checkout-5xx") == "checkout-5xx"
        (alert,) = container.ingest.alerts(ADMIN)
        assert alert.status is AlertStatus.RESOLVED
        assert alert.resolved_at is not None

        # With no open alert, an acknowledge is accepted and dropped, as PagerDuty does.
        assert client.acknowledge("checkout-5xx") == "checkout-5xx"
        assert [a.status for a in container.ingest.alerts(ADMIN)] == [AlertStatus.RESOLVED]

        # A trigger without a dedup key: Radar makes one, and the client hands it back.
        made = client.trigger("Nightly export finished late", "batch-1", severity="info")
        newest = container.ingest.alerts(ADMIN)[0]
        assert made == newest.dedup_key
        assert len(made) == 36  # a UUID
        assert newest.incident_id is None  # info is recorded; nobody is paged

    timeline = container.incidents.get(responder, "INC-1").timeline
    assert [e.kind for e in timeline if e.kind.startswith("alert_")] == ["alert_resolved"]
    assert len(container.incidents.list(responder, IncidentFilter()).items) == 1
