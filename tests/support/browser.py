"""Radar in a real browser: Debian's Chromium driven by Playwright, headless.

The helpers every browser test shares: a watch on the console that fails a test on any
Content-Security-Policy violation or uncaught script error, signing in, and an axe-core check
of a page (with a screenshot for the record, in ``test-artifacts/screenshots/``). The fixtures
``chromium`` and ``console`` are in ``tests/web/conftest.py``.

CI installs Chromium (`.ci/run`) and sets ``RADAR_REQUIRE_BROWSER=1``, so a missing browser fails
there; on a developer's machine without Chromium the browser tests are skipped with that reason.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
SHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
WAIT = 15_000  # ms: a live update travels by server-sent events, looked for once a second
PHONE = {"width": 390, "height": 844}  # the narrow viewport every page must work at
# axe-core is added to a page as a script from the page's own origin (the CSP allows no other),
# answered by the test, not by Radar.
AXE_PATH = "/__test__/axe-core.js"


def require_chromium() -> None:
    """Skip (or, in CI, fail) when Debian's Chromium is missing."""
    if CHROMIUM.exists():
        return
    if os.environ.get("RADAR_REQUIRE_BROWSER"):
        raise RuntimeError("RADAR_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    pytest.skip("Debian's chromium is not installed (apt install chromium)")


class Console:
    """What the watched pages said that a test must fail on: Content-Security-Policy
    violations (Chromium reports each on the console) and uncaught script errors."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", lambda message: self._said(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))
        page.route(f"**{AXE_PATH}", _serve_axe)
        return page

    def _said(self, page: Page, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(f"{page.url}: {message.text}")

    def clean(self) -> None:
        assert self.problems == [], self.problems


def _serve_axe(route: Route) -> None:
    route.fulfill(path=AXE, content_type="text/javascript")


def opened(browser: Browser, site: str, console: Console, **context: Any) -> Page:
    """A new page in a new context on ``site``; ``context`` goes to ``new_context``
    (``viewport=PHONE``, ``timezone_id=...``, ``color_scheme="dark"``)."""
    return console.watch(browser.new_context(base_url=site, **context).new_page())


def signed_in(browser: Browser, site: str, username: str, console: Console, **context: Any) -> Page:
    from tests.web.conftest import PASSWORD  # the conftest imports this module

    page = opened(browser, site, console, **context)
    page.goto("/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Open incidents")).to_be_visible()
    return page


def accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violations; and a screenshot for the record."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.add_script_tag(url=AXE_PATH)
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"


def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab from where the focus is until it reaches the button called ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} is not reached with Tab")


def action(page: Page, name: str) -> None:
    """Open the room's rarer action ``name`` ("Resolve", "Assign a role" ...) under *More
    actions*, as a person would, unless it is open already (a refused form comes back open)."""
    details = page.locator("details.action", has=page.locator("summary", has_text=name))
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    expect(details).to_have_attribute("open", "")
