"""The dashboard glances (issue 18), in Chromium at 1366x768 and 390x844, light and dark.

The server's clock is frozen; the incidents are declared, acknowledged and resolved through the
services as the clock moves on, so that at the end (Saturday 12:00 UTC):

- open: INC-4 Sev1 (declared first, unacknowledged), INC-6 Sev1 (acknowledged), INC-3 Sev3
  (declared first, unacknowledged), INC-5 Sev3 (unacknowledged); nothing at Sev2 or Sev4;
- resolved: INC-1 25 hours ago (gone from the list), INC-2 23 hours ago (listed);
- restricted, taking part only ana (its reporter): INC-7 (open, Sev1) and INC-8 (resolved an hour
  ago). María takes no part: neither shows on her dashboard, in any part of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.roles import Role
from radar.server import create_app
from radar.services.incidents import Declaration
from tests.support.browser import PHONE, WAIT, Console, accessible, signed_in
from tests.support.live import serve
from tests.support.radar import ANA
from tests.web.conftest import PASSWORD, sign_in

DESKTOP = {"width": 1366, "height": 768}
TITLE = "[SEV1] 4 open, 3 unacknowledged"
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def declare(c: Container, title: str, severity: str, *, restricted: bool = False) -> str:
    made = c.incidents.declare(ANA, Declaration(title, "checkout", severity, restricted=restricted))
    return made.reference


@pytest.fixture
def site(container: Container, clock: FrozenClock) -> Iterator[str]:
    container.accounts.create_user(
        "maria", role=UserRole.RESPONDER, display_name="María Soto", password=PASSWORD
    )
    declare(container, "Old outage", "sev2")  # INC-1
    declare(container, "Recent outage", "sev2")  # INC-2
    declare(container, "Slow search", "sev3")  # INC-3
    clock.advance(timedelta(hours=1))
    container.incidents.resolve(ANA, "INC-1", summary="Rolled back release 41")
    clock.advance(timedelta(hours=1))
    declare(container, "Checkout returns 500", "sev1")  # INC-4
    container.incidents.assign_role(ANA, "INC-4", role=Role.COMMANDER, assignee="laura")
    clock.advance(timedelta(hours=1))
    container.incidents.resolve(ANA, "INC-2", summary="Restarted the mail relay")
    clock.advance(timedelta(hours=1))
    declare(container, "Images missing", "sev3")  # INC-5
    clock.advance(timedelta(hours=1))
    declare(container, "Payments failing", "sev1")  # INC-6
    container.incidents.acknowledge(ANA, "INC-6")
    declare(container, "XYZZY card numbers in the logs", "sev1", restricted=True)  # INC-7
    declare(container, "XYZZY leaked token", "sev2", restricted=True)  # INC-8
    clock.advance(timedelta(hours=20))
    container.incidents.resolve(ANA, "INC-8", summary="XYZZY rotated")
    clock.advance(timedelta(hours=1))  # INC-1 was resolved 25 h ago, INC-2 23 h ago
    with serve(create_app(container)) as url:
        yield url


def references(page: Page, rows: str) -> list[str]:
    return [t.split()[0] for t in page.locator(rows).all_inner_texts()]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "viewport", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
)
def test_the_dashboard_at_a_glance(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    viewport: dict[str, int],
    scheme: str,
) -> None:
    page = signed_in(chromium, site, "maria", console, viewport=viewport, color_scheme=scheme)
    board = page.locator("#board")

    # The most severe first; within a level, the one open longest first.
    rows = "#board table.board tbody th[scope=row]"
    assert references(page, rows) == ["INC-4", "INC-6", "INC-3", "INC-5"]
    first = board.locator("tbody tr").first
    expect(first.locator(".badge.sev-sev1")).to_have_text("Sev1 - Critical")
    expect(first.locator(".badge.status-reported")).to_have_text("reported")
    expect(first.locator(".badge.unack")).to_have_text("not yet acknowledged")
    expect(first).to_contain_text("Laura Gómez (commander)")  # by name, not "laura"
    expect(first.locator(".service")).to_have_text("Checkout")  # the service by name
    expect(first.locator("time[data-time=ago]")).to_have_text("1 d")
    expect(board.locator("tbody tr", has_text="INC-6").locator(".badge.ack")).to_have_text(
        "acknowledged by Ana (api)"
    )

    # Counts per level, a level with nothing open muted, and how many are unacknowledged.
    glance = board.locator(".glance")
    expect(glance.locator("li").first).to_have_text("Sev1 - Critical 2")
    expect(glance.locator("li.muted", has_text="Sev2 - Major")).to_have_text("Sev2 - Major 0")
    expect(glance.locator("li.muted", has_text="Sev4 - Low")).to_have_text("Sev4 - Low 0")
    expect(glance.locator(".badge.unack")).to_have_text("3 unacknowledged")

    # Resolved in the last 24 hours: 23 hours ago yes, 25 hours ago no.
    resolved = board.locator("section.resolved li")
    expect(resolved).to_have_count(1)
    expect(resolved).to_contain_text("INC-2 Recent outage")
    expect(resolved).to_contain_text("resolved 23 h ago by Ana: Restarted the mail relay")
    expect(board).not_to_contain_text("Old outage")

    # Restricted incidents María takes no part in: nowhere (the admin's board has them).
    expect(board).not_to_contain_text("XYZZY")
    admin = container.board.board(ANA)
    assert "INC-7" in [r.incident.reference for r in admin.rows]
    assert [r.resolution.reference for r in admin.resolved] == ["INC-8", "INC-2"]

    # The tab says it from across the room.
    assert page.title() == f"{TITLE} · Radar"
    state = page.locator("#tab-state")
    expect(state).to_have_attribute("data-title", TITLE)
    expect(state).to_have_attribute("data-alert", "true")

    # A table at a desktop width; one card per incident on a phone; nothing scrolls sideways.
    display = first.evaluate("row => getComputedStyle(row).display")
    assert display == ("flex" if viewport is PHONE else "table-row")
    expect(page.locator("table.board thead")).to_be_visible()
    header = page.locator("table.board thead").bounding_box()
    assert header is not None
    assert (header["height"] <= 1) == (viewport is PHONE)  # only there for screen readers
    assert page.evaluate(OVERFLOW) <= 0
    name = f"dashboard-glance-{scheme}-{'phone' if viewport is PHONE else 'desktop'}"
    accessible(page, name)
    console.clean()


def test_counts_the_title_and_resolutions_follow_live(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    page = signed_in(chromium, site, "maria", console, viewport=PHONE)
    expect(page).to_have_title(f"{TITLE} · Radar")

    container.incidents.acknowledge(ANA, "INC-4")
    container.incidents.acknowledge(ANA, "INC-3")
    container.incidents.resolve(ANA, "INC-5", summary="Cache cleared")

    board = page.locator("#board")
    expect(board.locator("section.resolved li").first).to_contain_text(
        "INC-5 Images missing", timeout=WAIT
    )
    expect(board.locator("section.resolved li").first).to_contain_text("resolved under a minute")
    expect(board.locator(".glance li").nth(2)).to_have_text("Sev3 - Minor 1")
    expect(board.locator(".glance")).to_contain_text("all acknowledged")
    expect(page.locator("#tab-state")).to_have_attribute("data-alert", "false")
    expect(page).to_have_title("[SEV1] 3 open · Radar")
    assert page.evaluate(OVERFLOW) <= 0
    console.clean()


def test_filters_keep_working_with_an_empty_state(site: str) -> None:
    web = sign_in(site)
    try:
        sev3 = web.get("/", params={"severity": "sev3"}).text
        nothing = web.get("/", params={"q": "no such words anywhere"}).text
    finally:
        web.close()
    assert "INC-3" in sev3
    assert "INC-4" not in sev3
    assert "<title>[SEV3] 2 open, 2 unacknowledged · Radar</title>" in sev3
    assert "No open incidents match these filters" in nothing
    assert "Nothing resolved in the last 24 hours matches these filters" in nothing
    assert "<title>No open incidents · Radar</title>" in nothing
    assert 'data-alert="false"' in nothing
