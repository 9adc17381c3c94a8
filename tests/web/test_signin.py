"""Signing in and out, sessions and CSRF, as a browser without JavaScript sees them."""

from __future__ import annotations

import httpx

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
