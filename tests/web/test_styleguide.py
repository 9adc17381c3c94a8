"""The design system's living page, /styleguide (issue 18: "Document it on one page").

Anyone signed in, of any role, sees it; someone signed out is sent to sign in first. It shows
every token that ``static/radar.css`` defines at its top (read here from the stylesheet itself,
not from the page's own list), with a sample whose fill or size comes from that token; a badge
for every level of the policy and every status of the lifecycle; each button, form control,
card, empty state, rarer action, key, countdown state, time and the incident room's timeline.

In Chromium at 1366x768 and 390x844, light and dark, it does not scroll sideways and axe-core
finds no serious or critical violation: a contrast check of every component, in both themes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markupsafe import escape
from playwright.sync_api import Browser

from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.domain.lifecycle import Status
from tests.support.browser import PHONE, Console, accessible, signed_in
from tests.web.conftest import PASSWORD, sign_in

STYLESHEET = Path(__file__).parents[2] / "src" / "radar" / "web" / "static" / "radar.css"
DESKTOP = {"width": 1366, "height": 768}
# Tokens whose sample the page draws with the token itself (a fill, a size, a width ...).
SAMPLED = ("--color-", "--sev", "--text-", "--font-", "--leading", "--space-", "--radius")


def defined_tokens() -> list[str]:
    """The custom properties of radar.css's first ``:root`` block: the design tokens."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.S)
    root = re.search(r":root\s*\{([^}]*)\}", css)
    assert root, "radar.css has no :root block"
    return re.findall(r"(--[\w-]+)\s*:", root.group(1))


@pytest.fixture
def viewer(site: str, container: Container) -> Iterator[httpx.Client]:
    """Victor, who may only read: the page is for every role."""
    container.accounts.create_user(
        "victor", role=UserRole.VIEWER, display_name="Victor Vidal", password=PASSWORD
    )
    web = sign_in(site, "victor")
    try:
        yield web
    finally:
        web.close()


def test_signed_out_it_asks_to_sign_in_first(site: str) -> None:
    answer = httpx.get(f"{site}/styleguide")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?then=/styleguide"


def test_it_shows_every_token_level_and_status(viewer: httpx.Client, container: Container) -> None:
    answer = viewer.get("/styleguide")
    assert answer.status_code == 200, answer.text
    html = answer.text
    samples = viewer.get("/styleguide/tokens.css")
    assert samples.status_code == 200
    assert samples.headers["content-type"].startswith("text/css")

    tokens = defined_tokens()
    assert {"--color-surface", "--sev1-bg", "--text-md", "--space-1", "--radius"} <= set(tokens)
    for token in tokens:
        assert f"<code>{token}</code>" in html, f"{token} is not on the page"
        if token.startswith(SAMPLED):  # its sample, filled or sized by the token itself
            assert f'data-token="{token}"' in html, token
            rule = rf'\[data-token="{token}"\] \{{ [a-z-]+: var\({token}\); \}}'
            assert re.search(rule, samples.text), f"{token} has no sample rule"

    for level in container.policies.current().policy.severities:
        assert f'<span class="badge sev-{level.id}">{level.name}</span>' in html, level.id
    for status in Status:
        assert f'<span class="badge status-{status.value}">' in html, status
    for badge in ("ack", "unack", "restricted", "drill", "public"):
        assert f'<span class="badge {badge}">' in html, badge


def test_it_shows_every_component_with_its_markup(browser: httpx.Client) -> None:
    html = browser.get("/styleguide").text
    for component in (
        '<button type="button">',
        '<button type="button" class="secondary">',
        '<button type="button" class="danger">',
        '<button type="button" class="big">',
        '<button type="button" class="link">',
        '<button type="button" disabled>',
        '<a class="button" href=',
        "<textarea ",
        "<select ",
        '<div class="choice">',
        '<input type="radio"',
        '<input type="checkbox"',
        "<legend>",
        '<fieldset class="segmented">',
        '<p class="hint"',
        '<p class="error"',
        '<p class="notice">',
        '<section class="card"',
        '<div class="empty">',
        '<details class="action">',
        "<kbd>",
    ):
        assert component in html, component
        assert str(escape(component)) in html, f"{component}: its markup, to copy"
    # Countdowns in each state, at the page's fixed instant; every time names its zone.
    due = r'<time datetime="[^"]+" data-time="due" data-now="2026-11-27T10:00:00Z" title="[^"]+"'
    assert re.search(due + ">due in 28 min</time>", html), "a countdown"
    assert re.search(due + ' class="soon">due in 3 min</time>', html), "one due soon"
    assert re.search(due + ' class="overdue">overdue by 6 min</time>', html), "one overdue"
    assert 'data-time="stamp">2026-11-27 10:00 UTC</time>' in html
    assert 'data-time="clock">10:00 UTC</time>' in html
    assert re.search(r'data-time="ago"[^>]*>12 min</time> ago', html)
    # The room's timeline: its filter, people's and Radar's entries, a public update.
    for part in (
        '<section class="card timeline-card" id="timeline"',
        'id="show-person"',
        '<li class="person">',
        '<li class="radar">',
        '<li class="person public">',
        "Public update",
        "Next update due by",
    ):
        assert part in html, part


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_it_fits_and_passes_axe_in_both_themes(
    chromium: Browser, site: str, console: Console, viewport: dict[str, int], scheme: str
) -> None:
    page = signed_in(chromium, site, "maria", console, viewport=viewport, color_scheme=scheme)
    answer = page.goto("/styleguide")
    assert answer is not None
    assert answer.ok
    # The samples' stylesheet applies: the surface's swatch is the page's own background.
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    swatch = page.locator('.sg-swatch[data-token="--color-surface"]')
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == body
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark is (scheme == "dark")
    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"/styleguide scrolls sideways: {wide[0]} px in {wide[1]} px"
    size = "phone" if viewport is PHONE else "desktop"
    accessible(page, f"styleguide-{size}-{scheme}")
    console.clean()
