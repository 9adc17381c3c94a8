"""The incident API as a client sees it."""

from __future__ import annotations

from datetime import timedelta

import httpx

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from tests.api.conftest import declare, token_for


def test_declare_returns_the_incident_and_where_it_lives(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/incidents",
        json={"title": "Site down", "service": "catalog", "severity": "sev2", "drill": True},
    )
    assert response.status_code == 201
    body = response.json()
    assert response.headers["Location"] == "/api/v1/incidents/INC-1"
    assert (body["id"], body["reference"], body["status"]) == (1, "INC-1", "reported")
    assert (body["reporter"], body["drill"], body["restricted"]) == ("Ana", True, False)
    assert body["acknowledgement"] is None
    assert "decline" in body["allowed_actions"]


def test_incident_is_reachable_by_reference_and_by_id(api: httpx.Client) -> None:
    declare(api)
    for ref in ("INC-1", "inc-1", "1"):
        assert api.get(f"/api/v1/incidents/{ref}").json()["reference"] == "INC-1"


def test_full_response_is_recorded_on_the_timeline(api: httpx.Client, clock: FrozenClock) -> None:
    declare(api)
    clock.advance(timedelta(minutes=3))
    ack = api.post("/api/v1/incidents/INC-1/acknowledge").json()["acknowledgement"]
    assert ack["by"] == "Ana"
    assert ack["via"] == "api"
    assert ack["at"] == "2026-11-27T10:03:00Z"
    steps = [
        ("post", "updates", {"message": "Looking", "status": "investigating"}),
        ("put", "roles/commander", {"assignee": "Laura"}),
        ("post", "severity", {"severity": "sev1", "reason": "Data exposed"}),
        ("post", "updates", {"message": "We found it", "visibility": "public"}),
        ("post", "resolve", {"summary": "Rolled back"}),
        ("post", "reopen", {"reason": "Back again"}),
        ("post", "resolve", {"summary": "Fixed for real"}),
        ("post", "close", None),
    ]
    for method, path, body in steps:
        response = api.request(method, f"/api/v1/incidents/INC-1/{path}", json=body)
        assert response.status_code == (201 if path == "updates" else 200), (path, response.text)
    detail = api.get("/api/v1/incidents/INC-1").json()
    assert detail["status"] == "closed"
    assert detail["allowed_actions"] == []
    people = [e for e in detail["timeline"] if e["via"] != "engine"]
    assert [e["kind"] for e in people] == [
        "declared",
        "acknowledged",
        "update_posted",
        "status_changed",
        "role_assigned",
        "severity_changed",
        "update_posted",
        "resolved",
        "reopened",
        "resolved",
        "status_changed",
    ]
    public = [e["message"] for e in detail["timeline"] if e["visibility"] == "public"]
    assert public == ["We found it"]


def test_refused_transition_is_409_with_status_and_allowed_actions(api: httpx.Client) -> None:
    declare(api)
    api.post("/api/v1/incidents/INC-1/resolve", json={"summary": "Fixed"})
    response = api.post("/api/v1/incidents/INC-1/acknowledge")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["current_status"] == "resolved"
    assert error["allowed_actions"] == ["post_update", "assign_role", "reopen", "close"]
    assert "resolved" in error["message"]


def test_decline_from_triage_stays_searchable(api: httpx.Client) -> None:
    declare(api, title="Typo on the About page")
    response = api.post(
        "/api/v1/incidents/INC-1/decline",
        json={"reason": "Cosmetic; ticket filed", "ticket_url": "https://tickets.example/42"},
    )
    assert response.json()["status"] == "declined"
    found = api.get("/api/v1/incidents", params={"q": "ticket filed"}).json()["items"]
    assert [i["reference"] for i in found] == ["INC-1"]
    assert found[0]["ticket_url"] == "https://tickets.example/42"


