"""Malformed requests at every write endpoint: always a 4xx that names the problem, never a 5xx,
and nothing is written half-way. The endpoints come from the application's own routes, so a new
write endpoint is covered without editing this file."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from radar.api.app import ALL_ROUTERS
from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.domain.listing import encode_cursor
from tests.api.conftest import declare, token_for

# Python refuses to read an integer of more than 4,300 digits (converting one is quadratic).
HUGE = "9" * 5000
MALFORMED_BODIES: list[tuple[str, bytes | None, str]] = [
    ("empty body", b"", "application/json"),
    ("not json", b"{bad", "application/json"),
    ("truncated", b'{"title": "x"', "application/json"),
    ("array", b"[1, 2]", "application/json"),
    ("string", b'"hello"', "application/json"),
    ("null", b"null", "application/json"),
    ("number", b"42", "application/json"),
    ("invalid utf-8", b'{"title": "\xff\xfe"}', "application/json"),
    ("deep nesting", b'{"title": ' + b"[" * 5000 + b"]" * 5000 + b"}", "application/json"),
    ("integer of 5,000 digits", b'{"title": ' + HUGE.encode() + b"}", "application/json"),
    ("deep in an array", b'{"answers": [1, ' + HUGE.encode() + b"]}", "application/json"),
    ("form instead of json", b"title=x", "application/x-www-form-urlencoded"),
    ("unknown fields", b'{"zzz": 1, "title": "x"}', "application/json"),
    (
        "wrong types",
        json.dumps(
            dict.fromkeys(
                (
                    "title",
                    "service",
                    "severity",
                    "message",
                    "reason",
                    "summary",
                    "assignee",
                    "visibility",
                    "status",
                    "restricted",
                    "drill",
                    "ticket_url",
                    "description",
                ),
                5,
            )
        ).encode(),
        "application/json",
    ),
    ("strings for bools", b'{"restricted": "yes", "drill": "no"}', "application/json"),
    (
        "huge title",
        json.dumps({"title": "x" * 10_000, "message": "y" * 20_000}).encode(),
        "application/json",
    ),
    (
        "nul bytes",
        json.dumps(
            {
                "title": "a\x00b",
                "message": "a\x00b",
                "reason": "\x00",
                "summary": "\x00",
                "assignee": "\x00",
            }
        ).encode(),
        "application/json",
    ),
]


def write_routes() -> list[tuple[str, str]]:
    """Every route that takes a request body, with path parameters filled in."""
    routes = []
    for route in (r for router in ALL_ROUTERS for r in router.routes):
        assert isinstance(route, APIRoute)
        if route.body_field is None:
            continue
        path = route.path.replace("{incident}", "INC-1").replace("{role}", "commander")
        routes.extend((method, path) for method in sorted(route.methods - {"GET", "HEAD"}))
    return routes


WRITES = write_routes()


def test_every_write_route_is_exercised() -> None:
    assert len(WRITES) >= 7


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_malformed_requests_get_a_4xx_naming_the_problem(
    api: httpx.Client, method: str, path: str
) -> None:
    declare(api)
    before = api.get("/api/v1/incidents/INC-1").json()
    for name, body, media in MALFORMED_BODIES:
        response = api.request(method, path, content=body, headers={"Content-Type": media})
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
        error = response.json()["error"]
        assert error["code"], name
        assert error["message"], name
        assert error["problems"], name
    after = api.get("/api/v1/incidents/INC-1").json()
    # Every request above was refused: the incident and its timeline did not move.
    assert after == before
    listed = api.get("/api/v1/incidents").json()["items"]
    assert [i["reference"] for i in listed] == ["INC-1"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service": "checkout", "severity": "sev2"}, "title"),
        ({"title": "", "service": "checkout", "severity": "sev2"}, "title"),
        ({"title": "x" * 10_000, "service": "checkout", "severity": "sev2"}, "title"),
        ({"title": "x", "service": "billing", "severity": "sev2"}, "service"),
        ({"title": "x", "service": "checkout", "severity": "sev9"}, "severity"),
        ({"title": "x", "service": "checkout", "severity": "sev2", "colour": "red"}, "colour"),
        ({"title": 7, "service": "checkout", "severity": "sev2"}, "title"),
        ({"title": "x", "service": "checkout", "severity": "sev2", "drill": "yes"}, "drill"),
    ],
)
def test_declare_names_the_offending_field(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = api.post("/api/v1/incidents", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_malformed_json_is_400(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/incidents", content=b"{bad", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_an_integer_too_long_to_read_is_a_400_naming_the_body(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/incidents",
        content=b'{"title": "x", "service": "checkout", "severity": ' + HUGE.encode() + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("malformed_json", "body")
    assert error["message"] == "JSON parse error: a number has more than 4,300 digits"
    assert api.get("/api/v1/incidents").json()["items"] == []


def test_bodies_fastapi_cannot_read_say_why(api: httpx.Client) -> None:
    json_body = {"Content-Type": "application/json"}
    latin = api.post("/api/v1/incidents", content=b'{"title": "\xff"}', headers=json_body)
    assert latin.status_code == 400
    assert latin.json()["error"]["message"] == "the body is not UTF-8"
    deep = api.post("/api/v1/incidents", content=b"[" * 5000 + b"]" * 5000, headers=json_body)
    assert deep.status_code == 400
    assert deep.json()["error"]["message"] == "JSON parse error: nested too deeply"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/incidents", {"limit": HUGE}, "limit"),
        ("/api/v1/incidents", {"cursor": encode_cursor(10**70)}, "cursor"),
        ("/api/v1/incidents", {"cursor": encode_cursor(2**63)}, "cursor"),
        ("/api/v1/audit", {"cursor": encode_cursor(10**70)}, "cursor"),
    ],
)
def test_numbers_too_big_in_the_address_are_refused_naming_the_parameter(
    container: Container, api: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    secret = token_for(container, "root", UserRole.ADMIN)
    response = api.get(path, params=params, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_form_body_is_415_and_says_to_send_json(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/incidents",
        content=b"title=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["error"]["message"]


def test_unknown_incidents_and_routes_are_404_in_the_same_shape(api: httpx.Client) -> None:
    for path in ("/api/v1/incidents/INC-999", "/api/v1/incidents/banana", "/api/v1/nothing"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api.delete("/api/v1/incidents").status_code == 405


def test_unknown_role_and_status_values_are_refused(api: httpx.Client) -> None:
    declare(api)
    role = api.put("/api/v1/incidents/INC-1/roles/janitor", json={"assignee": "x"})
    assert role.status_code == 422
    assert role.json()["error"]["field"] == "role"
    status = api.post("/api/v1/incidents/INC-1/updates", json={"message": "x", "status": "done"})
    assert status.status_code == 422
    assert status.json()["error"]["field"] == "status"
