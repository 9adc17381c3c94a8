"""Times in the browser: in the reader's own zone, with its abbreviation, and ages and countdowns
that keep up without a reload. Chromium at 390x844 in New York (and Los Angeles for the public
status page), its clock faked by Playwright and moved on by the test; the server's clock is
frozen at Friday 2026-11-27 10:00 UTC and never moves, so nothing is swapped in from the server:
what changes on the page is the page's own doing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect

from radar.bootstrap import Container
from radar.domain.incident import Visibility
from radar.services.incidents import Declaration
from tests.support.browser import PHONE, WAIT, Console, accessible, opened, signed_in
from tests.support.radar import ANA

# The reader's clock is wrong by 7 minutes: ages count from the server's time of the page.
READERS_CLOCK = datetime(2026, 11, 27, 10, 7, tzinfo=UTC)


def declared(container: Container) -> None:
    """A Sev2 at 10:00 UTC: the engine has nothing to say yet, the next update is due at 10:30."""
    container.incidents.declare(ANA, Declaration("Checkout returns 500", "checkout", "sev2"))


def in_new_york(chromium: Browser, site: str, console: Console) -> Page:
    page = signed_in(
        chromium, site, "maria", console, viewport=PHONE, timezone_id="America/New_York"
    )
    page.clock.install(time=READERS_CLOCK)
    return page


def test_ages_tick_and_a_missed_update_turns_overdue_without_a_reload(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    declared(container)
    page = in_new_york(chromium, site, console)

    page.goto("/incidents/INC-1")
    declared_line = page.locator("dt:text-is('Declared') + dd")
    expect(declared_line).to_contain_text("under a minute ago")
    step = page.locator("#plan li", has_text="Laura Gómez").first
    expect(step).to_contain_text("in 10 min")
    page.clock.fast_forward(130_000)  # 2 min 10 s, no reload
    expect(declared_line).to_contain_text("2 min ago")
    expect(step).to_contain_text("in 7 min")
    page.clock.fast_forward("09:00")
    expect(step).to_contain_text("now ·")

    page.goto("/")
    due = page.locator("#board tr", has_text="INC-1").locator("td").last
    expect(due).to_have_text("due in 30 min")
    page.clock.fast_forward("28:30")
    expect(due).to_have_text("due in 1 min")
    page.clock.fast_forward("02:40")
    expect(due).to_have_text("overdue by 1 min")
    expect(due.locator(".overdue")).to_have_text("overdue by 1 min")  # marked, in red
    console.clean()


def test_times_show_in_the_readers_zone_with_its_abbreviation(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    declared(container)
    page = in_new_york(chromium, site, console)
    page.goto("/incidents/INC-1")
    expect(page.locator("dt:text-is('Declared') + dd")).to_contain_text("2026-11-27 05:00 EST")
    step = page.locator("#plan li", has_text="Laura Gómez").first
    expect(step).to_contain_text("in 10 min · 2026-11-27 05:10 EST")
    expect(page.locator("#timeline")).to_contain_text("2026-11-27 05:00 EST")
    assert "UTC" not in page.locator("#main").inner_text()

    # What arrives live (an HTMX swap) is shown in the reader's zone too.
    container.incidents.post_update(ANA, "INC-1", message="Rolled back the deploy.")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Rolled back the deploy.", timeout=WAIT)
    # An entry says its time of day, under its group's heading with the day, both in the zone.
    expect(timeline.locator("li", has_text="Rolled back").locator("time").first).to_have_text(
        "05:00 EST"
    )
    assert "UTC" not in page.locator("#main").inner_text()
    accessible(page, "times-incident-phone")  # after the swap: axe-core's script stays on the page

    page.goto("/")
    due = page.locator("#board tr", has_text="INC-1").locator("td").last.locator("time")
    expect(due).to_have_attribute("title", "2026-11-27 05:30 EST")  # the exact time, on hover
    console.clean()


def test_the_status_page_shows_the_readers_local_time(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    declared(container)
    container.incidents.post_update(
        ANA, "INC-1", message="We are looking into failed payments.", visibility=Visibility.PUBLIC
    )
    visitor = opened(chromium, site, console, viewport=PHONE, timezone_id="America/Los_Angeles")
    visitor.goto("/status")
    update = visitor.locator("li", has_text="We are looking into failed payments.")
    expect(update.locator("time")).to_have_text("2026-11-27 02:00 PST")
    expect(update.locator("time")).to_have_attribute("datetime", "2026-11-27T10:00:00Z")
    accessible(visitor, "times-status-phone")
    console.clean()


def test_without_javascript_every_time_still_names_its_zone(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    declared(container)
    container.incidents.post_update(
        ANA, "INC-1", message="We are looking into failed payments.", visibility=Visibility.PUBLIC
    )
    visitor = opened(chromium, site, console, java_script_enabled=False)
    visitor.goto("/status")
    update = visitor.locator("li", has_text="We are looking into failed payments.")
    expect(update.locator("time")).to_have_text("2026-11-27 10:00 UTC")
