"""Signing in and out, sessions and CSRF, and the throttling of failed sign-ins, as a browser
without JavaScript sees them."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from radar.bootstrap import Container
from radar.clock import FrozenClock
from tests.web.conftest import PASSWORD, csrf_of, sign_in


def test_pages_need_a_signed_in_user(site: str) -> None:
    with httpx.Client(base_url=site) as web:
        answer = web.get("/?severity=sev2")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/signin?then=/%3Fseverity%3Dsev2"


def test_sign_in_sets_a_hardened_cookie_and_shows_the_dashboard(site: str) -> None:
    with httpx.Client(base_url=site) as web:
        form = web.get("/signin")
        answer = web.post(
            "/signin",
            data={
                "csrf": csrf_of(form.text),
                "username": "maria",
                "password": PASSWORD,
                "then": "/",
            },
        )
        cookie = answer.headers["set-cookie"]
        assert "radar_session=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # served over plain HTTP here
        board = web.get("/")
        assert board.status_code == 200
        assert "Open incidents" in board.text
        assert "María Soto" in board.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(site: str) -> None:
    with httpx.Client(base_url=site) as web:
        form = web.get("/signin")
        answer = web.post(
            "/signin",
            data={"csrf": csrf_of(form.text), "username": "maria", "password": "nope", "then": "/"},
        )
        assert answer.status_code == 401
        assert "wrong username or password" in answer.text
        assert "radar_session=" not in answer.headers.get("set-cookie", "")


def test_sign_in_without_the_forms_token_is_refused(site: str) -> None:
    with httpx.Client(base_url=site) as web:
        answer = web.post("/signin", data={"username": "maria", "password": PASSWORD})
        assert answer.status_code == 403


def test_sign_in_never_redirects_off_site(site: str) -> None:
    with httpx.Client(base_url=site) as web:
        form = web.get("/signin")
        data = {"csrf": csrf_of(form.text), "username": "maria", "password": PASSWORD}
        answer = web.post("/signin", data={**data, "then": "//evil.example.com/"})
        assert answer.headers["location"] == "/"


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(site: str) -> None:
    web = sign_in(site)
    copied = httpx.Client(base_url=site, cookies=dict(web.cookies))
    board = web.get("/")
    assert web.post("/signout", data={"csrf": "forged"}).status_code == 403
    assert web.post("/signout", data={"csrf": csrf_of(board.text)}).status_code == 303
    assert copied.get("/").status_code == 303
    web.close()
    copied.close()


def _attempt(web: httpx.Client, username: str, password: str) -> httpx.Response:
    form = web.get("/signin")
    return web.post(
        "/signin",
        data={"csrf": csrf_of(form.text), "username": username, "password": password, "then": "/"},
    )


LOCKED = "Too many failed sign-ins; try again in 15 minutes."


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(
    site: str, clock: FrozenClock
) -> None:
    with httpx.Client(base_url=site) as web:
        for _ in range(5):
            assert _attempt(web, "maria", "nope").status_code == 401
        refused = _attempt(web, "maria", PASSWORD)
        assert refused.status_code == 429
        assert LOCKED in refused.text
        assert refused.headers["retry-after"] == "900"
        assert "radar_session=" not in refused.headers.get("set-cookie", "")
        clock.advance(timedelta(minutes=14))
        assert "try again in 1 minute." in _attempt(web, "maria", PASSWORD).text
        clock.advance(timedelta(minutes=1))
        assert _attempt(web, "maria", PASSWORD).status_code == 303
        assert web.get("/").status_code == 200


def test_a_locked_unknown_username_looks_like_a_locked_real_one(site: str) -> None:
    answers = {}
    with httpx.Client(base_url=site) as web:
        for name in ("maria", "mario"):
            wrong = [_attempt(web, name, "nope") for _ in range(5)]
            assert {a.status_code for a in wrong} == {401}
            assert {_said(a.text) for a in wrong} == {"wrong username or password"}
            answers[name] = _attempt(web, name, PASSWORD)
    assert answers["maria"].status_code == answers["mario"].status_code == 429
    assert _said(answers["maria"].text) == _said(answers["mario"].text) == LOCKED


def test_a_successful_sign_in_clears_the_usernames_count(site: str) -> None:
    for _ in range(2):  # 4 + 4 failures would lock the name if the success did not clear them
        with httpx.Client(base_url=site) as web:
            for _ in range(4):
                assert _attempt(web, "maria", "nope").status_code == 401
            assert _attempt(web, "maria", PASSWORD).status_code == 303


def test_twenty_failures_from_one_address_lock_it_for_every_username(
    site: str, clock: FrozenClock
) -> None:
    with httpx.Client(base_url=site) as web:
        for n in range(20):
            assert _attempt(web, f"guess{n}", "nope").status_code == 401
        refused = _attempt(web, "maria", PASSWORD)
        assert refused.status_code == 429
        assert LOCKED in refused.text
        clock.advance(timedelta(minutes=15))
        assert _attempt(web, "maria", PASSWORD).status_code == 303


def _said(html: str) -> str:
    found = re.search(r'<p class="error" role="alert" id="signin-error">([^<]*)</p>', html)
    assert found, "the page shows no error"
    return found.group(1)


def test_disabling_a_user_ends_their_web_session_at_once(site: str, container: Container) -> None:
    web = sign_in(site)
    assert web.get("/").status_code == 200
    container.accounts.disable_user("maria")
    assert web.get("/").status_code == 303
    container.accounts.enable_user("maria")
    assert web.get("/").status_code == 303  # the session is gone, not merely paused
    assert _attempt(web, "maria", PASSWORD).status_code == 303
    web.close()
