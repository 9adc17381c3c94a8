"""The status page's components through the API: a person sets a component's state and holds it
against severity changes, or lets it follow its incidents again; refusals name what was wrong.
And text that would reorder itself on the page (bidirectional overrides) is stored without them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.server import create_app
from tests.api.conftest import declare, token_for
from tests.support.live import serve

COMPONENTS = "/api/v1/status/components"


@pytest.fixture
def base_url(container: Container) -> Iterator[str]:
    """The whole of Radar (the API and the public page it changes), served on loopback."""
    with serve(create_app(container)) as url:
        yield url


def shown(anonymous: httpx.Client) -> dict[str, str]:
    """Component -> the state the public page shows, in words."""
    html = anonymous.get("/status").text
    rows = re.findall(
        r'<th scope="row">(.*?)</th>\s*<td class="state-[a-z_]+"[^>]*>(.*?)</td>', html
    )
    return dict(rows)


@pytest.fixture
def sev2_in_public(api: httpx.Client) -> str:
    """INC-1, a Sev2 on checkout with a public update: Checkout and payments is a partial
    outage."""
    declare(api)
    posted = api.post(
        "/api/v1/incidents/INC-1/updates",
        json={"message": "Some payments fail.", "visibility": "public"},
    )
    assert posted.status_code == 201, posted.text
    return "INC-1"


def test_a_held_state_survives_a_severity_change_until_released(
    api: httpx.Client, anonymous: httpx.Client, sev2_in_public: str
) -> None:
    assert shown(anonymous)["Checkout and payments"] == "Partial outage"

    put = api.put(
        f"{COMPONENTS}/checkout",
        json={"state": "degraded_performance", "hold": True, "incident": "INC-1"},
    )
    assert put.status_code == 200, put.text
    body = put.json()
    assert (body["service"], body["name"]) == ("checkout", "Checkout and payments")
    assert (body["state"], body["label"], body["implied"]) == (
        "degraded_performance",
        "Degraded performance",
        "partial_outage",
    )
    assert body["setting"] == {
        "state": "degraded_performance",
        "held": True,
        "set_by": "Ana",
        "set_at": "2026-11-27T10:00:00Z",
        "incident": "INC-1",
    }

    raised = api.post(
        "/api/v1/incidents/INC-1/severity", json={"severity": "sev1", "reason": "Spreading"}
    )
    assert raised.status_code == 200, raised.text
    assert shown(anonymous)["Checkout and payments"] == "Degraded performance"
    listed = {c["service"]: c for c in api.get(COMPONENTS).json()["items"]}
    assert (listed["checkout"]["state"], listed["checkout"]["implied"]) == (
        "degraded_performance",
        "major_outage",
    )
    assert listed["catalog"]["setting"] is None

    released = api.delete(f"{COMPONENTS}/checkout", params={"incident": "INC-1"})
    assert released.status_code == 200, released.text
    assert (released.json()["state"], released.json()["setting"]) == ("major_outage", None)
    assert shown(anonymous)["Checkout and payments"] == "Major outage"

    texts = [e["text"] for e in api.get("/api/v1/incidents/INC-1").json()["timeline"]]
    assert (
        "Status page: Checkout and payments set to Degraded performance (was Partial outage), "
        "held until someone releases it"
    ) in texts
    assert (
        "Status page: Checkout and payments released; it follows its incidents again (Major outage)"
    ) in texts


def test_a_state_set_without_holding_lasts_until_the_incidents_change(
    api: httpx.Client, anonymous: httpx.Client, sev2_in_public: str
) -> None:
    put = api.put(f"{COMPONENTS}/checkout", json={"state": "Major outage", "hold": False})
    assert put.status_code == 200, put.text
    assert put.json()["setting"]["held"] is False
    assert shown(anonymous)["Checkout and payments"] == "Major outage"
    api.post("/api/v1/incidents/INC-1/severity", json={"severity": "sev3", "reason": "Contained"})
    assert shown(anonymous)["Checkout and payments"] == "Degraded performance"


def test_maintenance_is_set_on_a_quiet_component(
    api: httpx.Client, anonymous: httpx.Client
) -> None:
    put = api.put(f"{COMPONENTS}/catalog", json={"state": "under_maintenance"})
    assert put.status_code == 200, put.text
    assert shown(anonymous)["Browsing and search"] == "Under maintenance"
    assert "All systems operational" not in anonymous.get("/status").text


def test_refusals_name_the_bad_value(api: httpx.Client, sev2_in_public: str) -> None:
    bad_state = api.put(f"{COMPONENTS}/checkout", json={"state": "broken"})
    assert bad_state.status_code == 422
    error = bad_state.json()["error"]
    assert error["field"] == "state"
    assert error["message"] == (
        "'broken' is not a component state; the states are operational, "
        "degraded_performance, partial_outage, major_outage, under_maintenance"
    )
    bad_service = api.put(f"{COMPONENTS}/chekout", json={"state": "major_outage"})
    assert bad_service.status_code == 404
    assert bad_service.json()["error"]["field"] == "service"
    assert bad_service.json()["error"]["message"] == (
        "no service 'chekout' on the status page; its services are checkout, accounts, "
        "catalog, notifications; did you mean 'checkout'?"
    )
    no_incident = api.put(f"{COMPONENTS}/checkout", json={"state": "ok", "incident": "INC-99"})
    assert no_incident.status_code == 404
    assert no_incident.json()["error"] == {
        "code": "not_found",
        "message": "no incident INC-99",
        "field": "incident",
        "problems": [{"field": "incident", "message": "no incident INC-99"}],
    }
    not_a_flag = api.put(f"{COMPONENTS}/checkout", json={"state": "ok", "hold": "yes"})
    assert not_a_flag.status_code == 422
    assert not_a_flag.json()["error"]["field"] == "hold"
    assert api.delete(f"{COMPONENTS}/nowhere").status_code == 404
    # Nothing refused changed anything.
    assert all(c["setting"] is None for c in api.get(COMPONENTS).json()["items"])


def test_viewers_and_callers_without_a_token_are_refused(
    container: Container, anonymous: httpx.Client, api: httpx.Client, sev2_in_public: str
) -> None:
    assert anonymous.put(f"{COMPONENTS}/checkout", json={"state": "ok"}).status_code == 401
    assert anonymous.get(COMPONENTS).status_code == 401
    secret = token_for(container, "victor", UserRole.VIEWER)
    viewer = {"Authorization": f"Bearer {secret}"}
    refused = anonymous.put(f"{COMPONENTS}/checkout", json={"state": "ok"}, headers=viewer)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("victor is a viewer;")
    assert anonymous.delete(f"{COMPONENTS}/checkout", headers=viewer).status_code == 403
    assert anonymous.get(COMPONENTS, headers=viewer).status_code == 200  # reading is fine
    reader = container.accounts.create_token("ana", name="read only", scopes="read").secret
    scoped = {"Authorization": f"Bearer {reader}"}
    refused = anonymous.put(f"{COMPONENTS}/checkout", json={"state": "ok"}, headers=scoped)
    assert refused.status_code == 403
    assert "scopes do not include respond" in refused.json()["error"]["message"]
    assert all(c["setting"] is None for c in api.get(COMPONENTS).json()["items"])


def test_bidirectional_overrides_are_dropped_from_what_people_send(
    api: httpx.Client, anonymous: httpx.Client
) -> None:
    # Shown verbatim, U+202E would make "Refund for exe.txt" read "Refund for txt.exe".
    created = declare(api, title="Refund for \u202etxt.exe\u202c")
    assert created["title"] == "Refund for txt.exe"
    posted = api.post(
        "/api/v1/incidents/INC-1/updates",
        json={"message": "Paid \u2067\u202e01.99\u202c\u2069 EUR", "visibility": "public"},
    )
    assert posted.status_code == 201, posted.text
    detail = api.get("/api/v1/incidents/INC-1").json()
    assert detail["title"] == "Refund for txt.exe"
    assert [e["message"] for e in detail["timeline"] if e["kind"] == "update_posted"] == [
        "Paid 01.99 EUR"
    ]
    page, feed = anonymous.get("/status").text, anonymous.get("/status/feed.atom").text
    for text in (page, feed):
        assert "Refund for txt.exe" in text
        assert "Paid 01.99 EUR" in text
        assert not any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    only_controls = api.post(
        "/api/v1/incidents",
        json={"title": "\u202e\u202c", "service": "catalog", "severity": "sev3"},
    )
    assert only_controls.status_code == 422
    assert only_controls.json()["error"]["message"] == "title must not be empty"
