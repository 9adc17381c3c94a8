"""What API answers say besides their body, over a real server: that no cache may keep them, and,
when a method is refused, every method the path does take."""

from __future__ import annotations

import httpx
import pytest

from radar.bootstrap import Container
from radar.server import create_app
from tests.api.conftest import declare
from tests.support.live import serve

JSON = {"Content-Type": "application/json"}


def test_every_api_json_answer_is_not_to_be_stored(
    api: httpx.Client, anonymous: httpx.Client
) -> None:
    declare(api)
    answers = {
        "created": api.post(
            "/api/v1/incidents",
            json={"title": "Search slow", "service": "checkout", "severity": "sev3"},
        ),
        "read": api.get("/api/v1/incidents/INC-1"),
        "listed": api.get("/api/v1/incidents", params={"limit": 1}),
        "not found": api.get("/api/v1/incidents/INC-99"),
        "no such path": api.get("/api/v1/nothing"),
        "invalid": api.get("/api/v1/incidents", params={"limit": 0}),
        "malformed": api.post("/api/v1/incidents", content=b"{", headers=JSON),
        "not now": api.post("/api/v1/incidents/INC-1/close"),
        "no token": anonymous.get("/api/v1/incidents"),
        "wrong method": api.delete("/api/v1/incidents"),
        "document": anonymous.get("/api/openapi.json"),
    }
    for name, answer in answers.items():
        assert answer.headers["content-type"] == "application/json", name
        assert answer.headers.get_list("cache-control") == ["no-store"], name


def test_an_unexpected_error_is_not_to_be_stored_either(container: Container) -> None:
    def fails() -> None:
        raise RuntimeError("a bug, on purpose")

    app = create_app(container)
    app.add_api_route("/api/v1/broken", fails)
    with serve(app) as url:
        answer = httpx.get(f"{url}/api/v1/broken")
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error"
    assert answer.headers.get_list("cache-control") == ["no-store"]


def test_answers_outside_the_api_keep_their_own_caching(anonymous: httpx.Client) -> None:
    assert "cache-control" not in anonymous.get("/healthz").headers
    link = anonymous.get("/ack/not-a-link")
    assert link.headers.get_list("cache-control") == ["no-store"]  # the page's own


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/api/v1/incidents", "GET, HEAD, POST"),
        ("DELETE", "/api/v1/incidents", "GET, HEAD, POST"),
        ("PATCH", "/api/v1/incidents/INC-1", "GET, HEAD"),
        ("GET", "/api/v1/incidents/INC-1/resolve", "POST"),
        ("PUT", "/api/v1/policy", "GET, HEAD, POST"),
        ("DELETE", "/integrations/heartbeat/hb_0123456789", "GET, HEAD, POST"),
        ("GET", "/integrations/grafana/gf_0123456789", "POST, PUT"),
    ],
)
def test_a_refused_method_is_told_every_method_the_path_takes(
    api: httpx.Client, method: str, path: str, allowed: str
) -> None:
    answer = api.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == allowed
    error = answer.json()["error"]
    assert error["code"] == "method_not_allowed"
    assert error["message"] == f"{method} is not allowed here: use {allowed}"
