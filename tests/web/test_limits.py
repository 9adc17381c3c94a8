"""The edges that refuse before any work is done, over a real server: request bodies over 1 MiB
(declared or streamed), and per-address rate limits on the public endpoints, whose time is the
test's frozen clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from radar.api.limits import MAX_BODY
from radar.api.ratelimit import TokenBuckets
from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from tests.api.conftest import token_for
from tests.web.conftest import csrf_of, sign_in

OVER = MAX_BODY + 1


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent chunked (no Content-Length), ``total`` bytes of it."""
    sent = 0
    while sent < total:
        step = min(size, total - sent)
        sent += step
        yield b"x" * step


@pytest.fixture
def api(container: Container, site: str) -> Iterator[httpx.Client]:
    secret = token_for(container, "ana", UserRole.RESPONDER)
    with httpx.Client(base_url=site, headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client


def too_large(answer: httpx.Response) -> None:
    assert answer.status_code == 413, answer.text
    error = answer.json()["error"]
    assert error["code"] == "body_too_large"
    assert error["field"] == "body"
    assert error["message"] == f"the request body is too large: send at most {MAX_BODY:,} bytes"
    assert error["problems"] == [{"field": "body", "message": error["message"]}]
    assert "content-security-policy" in answer.headers


def test_an_api_body_over_a_mebibyte_is_refused_in_the_error_shape(api: httpx.Client) -> None:
    too_large(api.post("/api/v1/incidents", content=b"{" + b" " * MAX_BODY + b"}"))
    too_large(api.post("/api/v1/triage", content=b"x" * OVER))
    # Refused before authentication and routing: nothing was read.
    too_large(httpx.post(f"{api.base_url}/api/v1/policy", content=b"x" * OVER))


def test_a_chunked_api_body_is_counted_as_it_arrives(api: httpx.Client) -> None:
    answer = api.post(
        "/api/v1/incidents",
        content=chunks(2 * MAX_BODY),
        headers={"Content-Type": "application/json"},
    )
    assert "content-length" not in answer.request.headers
    too_large(answer)


def test_a_body_up_to_the_limit_is_read(api: httpx.Client) -> None:
    body = {"title": "Checkout down", "service": "checkout", "severity": "sev2"}
    padded = json.dumps(body).encode()[:-1] + b" " * (MAX_BODY - len(json.dumps(body))) + b"}"
    assert len(padded) == MAX_BODY
    whole = api.post(
        "/api/v1/incidents", content=padded, headers={"Content-Type": "application/json"}
    )
    assert whole.status_code == 201, whole.text
    streamed = api.post(
        "/api/v1/incidents",
        content=iter([padded[: MAX_BODY // 2], padded[MAX_BODY // 2 :]]),
        headers={"Content-Type": "application/json"},
    )
    assert streamed.status_code == 201


def refused_page(answer: httpx.Response) -> None:
    assert answer.status_code == 413, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert "Too much at once" in answer.text
    assert f"send at most {MAX_BODY:,} bytes" in answer.text
    assert "content-security-policy" in answer.headers


def test_a_web_form_over_a_mebibyte_is_an_html_page(site: str) -> None:
    web = sign_in(site)
    try:
        csrf = csrf_of(web.get("/").text)
        form = {"csrf": csrf, "service": "checkout", "title": "x" * OVER}
        refused_page(web.post("/report", data=form))
        streamed = web.post(
            "/report",
            content=chunks(2 * MAX_BODY),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        refused_page(streamed)
        board = web.get("/")
        assert board.status_code == 200  # still signed in
        assert "INC-1" not in board.text  # and nothing was declared
    finally:
        web.close()


def test_alert_intake_keeps_its_own_answer_to_big_bodies(site: str) -> None:
    """PagerDuty's API shape for /v2/enqueue, not the 413 of the rest of Radar."""
    answer = httpx.post(f"{site}/v2/enqueue", content=b"x" * OVER)
    assert answer.status_code == 400
    assert answer.json()["status"] == "invalid event"


# Rate limits --------------------------------------------------------------------------------


def from_address(site: str, address: str) -> httpx.Client:
    """A client whose requests leave from ``address`` (any of 127.0.0.0/8 on loopback)."""
    return httpx.Client(base_url=site, transport=httpx.HTTPTransport(local_address=address))


def test_acknowledge_links_allow_sixty_a_minute_per_address(site: str, clock: FrozenClock) -> None:
    with from_address(site, "127.0.0.1") as one, from_address(site, "127.0.0.2") as two:
        for n in range(60):
            method = one.get if n % 2 else one.post
            assert method("/ack/guess").status_code != 429, n
        refused = one.get("/ack/guess")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["error"]["code"] == "rate_limited"
        assert one.post("/ack/guess").status_code == 429
        assert two.get("/ack/guess").status_code != 429  # another address has its own bucket
        clock.advance(timedelta(seconds=1))
        assert one.get("/ack/guess").status_code != 429  # one token back a second
        assert one.get("/ack/guess").status_code == 429
        clock.advance(timedelta(minutes=1))
        assert all(one.get("/ack/guess").status_code != 429 for _ in range(60))
        assert one.get("/ack/guess").status_code == 429


def test_sign_in_posts_allow_sixty_a_minute_per_address(site: str, clock: FrozenClock) -> None:
    with from_address(site, "127.0.0.3") as web:
        for n in range(60):
            assert web.post("/signin", data={"username": "x"}).status_code == 403, n
        refused = web.post("/signin", data={"username": "x"})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"].startswith("text/html")
        assert "Too many requests" in refused.text
        assert web.get("/signin").status_code == 200  # the form itself is not limited
        clock.advance(timedelta(seconds=2))
        assert web.post("/signin", data={"username": "x"}).status_code == 403


def test_the_status_page_and_feed_share_six_hundred_a_minute(site: str, clock: FrozenClock) -> None:
    with from_address(site, "127.0.0.4") as web:
        for n in range(600):
            assert web.get("/status/feed.atom" if n % 2 else "/status").status_code == 200, n
        refused = web.get("/status")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert "Too many requests" in refused.text
        assert web.get("/status/feed.atom").status_code == 429
        clock.advance(timedelta(milliseconds=100))
        assert web.get("/status").status_code == 200  # ten a second come back


def test_a_token_bucket_refills_evenly_and_forgets_old_addresses() -> None:
    now = [0.0]
    buckets = TokenBuckets(6, lambda: now[0], max_keys=2)
    assert [buckets.take("a") for _ in range(6)] == [0.0] * 6
    assert buckets.take("a") == pytest.approx(10.0)  # six a minute: one every ten seconds
    now[0] = 5.0
    assert buckets.take("a") == pytest.approx(5.0)
    now[0] = 10.0
    assert buckets.take("a") == 0.0
    now[0] = 5.0  # a clock that goes back refills nothing
    assert buckets.take("a") > 0
    buckets.take("b")
    buckets.take("c")  # "a" is the least recently seen of three: forgotten
    assert set(buckets.buckets) == {"b", "c"}
    assert buckets.take("a") == 0.0
