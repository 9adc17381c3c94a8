"""Security headers on every response Radar sends, over a real server: the API, a page, a static
file, an error, the acknowledge links; and the API reference served from vendored files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.server import create_app
from tests.support.live import serve

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ALWAYS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
STATIC = Path(__file__).parents[2] / "src" / "radar" / "web" / "static"


@pytest.fixture
def web(site: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site) as client:
        yield client


def hardened(answer: httpx.Response, referrer: str = "same-origin") -> None:
    for name, value in ALWAYS.items():
        assert answer.headers.get_list(name) == [value], name
    assert answer.headers.get_list("referrer-policy") == [referrer]
    assert "strict-transport-security" not in answer.headers  # served over plain HTTP


def test_api_answers_carry_the_headers(web: httpx.Client) -> None:
    answer = web.get("/healthz")
    assert answer.status_code == 200
    hardened(answer)
    refused = web.get("/api/v1/incidents")
    assert refused.status_code == 401
    hardened(refused)


def test_pages_and_static_files_carry_the_headers(web: httpx.Client) -> None:
    for path in ("/signin", "/status", "/static/radar.css", "/static/vendor/htmx-2.0.11.min.js"):
        answer = web.get(path)
        assert answer.status_code == 200, path
        hardened(answer)


def test_errors_carry_the_headers(web: httpx.Client) -> None:
    api_missing = web.get("/api/v1/nothing-here")
    assert api_missing.status_code == 404
    assert api_missing.json()["error"]["code"] == "not_found"
    hardened(api_missing)
    page_missing = web.get("/nothing-here")
    assert page_missing.status_code == 404
    assert page_missing.headers["content-type"].startswith("text/html")
    assert "Not found" in page_missing.text
    hardened(page_missing)
    hardened(web.get("/static/nothing.css"))


def test_acknowledge_links_send_no_referrer(web: httpx.Client) -> None:
    """The link's path is its secret: no page reached from it learns the URL."""
    answer = web.get("/ack/not-a-real-token")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    hardened(answer, referrer="no-referrer")
    hardened(web.post("/ack/not-a-real-token"), referrer="no-referrer")


def test_hsts_only_when_the_public_url_is_https(container: Container, clock: FrozenClock) -> None:
    settings = container.settings.model_copy(update={"public_url": "https://radar.example.com"})
    https = build(settings, clock=clock)
    try:
        with serve(create_app(https)) as url, httpx.Client(base_url=url) as web:
            for path in ("/healthz", "/signin", "/static/radar.css", "/nothing-here", "/ack/x"):
                answer = web.get(path)
                assert answer.headers.get_list("strict-transport-security") == [
                    "max-age=31536000"
                ], path
                assert answer.headers["content-security-policy"] == CSP
    finally:
        https.close()


def test_the_api_reference_loads_only_vendored_files(web: httpx.Client) -> None:
    docs = web.get("/api/docs")
    assert docs.status_code == 200
    hardened(docs)
    assert "<script>" not in docs.text
    assert "style=" not in docs.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert all(a.startswith("/static/") for a in assets), assets  # no CDN
    assert {a.rsplit("/", 1)[1] for a in assets} == {
        "radar.css",  # Radar's tokens and 44 px controls, under Swagger's own
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "api-docs.js",
        "favicon.svg",
    }
    for asset in assets:
        answer = web.get(asset)
        assert answer.status_code == 200, asset
        assert answer.content == (STATIC / asset.removeprefix("/static/")).read_bytes()
        kind = {"css": "text/css", "svg": "image/svg+xml"}.get(
            asset.rsplit(".", 1)[1], "javascript"
        )
        assert kind in answer.headers["content-type"], asset
    vendored = next(a for a in assets if "swagger-ui-dist-" in a).rsplit("/", 1)[0]
    assert web.get(f"{vendored}/LICENSE").status_code == 200
    openapi = re.search(r'data-openapi-url="([^"]+)"', docs.text)
    assert openapi
    assert openapi.group(1) == "/api/openapi.json"
    assert web.get(openapi.group(1)).json()["info"]["title"] == "Radar"
