"""The incident room's timeline in Chromium, at desktop size and at 390x844: each entry says what
changed first and then why, in the words every surface uses (``domain/wording.py``), never a
reason alone with the change dropped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.domain.roles import Role
from radar.server import create_app
from radar.services.incidents import Declaration
from tests.support.browser import PHONE, Console, accessible, action, signed_in
from tests.support.live import serve
from tests.support.radar import ANA
from tests.web.conftest import PASSWORD

TICKET = "https://tickets.example/PAY-7"


@pytest.fixture
def site(container: Container) -> Iterator[str]:
    container.accounts.create_user(
        "maria", role=UserRole.RESPONDER, display_name="María Soto", password=PASSWORD
    )
    container.incidents.declare(ANA, Declaration("Card numbers in the logs", "checkout", "sev2"))
    container.incidents.declare(ANA, Declaration("Button is misaligned", "checkout", "sev4"))
    container.incidents.decline(ANA, "INC-2", reason="Cosmetic", ticket_url=TICKET)
    with serve(create_app(container)) as url:
        yield url


def entry(page: Page, text: str) -> None:
    """One line of the timeline reads ``text`` (whole words, in order) and is on screen."""
    line = page.locator("#timeline li", has_text=text)
    expect(line).to_have_count(1)
    line.scroll_into_view_if_needed()
    expect(line).to_be_in_viewport()


def test_changes_read_what_changed_then_why(
    chromium: Browser, site: str, console: Console, container: Container
) -> None:
    maria = signed_in(chromium, site, "maria", console)
    maria.goto("/incidents/INC-1")
    action(maria, "Change the severity")
    maria.get_by_label("Severity", exact=True).select_option("sev1")
    maria.get_by_label("Reason").fill("Card numbers visible in the logs")
    maria.get_by_role("button", name="Change severity").click()
    entry(maria, "Severity Sev2 - Major → Sev1 - Critical: Card numbers visible in the logs")

    container.incidents.assign_role(ANA, "INC-1", role=Role.COMMUNICATIONS_LEAD, assignee="laura")
    action(maria, "Resolve")
    maria.get_by_label("What fixed it").fill("Rolled back the deploy")
    maria.get_by_label("Publish the summary on the status page").check()
    maria.get_by_role("button", name="Resolve").click()
    entry(maria, "Resolved (public summary): Rolled back the deploy")
    entry(maria, "Communications lead: Laura Gómez (was nobody)")
    entry(maria, "Declared Sev2 - Major")
    timeline = maria.locator("#timeline").inner_text()
    for raw in ("severity_changed", "roles.", "next_update_at", "update_expected"):
        assert raw not in timeline
    accessible(maria, "timeline-words")

    maria.goto("/incidents/INC-2")
    entry(maria, f"Declined as not an incident: Cosmetic (ticket {TICKET})")
    console.clean()


def test_the_words_fit_a_phone(chromium: Browser, site: str, console: Console) -> None:
    phone = signed_in(chromium, site, "maria", console, viewport=PHONE)
    phone.goto("/incidents/INC-2")
    entry(phone, f"Declined as not an incident: Cosmetic (ticket {TICKET})")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
    accessible(phone, "timeline-words-phone")
    console.clean()
