"""HEAD, as uptime checkers ask it, is answered wherever GET is: same status and headers, no
body."""

from __future__ import annotations

import httpx
import pytest

from tests.support.patience import PATIENCE

# Headers that differ between two answers by nature: a fresh cookie, a clock, a token.
VARYING = {"date", "set-cookie", "etag", "last-modified", "content-length"}


@pytest.mark.parametrize(
    "path", ["/status", "/status/feed.atom", "/healthz", "/readyz", "/signin", "/api/openapi.json"]
)
def test_head_answers_like_get_without_the_body(site: str, path: str) -> None:
    with httpx.Client(base_url=site, timeout=PATIENCE) as web:
        got = web.get(path)
        head = web.head(path)
    assert got.status_code == 200
    assert head.status_code == 200, head.text
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    same = {k: v for k, v in got.headers.items() if k not in VARYING}
    assert {k: v for k, v in head.headers.items() if k not in VARYING} == same


def test_head_on_a_static_file_and_a_signed_in_page(browser: httpx.Client) -> None:
    page = browser.head("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.content == b""
    style = browser.get("/").text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    # The length GET would send, for the same encoding: as is, or compressed.
    for encoding in ("identity", "gzip"):
        sheet = browser.head(style, headers={"Accept-Encoding": encoding})
        assert sheet.status_code == 200
        assert sheet.content == b""
        with browser.stream("GET", style, headers={"Accept-Encoding": encoding}) as got:
            got.read()
            assert int(sheet.headers["content-length"]) == got.num_bytes_downloaded, encoding
            assert sheet.headers.get("content-encoding") == got.headers.get("content-encoding")


def test_head_on_the_live_stream_ends_at_once(browser: httpx.Client) -> None:
    """A stream answered to HEAD stops when its headers are sent, not a minute later."""
    live = browser.head("/live", timeout=PATIENCE)
    assert live.status_code == 200
    assert live.headers["content-type"].startswith("text/event-stream")
    assert live.content == b""


def test_head_is_refused_where_get_is(site: str) -> None:
    with httpx.Client(base_url=site, timeout=PATIENCE) as web:
        answer = web.head("/api/v1/incidents/INC-1/resolve")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert answer.content == b""


def test_a_refusal_names_head_among_the_methods_a_page_takes(site: str) -> None:
    with httpx.Client(base_url=site, timeout=PATIENCE) as web:
        answer = web.delete("/status")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ["/signin", "/status", "/api/docs"])
def test_every_page_names_an_icon_that_is_there(site: str, path: str) -> None:
    """Without one, a browser asks for /favicon.ico, gets a 404, and says so on the console of
    the first page of every visit."""
    with httpx.Client(base_url=site, timeout=PATIENCE) as web:
        page = web.get(path).text
        icon = page.split('<link rel="icon" href="', 1)[1].split('"', 1)[0]
        answer = web.get(icon)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
