"""The policy and triage API: reading the process, applying versions, walking the guide."""

from __future__ import annotations

import httpx
import pytest

from radar.bootstrap import Container
from radar.domain.access import UserRole
from tests.api.conftest import declare, token_for
from tests.conftest import EXAMPLE_POLICY

YES, NO = 0, 1


def admin(container: Container, base_url: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token_for(container, 'root', UserRole.ADMIN)}"}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


def test_policy_shows_the_machine_part_too(api: httpx.Client) -> None:
    policy = api.get("/api/v1/policy").json()
    sev2 = next(s for s in policy["severities"] if s["id"] == "sev2")
    assert sev2["hours"] == "always"
    assert [step["notify"] for step in sev2["steps"]] == [["slack:#radar"], ["engineering_manager"]]
    assert sev2["steps"][1]["after_seconds"] == 600
    assert sev2["steps"][1]["via"] == [["phone", "sms", "email"]]
    assert sev2["upgrade"] == {"after_seconds": 14400, "counting": "wall_clock", "to": "sev1"}
    assert [t["engineering_manager"] for t in policy["teams"]] == ["laura", "david"]
    assert policy["has_guide"] is True


def test_only_admins_apply_a_policy(api: httpx.Client) -> None:
    response = api.post("/api/v1/policy", json={"content": EXAMPLE_POLICY.read_text()})
    assert response.status_code == 403


def test_applying_reports_changes_in_words(container: Container, base_url: str) -> None:
    text = EXAMPLE_POLICY.read_text().replace("every: 30m", "every: 20m")
    with admin(container, base_url) as client:
        response = client.post("/api/v1/policy", json={"content": text, "filename": "p.yaml"})
        assert response.status_code == 201
        body = response.json()
        assert body["version"] == 2
        assert body["applied_by"] == "root"
        assert body["changes"] == ["severity sev2, updates.every: 30m -> 20m"]
        again = client.post("/api/v1/policy", json={"content": text, "if_changed": True})
        assert again.status_code == 200
        assert again.json()["created"] is False
        versions = client.get("/api/v1/policy/versions").json()
        assert [v["version"] for v in versions] == [2, 1]


def test_a_bad_policy_is_refused_whole_and_the_old_one_runs(
    container: Container, base_url: str
) -> None:
    bad = EXAMPLE_POLICY.read_text().replace("owner: discovery", "owner: nobody")
    with admin(container, base_url) as client:
        response = client.post("/api/v1/policy", json={"content": bad, "filename": "bad.yaml"})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "invalid_policy"
        assert len(error["problems"]) == 2
        assert all(p["field"].startswith("bad.yaml:") for p in error["problems"])
        assert client.get("/api/v1/policy").json()["version"] == 1


@pytest.mark.parametrize("value", ["9" * 5000, "2026-02-30"])
def test_a_value_yaml_cannot_read_is_refused_naming_where_it_is(
    container: Container, base_url: str, value: str
) -> None:
    bad = EXAMPLE_POLICY.read_text().replace("version: 1", f"version: {value}")
    with admin(container, base_url) as client:
        response = client.post("/api/v1/policy", json={"content": bad, "filename": "bad.yaml"})
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "invalid_policy"
        assert error["field"].startswith("bad.yaml:10:")
        assert client.get("/api/v1/policy").json()["version"] == 1


def test_triage_walks_the_guide_one_question_at_a_time(api: httpx.Client) -> None:
    first = api.post("/api/v1/triage", json={}).json()
    assert first["complete"] is False
    assert first["next_question"]["id"] == "harm"
    assert [a["label"] for a in first["next_question"]["answers"]] == ["Yes", "No"]
    done = api.post("/api/v1/triage", json={"answers": [NO, YES], "service": "checkout"}).json()
    assert done["complete"] is True
    assert (done["severity"], done["severity_name"]) == ("sev2", "Sev2 - Major")
    assert "The site is down." in done["examples"]
    assert done["response"][0].startswith("#radar is told now; if nobody responds in 10 minutes,")
    assert len(done["path"]) == 2


def test_triage_refuses_impossible_answers(api: httpx.Client) -> None:
    response = api.post("/api/v1/triage", json={"answers": [7]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "answers.0"


def test_declaring_against_the_guide_needs_a_reason(api: httpx.Client) -> None:
    refused = api.post(
        "/api/v1/incidents",
        json={
            "title": "x",
            "service": "catalog",
            "severity": "sev2",
            "triage_answers": [NO, NO, YES],
        },
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "severity_reason"
    assert "suggests sev3" in refused.json()["error"]["message"]
    declare(
        api,
        severity="sev2",
        triage_answers=[NO, NO, YES],
        severity_reason="Black Friday: one category is most of today's sales",
    )
    entry = api.get("/api/v1/incidents/INC-1").json()["timeline"][0]
    assert entry["message"] == (
        "the severity guide suggested sev3; declared sev2 because: Black Friday: one category is "
        "most of today's sales"
    )


def test_declaring_what_the_guide_suggests_records_it(api: httpx.Client) -> None:
    declare(api, severity="sev3", triage_answers=[NO, NO, YES])
    entry = api.get("/api/v1/incidents/INC-1").json()["timeline"][0]
    assert entry["message"] == "the severity guide suggested sev3"


def test_declaring_what_the_guide_calls_not_an_incident_needs_a_reason(api: httpx.Client) -> None:
    refused = api.post(
        "/api/v1/incidents",
        json={
            "title": "typo",
            "service": "catalog",
            "severity": "sev4",
            "triage_answers": [NO, NO, NO, NO],
        },
    )
    assert refused.status_code == 422
    assert "suggests not an incident" in refused.json()["error"]["message"]
    unfinished = api.post(
        "/api/v1/incidents",
        json={"title": "x", "service": "catalog", "severity": "sev4", "triage_answers": [NO]},
    )
    assert unfinished.json()["error"]["field"] == "triage_answers"


def test_a_reason_given_without_the_guide_is_kept(api: httpx.Client) -> None:
    declare(api, severity="sev1", severity_reason="Legal asked us to treat leaks as Sev1")
    entry = api.get("/api/v1/incidents/INC-1").json()["timeline"][0]
    assert entry["message"] == "severity reason: Legal asked us to treat leaks as Sev1"


def test_bad_guide_answers_name_the_declare_field(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/incidents",
        json={"title": "x", "service": "catalog", "severity": "sev2", "triage_answers": [5]},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "triage_answers.0"


def test_loose_types_are_refused(container: Container, base_url: str, api: httpx.Client) -> None:
    assert api.post("/api/v1/triage", json={"answers": ["1"]}).status_code == 422
    with admin(container, base_url) as client:
        response = client.post(
            "/api/v1/policy", json={"content": EXAMPLE_POLICY.read_text(), "if_changed": "yes"}
        )
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "if_changed"


def test_an_empty_policy_names_its_position(container: Container, base_url: str) -> None:
    with admin(container, base_url) as client:
        response = client.post("/api/v1/policy", json={"content": "", "filename": "empty.yaml"})
        assert response.json()["error"]["problems"] == [
            {"field": "empty.yaml:1:1", "message": "the file is empty; expected a policy mapping"}
        ]
