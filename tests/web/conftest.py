"""The web UI over a real server: a signed-in browser-like client (httpx, cookies kept)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.server import create_app
from tests.support.browser import Console, require_chromium
from tests.support.live import serve

PASSWORD = "correct horse battery staple"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture
def site(container: Container) -> Iterator[str]:
    """Radar's whole app on a loopback port, with a responder ``maria`` who has a password."""
    container.accounts.create_user(
        "maria", role=UserRole.RESPONDER, display_name="María Soto", password=PASSWORD
    )
    with serve(create_app(container)) as url:
        yield url


def sign_in(url: str, username: str = "maria", password: str = PASSWORD) -> httpx.Client:
    web = httpx.Client(base_url=url)
    try:
        form = web.get("/signin")
        answer = web.post(
            "/signin",
            data={
                "csrf": csrf_of(form.text),
                "username": username,
                "password": password,
                "then": "/",
            },
        )
        assert answer.status_code == 303, answer.text
    except BaseException:
        web.close()  # a failed sign-in leaves no socket open for a later test to trip over
        raise
    return web


@pytest.fixture
def browser(site: str) -> Iterator[httpx.Client]:
    web = sign_in(site)
    try:
        yield web
    finally:
        web.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, for one test module; each test's pages close with it
    (``console``), and with them their live streams to the server."""
    require_chromium()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        yield launched
        launched.close()


@pytest.fixture
def console(chromium: Browser) -> Iterator[Console]:
    """A watch on the pages a test opens: the test fails on a CSP violation or a script
    error; the test's browser contexts are closed after it."""
    watched = Console()
    yield watched
    for context in chromium.contexts:
        context.close()
    watched.clean()
