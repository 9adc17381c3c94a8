"""Changing one's own password in the web UI: the current one is checked, the form keeps its
CSRF protection, and every other session of the user ends."""

from __future__ import annotations

import httpx

from radar.bootstrap import Container
from tests.web.conftest import PASSWORD, csrf_of, sign_in

NEW = "a much better passphrase"


def _change(web: httpx.Client, current: str, new: str, again: str | None = None) -> httpx.Response:
    form = web.get("/account/password")
    assert form.status_code == 200
    return web.post(
        "/account/password",
        data={
            "csrf": csrf_of(form.text),
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def test_the_page_is_linked_from_every_page_and_labels_its_fields(browser: httpx.Client) -> None:
    board = browser.get("/")
    assert 'href="/account/password"' in board.text
    form = browser.get("/account/password")
    assert form.status_code == 200
    for field in ("current_password", "new_password", "new_password_again"):
        assert f'<label for="{field}">' in form.text
        assert f'id="{field}" name="{field}" type="password"' in form.text
    assert "style=" not in form.text
    assert "<script>" not in form.text


def test_changing_the_password_ends_the_other_sessions(site: str, container: Container) -> None:
    here, elsewhere = sign_in(site), sign_in(site)
    changed = _change(here, PASSWORD, NEW)
    assert changed.status_code == 303
    assert changed.headers["location"] == "/account/password?changed=true"
    confirmed = here.get(changed.headers["location"])
    assert "Your password has been changed" in confirmed.text
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 303  # the others ended
    assert container.sessions.sign_in("maria", NEW).principal.user.username == "maria"
    with httpx.Client(base_url=site) as web:
        form = web.get("/signin")
        old = web.post(
            "/signin",
            data={"csrf": csrf_of(form.text), "username": "maria", "password": PASSWORD},
        )
        assert old.status_code == 401
    here.close()
    elsewhere.close()


def test_a_wrong_current_password_shows_the_form_again(browser: httpx.Client) -> None:
    refused = _change(browser, "not my password", NEW)
    assert refused.status_code == 400
    assert "the current password is wrong" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert _change(browser, PASSWORD, NEW).status_code == 303  # nothing was changed before


def test_a_new_password_must_be_long_and_typed_the_same_twice(browser: httpx.Client) -> None:
    short = _change(browser, PASSWORD, "short")
    assert short.status_code == 400
    assert "use at least 10 characters" in short.text
    different = _change(browser, PASSWORD, NEW, again=NEW + "!")
    assert different.status_code == 400
    assert "the two new passwords are not the same" in different.text
    assert _change(browser, PASSWORD, NEW).status_code == 303


def test_a_change_without_the_forms_token_is_refused(browser: httpx.Client) -> None:
    data = {"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW}
    assert browser.post("/account/password", data=data).status_code == 403
    assert browser.post("/account/password", data={**data, "csrf": "forged"}).status_code == 403
    assert _change(browser, PASSWORD, NEW).status_code == 303  # the password was not changed


def test_the_page_needs_a_signed_in_user(site: str) -> None:
    with httpx.Client(base_url=site) as web:
        answer = web.get("/account/password")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/signin?then=/account/password"
        posted = web.post("/account/password", data={"current_password": PASSWORD})
        assert posted.status_code == 303
