"""Answering the upgrade Radar proposes, through the API: accept (the incident moves, as the
caller's decision) or decline (the level stays); refused as other incident actions are."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from tests.api.conftest import declare, token_for
from tests.support.proposals import REASON, propose_upgrade

PATH = "/api/v1/incidents/INC-1/upgrade-proposal"


@pytest.fixture
def proposed(api: httpx.Client, container: Container, clock: FrozenClock) -> httpx.Client:
    """INC-1, a Sev2 Ana declared, with Sev1 proposed by Radar four hours later."""
    declare(api)
    propose_upgrade(container, clock)
    return api


def entries(api: httpx.Client, kind: str) -> list[dict[str, Any]]:
    timeline = api.get("/api/v1/incidents/INC-1").json()["timeline"]
    return [e for e in timeline if e["kind"] == kind]


def test_the_incident_shows_what_radar_proposes(proposed: httpx.Client) -> None:
    shown = proposed.get("/api/v1/incidents/INC-1").json()
    assert (shown["severity"], shown["proposed_severity"]) == ("sev2", "sev1")
    assert shown["proposed_at"] == "2026-11-27T14:00:00Z"
    assert shown["auto_upgrade"] is True
    (entry,) = entries(proposed, "upgrade_proposed")
    assert (entry["actor"], entry["old"], entry["new"]) == ("Radar", "sev2", "sev1")
    assert (
        entry["message"]
        == f"proposed sev1 instead of upgrading, as it is being worked on: {REASON}"
    )


def test_accepting_moves_the_incident_as_the_callers_decision(proposed: httpx.Client) -> None:
    answer = proposed.post(PATH, json={"accept": True})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["severity"], body["proposed_severity"], body["proposed_at"]) == (
        "sev1",
        None,
        None,
    )
    (moved,) = entries(proposed, "severity_changed")
    assert (moved["actor"], moved["via"], moved["old"], moved["new"]) == (
        "Ana",
        "api",
        "sev2",
        "sev1",
    )
    assert moved["message"].startswith("accepted the upgrade Radar proposed at sev2")


def test_declining_keeps_the_level_and_clears_the_proposal(proposed: httpx.Client) -> None:
    answer = proposed.post(PATH, json={"accept": False})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["severity"], body["proposed_severity"], body["auto_upgrade"]) == (
        "sev2",
        None,
        True,
    )
    (declined,) = entries(proposed, "upgrade_declined")
    assert (declined["actor"], declined["via"]) == ("Ana", "api")
    assert declined["message"] == "declined the proposed upgrade to sev1; sev2 stays"
    assert entries(proposed, "severity_changed") == []


@pytest.mark.parametrize("accept", [True, False])
def test_answering_twice_is_refused_naming_accept(proposed: httpx.Client, accept: bool) -> None:
    assert proposed.post(PATH, json={"accept": accept}).status_code == 200
    again = proposed.post(PATH, json={"accept": accept})
    assert again.status_code == 422
    error = again.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_input", "accept")
    assert error["message"] == "INC-1 has no proposed upgrade to answer"


@pytest.mark.parametrize(
    "body",
    [{}, {"accept": "yes"}, {"accept": 1}, {"accept": None}, {"accept": True, "level": "sev1"}],
    ids=["missing", "string", "number", "null", "unknown-field"],
)
def test_a_bad_answer_is_422_naming_the_field(proposed: httpx.Client, body: dict[str, Any]) -> None:
    answer = proposed.post(PATH, json=body)
    assert answer.status_code == 422
    field = answer.json()["error"]["field"]
    assert field == ("level" if "level" in body else "accept")
    assert proposed.get("/api/v1/incidents/INC-1").json()["proposed_severity"] == "sev1"


def test_a_resolved_incident_has_nothing_to_answer(proposed: httpx.Client) -> None:
    assert proposed.post("/api/v1/incidents/INC-1/resolve", json={"summary": "Fixed"}).is_success
    answer = proposed.post(PATH, json={"accept": True})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "invalid_transition"


def test_a_viewer_may_not_answer(
    proposed: httpx.Client, container: Container, base_url: str
) -> None:
    secret = token_for(container, "victor", UserRole.VIEWER)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {secret}"}) as viewer:
        answer = viewer.post(PATH, json={"accept": True})
    assert answer.status_code == 403
    assert proposed.get("/api/v1/incidents/INC-1").json()["proposed_severity"] == "sev1"


def test_a_restricted_incident_is_not_there_for_a_non_participant(
    api: httpx.Client, container: Container, clock: FrozenClock, base_url: str
) -> None:
    declare(api, restricted=True)
    propose_upgrade(container, clock)
    secret = token_for(container, "joan", UserRole.RESPONDER)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {secret}"}) as joan:
        answer = joan.post(PATH, json={"accept": True})
    assert answer.status_code == 404
    assert answer.json()["error"]["message"] == "no incident INC-1"
    assert api.post(PATH, json={"accept": True}).json()["severity"] == "sev1"  # Ana takes part


def test_without_a_token_nothing_is_answered(proposed: httpx.Client, base_url: str) -> None:
    assert httpx.post(base_url + PATH, json={"accept": True}).status_code == 401
    assert proposed.get("/api/v1/incidents/INC-1").json()["proposed_severity"] == "sev1"


def test_the_openapi_document_declares_the_refusals(anonymous: httpx.Client) -> None:
    document = anonymous.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/incidents/{incident}/upgrade-proposal"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/UpgradeAnswer")
    incident = document["components"]["schemas"]["IncidentOut"]["properties"]
    assert {"proposed_severity", "proposed_at", "auto_upgrade"} <= set(incident)
