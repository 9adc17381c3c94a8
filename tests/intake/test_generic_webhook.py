"""A generic JSON webhook, read through a field mapping declared in the policy."""

from __future__ import annotations

import httpx
import pytest

from radar.bootstrap import Container
from radar.domain.access import Principal
from radar.domain.alerts import Kind
from radar.domain.errors import InvalidInput
from tests.conftest import EXAMPLE_POLICY
from tests.intake.conftest import ADMIN

MAPPING = """
alerts:
  webhooks:
    - id: uptime
      dedup_key: monitor.id
      summary: monitor.name
      source: monitor.url
      severity: level
      resolved_when: {path: state, equals: up}
"""


def test_a_mapped_body_opens_and_resolves_an_alert(
    api: httpx.Client, container: Container, responder: Principal
) -> None:
    container.policies.apply(EXAMPLE_POLICY.read_text() + MAPPING, filename="p.yaml", author="t")
    made = container.ingest.create(ADMIN, service="checkout", kind=Kind.GENERIC, mapping="uptime")
    url = f"/integrations/generic/{made.key}"
    down = {
        "monitor": {"id": 77, "name": "Checkout page down", "url": "https://shop/checkout"},
        "level": "critical",
        "state": "down",
    }
    assert api.post(url, json=down).status_code == 202
    incident = container.incidents.get(responder, "INC-1").incident
    assert (incident.title, incident.severity) == ("Checkout page down", "sev2")
    assert api.post(url, json={**down, "state": "up"}).json()["outcomes"] == {"resolved": 1}
    missing = api.post(url, json={"monitor": {"name": "no id"}})
    assert missing.status_code == 422
    assert "monitor.id is missing" in missing.text
    long_number = b'{"monitor": {"id": ' + b"7" * 5000 + b"}}"
    refused = api.post(url, content=long_number, headers={"Content-Type": "application/json"})
    assert refused.status_code == 422
    assert refused.json()["error"]["message"].endswith("more than 4,300 digits")


def test_a_generic_key_needs_a_mapping_the_policy_has(container: Container) -> None:
    with pytest.raises(InvalidInput, match="needs --mapping"):
        container.ingest.create(ADMIN, service="checkout", kind=Kind.GENERIC)
    with pytest.raises(InvalidInput, match="no webhook mapping 'nope'"):
        container.ingest.create(ADMIN, service="checkout", kind=Kind.GENERIC, mapping="nope")
