"""The theme (issue 18, first slice): Radar's pages in dark mode, in Chromium at 1366x768 and
390x844.

With the system asking for dark (``color_scheme="dark"``) each page - the dashboard, an incident
room, /status, /process and the report form - is dark (the body's computed background has a low
luminance) and axe-core finds no serious or critical violation (contrast included). The header's
theme button cycles Auto -> Dark -> Light; the choice is set as ``data-theme`` on ``<html>`` and
kept in localStorage, so it survives a reload.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.server import create_app
from radar.services.incidents import Declaration
from tests.support.browser import PHONE, Console, accessible, opened, signed_in
from tests.support.live import serve
from tests.support.radar import ANA
from tests.web.conftest import PASSWORD

DESKTOP = {"width": 1366, "height": 768}
PAGES = ["/", "/incidents/INC-1", "/status", "/process", "/report"]
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]

# The body's background as a relative luminance (WCAG), 0 (black) to 1 (white).
LUMINANCE = """() => {
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+(\\.\\d+)?/g)
    .slice(0, 3).map(Number).map(v => v / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


@pytest.fixture
def site(container: Container) -> Iterator[str]:
    """María can sign in; INC-1 (Sev1) and INC-2 (Sev3) are open, so the dashboard shows badges."""
    container.accounts.create_user(
        "maria", role=UserRole.RESPONDER, display_name="María Soto", password=PASSWORD
    )
    container.incidents.declare(ANA, Declaration("Checkout returns 500", "checkout", "sev1"))
    container.incidents.declare(ANA, Declaration("Slow search", "checkout", "sev3"))
    with serve(create_app(container)) as url:
        yield url


def luminance(page: Page) -> float:
    return float(page.evaluate(LUMINANCE))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_is_dark_and_accessible_when_the_system_asks(
    chromium: Browser, site: str, console: Console, viewport: dict[str, int]
) -> None:
    page = signed_in(chromium, site, "maria", console, viewport=viewport, color_scheme="dark")
    for path in PAGES:
        answer = page.goto(path)
        assert answer is not None, path
        assert answer.ok, path
        assert page.evaluate("document.documentElement.dataset.theme") is None  # auto
        assert luminance(page) < 0.05, path
        name = "home" if path == "/" else path.strip("/").replace("/", "-")
        accessible(page, f"dark-{name}-{'phone' if viewport is PHONE else 'desktop'}")
    console.clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_toggle_chooses_a_theme_that_survives_a_reload(
    chromium: Browser, site: str, console: Console, viewport: dict[str, int]
) -> None:
    page = opened(chromium, site, console, viewport=viewport, color_scheme="dark")
    page.goto("/status")  # no sign-in needed: the button is on every page
    toggle = page.get_by_role("button", name=re.compile(r"^Theme: "))
    html = page.locator("html")
    expect(toggle).to_have_text("Theme: Auto")
    assert luminance(page) < 0.05

    toggle.click()
    expect(toggle).to_have_text("Theme: Dark")
    expect(html).to_have_attribute("data-theme", "dark")
    assert luminance(page) < 0.05

    toggle.click()
    expect(toggle).to_have_text("Theme: Light")
    expect(html).to_have_attribute("data-theme", "light")
    assert luminance(page) > 0.9  # light, although the system asks for dark
    accessible(page, f"light-status-{'phone' if viewport is PHONE else 'desktop'}")

    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    expect(page.get_by_role("button", name=re.compile(r"^Theme: "))).to_have_text("Theme: Light")
    assert luminance(page) > 0.9

    page.get_by_role("button", name=re.compile(r"^Theme: ")).click()  # back to Auto: dark again
    expect(page.locator("html")).not_to_have_attribute("data-theme", re.compile(".*"))
    assert luminance(page) < 0.05
    page.reload()
    expect(page.get_by_role("button", name=re.compile(r"^Theme: "))).to_have_text("Theme: Auto")
    assert luminance(page) < 0.05
    console.clean()
