"""Radar in a real browser: Debian's Chromium driven by Playwright, headless.

A reporter walks the guide and declares; the incident is acknowledged; an update posted in one
browser appears in another without a reload; the incident is resolved; the public status page
shows only what was published. axe-core checks every page for serious or critical accessibility
problems. Every page runs under Radar's Content-Security-Policy, and a test fails on any console
message about a violation of it, or any uncaught script error (``tests/support/browser.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.server import create_app
from radar.services.incidents import Declaration
from tests.support.browser import (
    SHOTS,
    WAIT,
    Console,
    accessible,
    action,
    opened,
    signed_in,
    tab_to,
)
from tests.support.live import serve
from tests.support.proposals import propose_upgrade
from tests.support.radar import ANA
from tests.web.conftest import PASSWORD


@pytest.fixture
def site(container: Container) -> Iterator[str]:
    for name, shown in (("maria", "María Soto"), ("joan", "Joan Puig")):
        container.accounts.create_user(
            name, role=UserRole.RESPONDER, display_name=shown, password=PASSWORD
        )
    with serve(create_app(container)) as url:
        yield url


def test_report_acknowledge_update_live_and_resolve(
    chromium: Browser, site: str, console: Console
) -> None:
    maria = signed_in(chromium, site, "maria", console)
    accessible(maria, "dashboard-empty")

    # Report through the guide.
    maria.get_by_role("link", name="Report an incident").click()
    maria.get_by_label("Service").select_option("checkout")
    maria.get_by_role("button", name="Next").click()
    accessible(maria, "report-question")
    maria.get_by_label("No").check()
    maria.get_by_role("button", name="Next").click()
    maria.get_by_label("Yes").check()
    maria.get_by_role("button", name="Next").click()
    expect(maria.get_by_role("heading", name="Suggested: Sev2 - Major")).to_be_visible()
    expect(maria.get_by_text("#radar is told now")).to_be_visible()
    accessible(maria, "report-suggestion")
    maria.get_by_label("Title").fill("Checkout returns 500 for every order")
    maria.get_by_role("button", name="Declare the incident").click()
    expect(maria.get_by_role("heading", name="INC-1 · Checkout returns 500")).to_be_visible()
    accessible(maria, "incident")

    # Acknowledge.
    maria.get_by_role("button", name="Acknowledge").click()
    expect(maria.locator("#acknowledged")).to_contain_text("by María Soto (web)")

    # Joan watches the same incident; María's update reaches him without a reload.
    joan = signed_in(chromium, site, "joan", console)
    joan.goto("/incidents/INC-1")
    expect(joan.locator("#timeline")).to_be_visible()
    maria.get_by_label("Update", exact=True).fill("We are still investigating.")
    maria.get_by_label("Public: also on the status page").check()
    maria.get_by_label("Status after this update").select_option("investigating")
    maria.get_by_role("button", name="Post update").click()
    expect(joan.locator("#timeline")).to_contain_text("We are still investigating.", timeout=WAIT)
    expect(joan.locator("#status")).to_have_text("investigating", timeout=WAIT)
    maria.get_by_label("Update", exact=True).fill(
        "Internal: the 14:02 deploy touched the payment client."
    )
    maria.get_by_role("button", name="Post update").click()
    expect(maria.locator("#timeline")).to_contain_text("14:02 deploy")

    # Resolve, publishing the summary: under More actions.
    action(maria, "Resolve")
    maria.get_by_label("What fixed it").fill("Rolled back the 14:02 deploy.")
    maria.get_by_label("Publish the summary on the status page").check()
    maria.get_by_role("button", name="Resolve").click()
    expect(maria.locator("#status")).to_have_text("resolved")
    accessible(maria, "incident-resolved")

    # The public status page shows what was published, and nothing internal.
    visitor = opened(chromium, site, console)
    visitor.goto("/status")
    expect(visitor.get_by_text("We are still investigating.")).to_be_visible()
    assert "payment client" not in visitor.content()
    accessible(visitor, "status")
    console.clean()


def test_a_proposed_upgrade_is_answered_by_keyboard(
    chromium: Browser, site: str, console: Console, container: Container, clock: FrozenClock
) -> None:
    for title in ("Checkout returns 500", "Card payments fail"):
        container.incidents.declare(ANA, Declaration(title, "checkout", "sev2"))
    propose_upgrade(container, clock, "INC-1", "INC-2")
    maria = signed_in(chromium, site, "maria", console)

    maria.goto("/incidents/INC-1")
    notice = maria.get_by_role("heading", name="Radar proposes Sev1 - Critical: unresolved after")
    expect(notice).to_be_visible()
    accessible(maria, "incident-proposal")
    tab_to(maria, "Accept")
    maria.keyboard.press("Enter")
    expect(maria.locator(".sev")).to_have_text("Sev1 - Critical")
    expect(maria.locator("#proposal")).to_be_empty()

    maria.goto("/incidents/INC-2")
    tab_to(maria, "Decline")
    maria.keyboard.press("Space")
    expect(maria.locator("#timeline")).to_contain_text(
        "Declined the proposed upgrade to Sev1 - Critical; stays Sev2 - Major"
    )
    expect(maria.locator("#proposal")).to_be_empty()
    expect(maria.locator(".sev")).to_have_text("Sev2 - Major")
    console.clean()


def test_the_api_reference_renders_under_the_csp(
    chromium: Browser, site: str, console: Console
) -> None:
    page = opened(chromium, site, console)
    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="Radar")).to_be_visible(timeout=WAIT)
    listing = page.locator("#operations-incidents-list_incidents_api_v1_incidents_get")
    listing.get_by_role("button").first.click()  # opened: parameters, responses, schemas
    expect(listing.get_by_text("Parameters")).to_be_visible()
    expect(listing.get_by_text("body_too_large")).to_be_visible()  # the documented errors
    listing.get_by_role("button", name="Try it out").click()
    listing.get_by_role("button", name="Execute").click()  # a fetch: connect-src 'self'
    answered = listing.locator(".live-responses-table tbody .response-col_status")
    expect(answered).to_have_text("401")  # no token given: refused, but it went and came back
    page.screenshot(path=str(SHOTS / "api-docs.png"))
    console.clean()


def test_the_console_watch_sees_a_csp_violation(chromium: Browser, site: str) -> None:
    """The watch above can fail: a page on Radar's origin, under Radar's own policy, with an
    inline script and an inline style, is refused both, and each refusal is seen."""
    policy = chromium.new_context().request.get(f"{site}/signin").headers
    probe = Console()
    page = opened(chromium, site, probe)
    page.route(
        "**/__test__/inline",
        lambda route: route.fulfill(
            content_type="text/html",
            headers={"Content-Security-Policy": policy["content-security-policy"]},
            body='<!doctype html><title>probe</title><p style="color: red">x</p>'
            '<script>document.title = "ran"</script>',
        ),
    )
    page.goto("/__test__/inline")
    expect(page).to_have_title("probe")
    assert any("inline script" in p for p in probe.problems), probe.problems
    assert any("inline style" in p for p in probe.problems), probe.problems
