"""What the API tells people about an incident in words (issue 17, items 4, 5 and 8): refusals
name what is allowed in words, the acknowledgement keeps its history through a fresh-level
upgrade, and a declined report can be reported anyway."""

from __future__ import annotations

import httpx

from radar.bootstrap import Container
from tests.api.conftest import declare
from tests.conftest import EXAMPLE_POLICY


def fresh_sev1(container: Container) -> None:
    """The example policy, with a Sev1 that asks for a fresh acknowledgement."""
    text = EXAMPLE_POLICY.read_text().replace(
        "    urgent: true\n", "    urgent: true\n    fresh_acknowledgement: true\n", 1
    )
    container.policies.apply(text, filename="policy.yaml", author="test")


def test_a_refusal_names_what_is_allowed_in_words(api: httpx.Client) -> None:
    declare(api)
    api.post("/api/v1/incidents/INC-1/resolve", json={"summary": "Fixed"})
    refused = api.post("/api/v1/incidents/INC-1/acknowledge")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["message"] == (
        "cannot acknowledge INC-1: it is resolved; "
        "allowed now: post an update, assign a role, reopen, close"
    )
    assert error["allowed_actions"] == ["post_update", "assign_role", "reopen", "close"]

    moved = api.post(
        "/api/v1/incidents/INC-1/updates", json={"message": "Back", "status": "investigating"}
    )
    assert moved.status_code == 409
    assert moved.json()["error"]["message"] == (
        "cannot move INC-1 from resolved to investigating; "
        "allowed now: post an update, assign a role, reopen, close"
    )


def test_the_acknowledgement_keeps_its_history_through_a_fresh_level(
    api: httpx.Client, container: Container
) -> None:
    fresh_sev1(container)
    declare(api)
    acked = api.post("/api/v1/incidents/INC-1/acknowledge").json()
    assert acked["acknowledgement_text"] == "acknowledged by Ana (api)"
    assert acked["awaiting_acknowledgement"] is False

    upgraded = api.post(
        "/api/v1/incidents/INC-1/severity", json={"severity": "sev1", "reason": "Data exposed"}
    ).json()
    assert upgraded["acknowledgement"] is None
    said = "acknowledged at Sev2 - Major by Ana (api); Sev1 - Critical not yet acknowledged"
    assert upgraded["acknowledgement_text"] == said
    assert upgraded["awaiting_acknowledgement"] is True
    assert api.get("/api/v1/incidents/INC-1").json()["acknowledgement_text"] == said
    [listed] = api.get("/api/v1/incidents").json()["items"]
    assert (listed["acknowledgement_text"], listed["awaiting_acknowledgement"]) == (said, True)

    resolved = api.post("/api/v1/incidents/INC-1/resolve", json={"summary": "Scrubbed"}).json()
    assert resolved["acknowledgement_text"] == (
        "acknowledged at Sev2 - Major by Ana (api); Sev1 - Critical was not acknowledged"
    )
    assert resolved["awaiting_acknowledgement"] is False


def test_a_declined_report_is_reported_anyway_at_the_chosen_level(
    api: httpx.Client, container: Container
) -> None:
    declare(api, title="Prices look odd")
    declined = api.post("/api/v1/incidents/INC-1/decline", json={"reason": "One customer"})
    assert declined.json()["acknowledgement_text"] == "not needed: not an incident"
    assert declined.json()["allowed_actions"] == ["report_anyway"]

    reader = container.accounts.create_token("ana", name="read only", scopes="read").secret
    refused = api.post(
        "/api/v1/incidents/INC-1/report-anyway",
        json={"severity": "sev2", "reason": "x"},
        headers={"Authorization": f"Bearer {reader}"},
    )
    assert refused.status_code == 403  # reporting anyway needs what reporting needs
    unknown = api.post(
        "/api/v1/incidents/INC-1/report-anyway", json={"severity": "sev9", "reason": "x"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "severity"

    anyway = api.post(
        "/api/v1/incidents/INC-1/report-anyway",
        json={"severity": "sev2", "reason": "Every price is off by 10x"},
    )
    assert anyway.status_code == 200, anyway.text
    body = anyway.json()
    assert (body["status"], body["severity"], body["closed_at"]) == ("reported", "sev2", None)
    assert body["acknowledgement_text"] == "not yet acknowledged"
    assert "decline" in body["allowed_actions"]
    detail = api.get("/api/v1/incidents/INC-1").json()
    last = [e for e in detail["timeline"] if e["via"] != "engine"][-1]
    assert (last["kind"], last["new"], last["message"]) == (
        "reported_anyway",
        "sev2",
        "Every price is off by 10x",
    )
    assert api.get("/api/v1/incidents/INC-1/plan").json()["pending"], "the response started"

    again = api.post(
        "/api/v1/incidents/INC-1/report-anyway", json={"severity": "sev2", "reason": "x"}
    )
    assert again.status_code == 409
    assert again.json()["error"]["message"].startswith(
        "cannot report anyway INC-1: it is reported; allowed now: acknowledge, post an update"
    )
