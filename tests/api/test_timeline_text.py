"""Each timeline entry the API returns carries its words (``text``, and ``what``, ``why``,
``due``, ``public``), the same words the incident room, the CLI and Slack show."""

from __future__ import annotations

import httpx

from tests.api.conftest import declare


def test_each_entry_says_what_changed_then_why(api: httpx.Client) -> None:
    declare(api)
    steps = [
        ("post", "severity", {"severity": "sev1", "reason": "Card numbers visible in the logs"}),
        ("put", "roles/commander", {"assignee": "laura"}),
        ("post", "updates", {"message": "We found it", "visibility": "public"}),
        ("post", "resolve", {"summary": "Rolled back the deploy"}),
    ]
    for method, path, body in steps:
        response = api.request(method, f"/api/v1/incidents/INC-1/{path}", json=body)
        assert response.status_code in (200, 201), (path, response.text)
    timeline = api.get("/api/v1/incidents/INC-1").json()["timeline"]
    people = [e["text"] for e in timeline if e["via"] != "engine"]
    assert people == [
        "Declared Sev2 - Major",
        "Severity Sev2 - Major → Sev1 - Critical: Card numbers visible in the logs",
        "Commander: Laura Gómez (was nobody)",
        "Public update: We found it",
        "Resolved: Rolled back the deploy",
    ]
    (first_promise, *_) = [e for e in timeline if e["kind"] == "update_expected"]
    assert first_promise["text"] == "Next update due by 2026-11-27 10:30 UTC"
    assert (first_promise["what"], first_promise["due"]) == (
        "Next update due by",
        "2026-11-27T10:30:00Z",
    )
    public = [e["what"] for e in timeline if e["public"]]
    assert public == ["Public update"]
    # The stored fields stay as they were, for scripts that read them.
    (moved,) = [e for e in timeline if e["kind"] == "severity_changed"]
    assert (moved["field"], moved["old"], moved["new"]) == ("severity", "sev2", "sev1")


def test_a_decline_says_it_was_declined(api: httpx.Client) -> None:
    declare(api)
    url = "https://tickets.example/PAY-7"
    declined = api.post(
        "/api/v1/incidents/INC-1/decline", json={"reason": "Cosmetic", "ticket_url": url}
    )
    assert declined.status_code == 200, declined.text
    timeline = api.get("/api/v1/incidents/INC-1").json()["timeline"]
    (entry,) = [e for e in timeline if e["kind"] == "declined"]
    assert entry["text"] == f"Declined as not an incident: Cosmetic (ticket {url})"
