"""GET /api/v1/incidents/{id}/plan: what the response will do, when and why."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from radar.bootstrap import Container
from radar.clock import FrozenClock
from tests.api.conftest import declare


def test_plan_shows_each_step_when_and_why(api: httpx.Client, container: Container) -> None:
    declare(api)
    plan = api.get("/api/v1/incidents/INC-1/plan").json()
    steps = [i for i in plan["pending"] if i["kind"] == "step"]
    assert [(s["step"], s["due_at"]) for s in steps] == [
        (1, "2026-11-27T10:00:00Z"),
        (2, "2026-11-27T10:10:00Z"),
    ]
    assert steps[1]["action"] == (
        "Laura Gómez (engineering manager, Payments) is called (if that fails: sms, then email)"
    )
    assert steps[1]["condition"] == "unless someone acknowledges first"
    kinds = [i["kind"] for i in plan["pending"]]
    assert {"upgrade", "update_due", "roles_missing"} <= set(kinds)
    container.engine.fire_due()
    container.engine.deliver_due("test")
    plan = api.get("/api/v1/incidents/INC-1/plan").json()
    assert [(n["target"], n["state"]) for n in plan["notifications"]] == [("slack:#radar", "sent")]
    assert plan["notifications"][0]["channel"] == "record"


def test_plan_shows_held_steps_and_one_instant_in_one_zone(
    api: httpx.Client, clock: FrozenClock
) -> None:
    clock.advance(datetime(2026, 11, 27, 22, 10, tzinfo=UTC) - clock.now())
    declare(api, severity="sev3", service="notifications")
    step = next(i for i in api.get("/api/v1/incidents/INC-1/plan").json()["pending"])
    assert step["kind"] == "step"
    assert step["due_at"] == "2026-11-27T22:10:00Z"
    assert step["runs_at"] == "2026-11-30T08:00:00Z"
    # Why it waits; when it runs is runs_at alone, not the same instant again in Madrid's zone.
    assert step["held"] == "held: outside working hours (madrid-office)"


def test_plan_of_a_resolved_incident_is_empty(api: httpx.Client) -> None:
    declare(api)
    api.post("/api/v1/incidents/INC-1/resolve", json={"summary": "Rolled back"})
    assert api.get("/api/v1/incidents/INC-1/plan").json()["pending"] == []


def test_plan_needs_a_token_and_a_real_incident(api: httpx.Client, anonymous: httpx.Client) -> None:
    assert anonymous.get("/api/v1/incidents/INC-1/plan").status_code == 401
    missing = api.get("/api/v1/incidents/INC-9/plan")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "no incident INC-9"
