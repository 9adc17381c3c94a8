"""The incident room leads (issue 18), in Chromium at 1366x768 and 390x844.

* Its header (severity, status and acknowledgement badges, the title, how long it has been open,
  the next update's countdown, commander and comms lead) and the Acknowledge button are in the
  first viewport; on a wide screen the header stays on top while the room scrolls, on a phone
  its actions stay along the bottom edge.
* The countdown turns amber in its last five minutes and red once overdue, with the page's
  clock, without a reload.
* The timeline is grouped in bursts, and filters to people, public updates or Radar.
* Rarer actions are behind their names; a refused one comes back open, with the reason.
* The tab says the state ("[SEV1] INC-1 ...") and its icon is marked while the incident awaits
  acknowledgement, and follows live.
* A viewer is offered nothing they would be refused.
* Keyboard only: report -> acknowledge -> update -> resolve, and the shortcuts.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.incident import Visibility
from radar.domain.roles import Role
from radar.services.incidents import Declaration
from tests.support.browser import PHONE, WAIT, Console, accessible, action, signed_in, tab_to
from tests.support.radar import ANA
from tests.web.conftest import PASSWORD

DESKTOP = {"width": 1366, "height": 768}
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]

# Inside the window, without scrolling: the element's whole box.
IN_VIEW = """el => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"""


def sev1(container: Container, title: str = "Checkout returns 500") -> str:
    return container.incidents.declare(ANA, Declaration(title, "checkout", "sev1")).reference


def a_long_timeline(container: Container, clock: FrozenClock, ref: str) -> None:
    """Twelve updates an hour apart: a room whose timeline is far longer than a screen."""
    for n in range(12):
        clock.advance(timedelta(hours=1))
        container.incidents.post_update(ANA, ref, message=f"Still on it, hour {n + 1}.")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_header_and_acknowledge_are_in_the_first_viewport_and_stay_in_reach(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    clock: FrozenClock,
    viewport: dict[str, int],
) -> None:
    ref = sev1(container)
    container.incidents.assign_role(ANA, ref, role=Role.COMMUNICATIONS_LEAD, assignee="laura")
    a_long_timeline(container, clock, ref)
    page = signed_in(chromium, site, "maria", console, viewport=viewport)
    page.goto(f"/incidents/{ref}")

    head = page.locator("#room-head")
    assert head.locator(".badge.sev-sev1").inner_text() == "Sev1 - Critical"
    expect(head.locator(".badge.status-reported")).to_have_text("Reported")
    expect(head.locator(".badge.unack")).to_have_text("Not acknowledged")
    expect(head.get_by_role("heading", level=1)).to_have_text(f"{ref} · Checkout returns 500")
    expect(head.locator("dt:text-is('Open for') + dd")).to_contain_text("12 h")
    expect(head.locator("dt:text-is('Comms lead') + dd")).to_have_text("Laura Gómez")
    expect(head.locator("dt:text-is('Commander') + dd")).to_have_text("nobody")
    acknowledge = page.get_by_role("button", name="Acknowledge")
    post = page.get_by_role("link", name="Post update")
    for part in (head.get_by_role("heading", level=1), head.locator(".badges"), acknowledge, post):
        assert part.evaluate(IN_VIEW), f"{part} is not in the first viewport"

    # Far down the timeline, the two everyday actions are still in reach.
    page.locator("#timeline li").last.scroll_into_view_if_needed()
    assert page.evaluate("scrollY") > 500
    assert acknowledge.evaluate(IN_VIEW)
    assert post.evaluate(IN_VIEW)
    # ... and "Post update" is one tap from the form, ready to type.
    post.click()
    expect(page.get_by_label("Update", exact=True)).to_be_focused()
    assert page.get_by_label("Update", exact=True).evaluate(IN_VIEW)
    accessible(page, f"room-leads-{'phone' if viewport is PHONE else 'desktop'}")
    console.clean()


def test_the_next_update_countdown_turns_amber_then_red_with_the_clock(
    chromium: Browser, site: str, console: Console, container: Container, clock: FrozenClock
) -> None:
    ref = sev1(container)
    page = signed_in(chromium, site, "maria", console, viewport=PHONE)
    page.clock.install(time=clock.now())
    page.goto(f"/incidents/{ref}")
    due = page.locator("#room-head .countdown time")
    expect(due).to_have_text("due in 15 min")  # Sev1: an update every 15 minutes
    expect(due).not_to_have_class("soon")
    page.clock.fast_forward("10:30")
    expect(due).to_have_text("due in 4 min")
    expect(due).to_have_class("soon")  # amber: its last five minutes
    assert colour(due) == token(page, "--color-warning")
    page.clock.fast_forward("05:00")
    expect(due).to_have_text("overdue by under a minute")
    expect(due).to_have_class("overdue")  # red
    assert colour(due) == token(page, "--color-danger")
    console.clean()


def colour(element: Locator) -> str:
    return str(element.evaluate("el => getComputedStyle(el).color"))


def token(page: Page, name: str) -> str:
    """The colour a design token resolves to on this page (in this theme)."""
    return str(
        page.evaluate(
            """name => { const probe = document.createElement("span");
            probe.style.color = `var(${name})`; document.body.append(probe);
            const found = getComputedStyle(probe).color; probe.remove(); return found; }""",
            name,
        )
    )


def test_the_timeline_is_grouped_and_filters_people_public_and_radar(
    chromium: Browser, site: str, console: Console, container: Container, clock: FrozenClock
) -> None:
    ref = sev1(container)
    clock.advance(timedelta(minutes=2))
    container.incidents.post_update(ANA, ref, message="Looking at the gateway.")
    clock.advance(timedelta(hours=2))
    container.incidents.post_update(
        ANA, ref, message="Payments fail for some customers.", visibility=Visibility.PUBLIC
    )
    page = signed_in(chromium, site, "maria", console)
    page.goto(f"/incidents/{ref}")
    timeline = page.locator("#timeline")
    groups = timeline.locator(".tl-group")
    expect(groups).to_have_count(2)  # two bursts, two hours apart; newest first
    expect(groups.first).to_contain_text("Payments fail for some customers.")
    expect(groups.last).to_contain_text("Looking at the gateway.")
    expect(groups.last).to_contain_text("Declared Sev1 - Critical")
    expect(groups.first.get_by_role("heading")).to_contain_text("2026-11-27 12:02")
    expect(timeline.locator("li.public .badge.public")).to_have_text(["Public"])

    shown = timeline.locator("li:visible")
    everything = shown.count()
    page.locator("label[for=show-person]").click()
    expect(shown).to_have_count(3)  # Ana's declaration and her two updates
    expect(timeline.locator("li.radar:visible")).to_have_count(0)
    page.locator("label[for=show-public]").click()
    expect(shown).to_have_text([re.compile(re.escape("Payments fail for some customers."))])
    expect(groups.last).to_be_hidden()  # a burst with nothing public is not shown at all
    page.locator("label[for=show-radar]").click()
    expect(timeline.locator("li.person:visible")).to_have_count(0)
    assert shown.count() == everything - 3 > 0
    page.locator("label[for=show-all]").click()
    expect(shown).to_have_count(everything)
    console.clean()


def test_a_rarer_action_is_behind_its_name_and_a_refused_one_comes_back_open(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    ref = sev1(container)
    page = signed_in(chromium, site, "maria", console)
    page.goto(f"/incidents/{ref}")
    more = page.locator("#more")
    expect(more.locator("summary")).to_have_text(
        ["Resolve", "Change the severity", "Assign a role", "Not an incident"]
    )
    expect(page.get_by_label("What fixed it")).to_be_hidden()
    action(page, "Assign a role")
    page.get_by_label("Person (empty to clear)").fill("lara")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("no person or account 'lara'")
    expect(page.locator("#do-assign-role")).to_have_attribute("open", "")
    expect(page.get_by_label("What fixed it")).to_be_hidden()  # only the refused one is open

    # Declining a report in triage: kept on record as not an incident.
    action(page, "Not an incident")
    page.get_by_label("Why it is not an incident").fill("A test from the load balancer")
    page.get_by_role("button", name="Decline as not an incident").click()
    expect(page.locator("#room-head .badge.status-declined")).to_have_text("Not an incident")
    expect(page).to_have_title(f"[Not an incident] {ref} Checkout returns 500 · Radar")
    expect(page.get_by_role("heading", name="Report it anyway")).to_be_visible()
    console.clean()


def test_an_open_details_stays_open_across_a_live_swap(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    ref = sev1(container)
    page = signed_in(chromium, site, "maria", console)
    page.goto(f"/incidents/{ref}")
    action(page, "Resolve")
    page.get_by_label("What fixed it").fill("Rolled back")
    container.incidents.post_update(ANA, ref, message="Gateway restarted.")
    expect(page.locator("#timeline")).to_contain_text("Gateway restarted.", timeout=WAIT)
    expect(page.locator("#do-resolve")).to_have_attribute("open", "")
    expect(page.get_by_label("What fixed it")).to_have_value("Rolled back")
    console.clean()


def test_the_tab_says_the_state_and_its_icon_marks_what_awaits_acknowledgement(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    ref = sev1(container)
    page = signed_in(chromium, site, "maria", console)
    page.goto(f"/incidents/{ref}")
    expect(page).to_have_title(f"[SEV1] {ref} Checkout returns 500 · Radar")
    icon = page.locator("link#favicon")
    expect(icon).to_have_attribute("href", "/static/favicon-alert.svg")

    container.incidents.acknowledge(ANA, ref)  # someone else, elsewhere: the page follows live
    expect(icon).to_have_attribute("href", "/static/favicon.svg", timeout=WAIT)
    expect(page.locator("#room-head .badge.ack")).to_have_text("Acknowledged")
    container.incidents.resolve(ANA, ref, summary="Rolled back")
    expect(page).to_have_title(f"[Resolved] {ref} Checkout returns 500 · Radar", timeout=WAIT)
    assert page.request.get("/static/favicon-alert.svg").ok
    console.clean()


def test_a_viewer_is_offered_nothing_they_would_be_refused(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    container.accounts.create_user(
        "vic", role=UserRole.VIEWER, display_name="Vic Viewer", password=PASSWORD
    )
    ref = sev1(container)
    page = signed_in(chromium, site, "vic", console)
    page.goto(f"/incidents/{ref}")
    expect(page.locator("#room-head .badge.unack")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(page.locator("#update")).to_have_count(0)
    expect(page.locator("#more details")).to_have_count(0)
    page.keyboard.press("a")  # the shortcut does nothing either
    expect(page.locator("#room-head .badge.unack")).to_be_visible()
    console.clean()


def focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.textContent"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_report_acknowledge_update_and_resolve_by_keyboard_alone(
    chromium: Browser, site: str, console: Console, container: Container, viewport: dict[str, int]
) -> None:
    page = signed_in(chromium, site, "maria", console, viewport=viewport)
    page.wait_for_load_state()  # the page's scripts, shortcuts included, have run
    keys = page.keyboard
    keys.press("g")
    keys.press("r")  # g r: report an incident
    expect(page.get_by_role("heading", name="Report an incident")).to_be_visible()
    tab_to_field(page, "service")
    keys.type("Checkout")  # a select's type-ahead
    expect(page.locator("#service")).to_have_value("checkout")
    tab_to(page, "Next")
    submit(page)
    while page.locator("fieldset legend").count():  # the guide, question by question
        tab_to_field(page, "answer-0")
        keys.press("Space")
        tab_to(page, "Next")
        submit(page)
    expect(page.get_by_role("heading", name="Suggested: Sev1 - Critical")).to_be_visible()
    tab_to_field(page, "title")
    keys.type("Card payments fail")
    tab_to(page, "Declare the incident")
    submit(page)
    expect(page.locator("#room-head h1")).to_have_text("INC-1 · Card payments fail")

    with page.expect_navigation():
        keys.press("a")  # acknowledge
    expect(page.locator("#room-head .badge.ack")).to_have_text("Acknowledged")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)

    keys.press("u")  # to the update form
    expect(page.get_by_label("Update", exact=True)).to_be_focused()
    keys.type("The gateway is restarting.")
    tab_to(page, "Post update")
    submit(page)
    expect(page.locator("#timeline")).to_contain_text("The gateway is restarting.")

    tab_to(page, "Resolve", limit=80)
    keys.press("Enter")  # opens it
    keys.press("Tab")
    expect(page.get_by_label("What fixed it")).to_be_focused()
    keys.type("Restarted the gateway.")
    tab_to(page, "Resolve")
    submit(page)
    expect(page.locator("#room-head .badge.status-resolved")).to_have_text("Resolved")
    expect(page.locator("#timeline")).to_contain_text("Restarted the gateway.")
    assert container.incidents.get(ANA, "INC-1").incident.status.value == "resolved"
    console.clean()


def submit(page: Page) -> None:
    """Enter on the focused button, and the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tab_to_field(page: Page, field_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == field_id:
            return
    raise AssertionError(f"#{field_id} is not reached with Tab")


def test_the_shortcuts_are_listed_and_never_steal_typing(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    sev1(container)
    page = signed_in(chromium, site, "maria", console)
    page.wait_for_load_state()
    keys = page.keyboard
    keys.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Acknowledge this incident")
    accessible(page, "shortcuts-dialog")
    keys.press("Escape")
    expect(dialog).to_be_hidden()

    keys.press("/")  # search: the dashboard's text filter
    search = page.locator("#f-q")
    expect(search).to_be_focused()
    keys.type("g d a u")  # typed into the field, not taken as shortcuts
    expect(search).to_have_value("g d a u")
    page.evaluate("document.activeElement.blur()")

    page.goto("/process")
    keys.press("/")  # no search here: All incidents', ready to type
    expect(page).to_have_url(re.compile(re.escape("/incidents#f-q")))
    expect(page.locator("#f-q")).to_be_focused()
    page.evaluate("document.activeElement.blur()")
    keys.press("g")
    keys.press("d")
    expect(page.get_by_role("heading", name="Open incidents")).to_be_visible()
    console.clean()