def test_list_filters_and_cursor(api: httpx.Client) -> None:
    for n in range(5):
        declare(api, title=f"P{n}", severity="sev3" if n % 2 else "sev4")
    page = api.get("/api/v1/incidents", params={"limit": 2}).json()
    assert [i["reference"] for i in page["items"]] == ["INC-5", "INC-4"]
    page2 = api.get("/api/v1/incidents", params={"limit": 2, "cursor": page["next_cursor"]})
    assert [i["reference"] for i in page2.json()["items"]] == ["INC-3", "INC-2"]
    sev3 = api.get("/api/v1/incidents", params=[("severity", "sev3"), ("open", "true")]).json()
    assert [i["reference"] for i in sev3["items"]] == ["INC-4", "INC-2"]
    bad = api.get("/api/v1/incidents", params={"cursor": "nonsense"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "cursor"


def test_every_api_route_needs_a_token(anonymous: httpx.Client) -> None:
    for method, path in [
        ("GET", "/api/v1/incidents"),
        ("POST", "/api/v1/incidents"),
        ("GET", "/api/v1/incidents/INC-1"),
        ("POST", "/api/v1/incidents/INC-1/acknowledge"),
        ("GET", "/api/v1/policy"),
    ]:
        response = anonymous.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "unauthenticated"
    wrong = anonymous.get("/api/v1/incidents", headers={"Authorization": "Bearer radar_nope"})
    assert wrong.status_code == 401


def test_public_endpoints_answer_without_a_token(anonymous: httpx.Client) -> None:
    assert anonymous.get("/healthz").json() == {"status": "ok"}
    ready = anonymous.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "migrations": "ok", "policy": "ok"}
    spec = anonymous.get("/api/openapi.json").json()
    assert "/api/v1/incidents/{incident}/acknowledge" in spec["paths"]


def test_expired_and_revoked_tokens_are_refused(
    container: Container, anonymous: httpx.Client, clock: FrozenClock
) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER)
    made = container.accounts.create_token("sam", name="short", expires_in=timedelta(hours=1))
    headers = {"Authorization": f"Bearer {made.secret}"}
    assert anonymous.get("/api/v1/incidents", headers=headers).status_code == 200
    clock.advance(timedelta(hours=1))
    refused = anonymous.get("/api/v1/incidents", headers=headers)
    assert refused.status_code == 401
    assert "expired" in refused.json()["error"]["message"]


def test_viewer_token_reads_and_reports_but_cannot_respond(
    container: Container, anonymous: httpx.Client
) -> None:
    headers = {"Authorization": f"Bearer {token_for(container, 'vic', UserRole.VIEWER)}"}
    assert anonymous.get("/api/v1/incidents", headers=headers).status_code == 200
    reported = anonymous.post(
        "/api/v1/incidents",
        headers=headers,
        json={"title": "x", "service": "checkout", "severity": "sev2"},
    )
    assert reported.status_code == 201  # anyone can report (RADAR_VIEWERS_MAY_REPORT)
    response = anonymous.post("/api/v1/incidents/INC-1/acknowledge", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_policy_endpoint_shows_the_running_process(api: httpx.Client) -> None:
    policy = api.get("/api/v1/policy").json()
    assert [s["id"] for s in policy["severities"]] == ["sev1", "sev2", "sev3", "sev4"]
    assert "checkout" in [s["id"] for s in policy["services"]]


def test_declaring_for_someone_else_keeps_both_names(api: httpx.Client) -> None:
    created = declare(api, reporter="Maria from support")
    assert created["reporter"] == "Maria from support"
    entry = api.get("/api/v1/incidents/INC-1").json()["timeline"][0]
    assert (entry["actor"], entry["message"]) == ("Ana", "reported by Maria from support")


def test_acknowledge_is_no_longer_offered_once_acknowledged(api: httpx.Client) -> None:
    declare(api)
    acked = api.post("/api/v1/incidents/INC-1/acknowledge").json()
    assert "acknowledge" not in acked["allowed_actions"]
    again = api.post("/api/v1/incidents/INC-1/acknowledge")
    assert again.status_code == 200
    timeline = api.get("/api/v1/incidents/INC-1").json()["timeline"]
    assert [e["kind"] for e in timeline if e["via"] != "engine"] == ["declared", "acknowledged"]


def test_decline_puts_the_ticket_on_the_timeline(api: httpx.Client) -> None:
    declare(api)
    api.post(
        "/api/v1/incidents/INC-1/decline",
        json={"reason": "Cosmetic", "ticket_url": "https://tickets.example/7"},
    )
    entry = api.get("/api/v1/incidents/INC-1").json()["timeline"][-1]
    assert entry["message"] == "Cosmetic\nTicket: https://tickets.example/7"


def test_anonymous_malformed_request_is_told_to_authenticate_first(
    anonymous: httpx.Client,
) -> None:
    response = anonymous.post(
        "/api/v1/incidents", content=b"{bad", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401
    bad_token = anonymous.post(
        "/api/v1/incidents",
        content=b"{bad",
        headers={"Content-Type": "application/json", "Authorization": "Bearer radar_x"},
    )
    assert bad_token.status_code == 401


def test_revoked_token_stops_working_at_once(container: Container, anonymous: httpx.Client) -> None:
    secret = token_for(container, "sam", UserRole.RESPONDER)
    headers = {"Authorization": f"Bearer {secret}"}
    assert anonymous.get("/api/v1/incidents", headers=headers).status_code == 200
    [(token, owner)] = container.accounts.tokens("sam")
    assert owner == "sam"
    assert token.last_used_at is not None
    container.accounts.revoke_token(token.id)
    assert anonymous.get("/api/v1/incidents", headers=headers).status_code == 401


def test_policy_endpoint_includes_the_emergency_question(api: httpx.Client) -> None:
    assert api.get("/api/v1/policy").json()["emergency_test"] == (
        "Does this need an emergency response?"
    )
