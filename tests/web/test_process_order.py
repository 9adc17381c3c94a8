"""The process page in Chromium, at desktop size and at 390x844, tells the severity guide in the
order the report form asks it, and says where the guide asks whether it is an incident at all
(the shipped guide asks it last; the page used to say "Ask first")."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import PHONE, Console, accessible, signed_in


def words(text: str | None) -> str:
    return " ".join((text or "").split())


def asked_by_the_report_form(page: Page) -> list[str]:
    """The questions the report form asks on checkout, answering "No" while it goes on."""
    page.goto("/report?service=checkout")
    asked = [words(page.locator("legend").text_content())]
    while page.get_by_label("No", exact=True).count():
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Next").click()
        expect(page).to_have_url(re.compile(rf"answers={'(%2C|,)'.join(['1'] * len(asked))}$"))
        asked.append(words(page.locator("legend").text_content()))
    return asked


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_process_page_tells_the_guide_in_the_order_it_is_asked(
    chromium: Browser, site: str, console: Console, viewport: dict[str, int] | None
) -> None:
    size = {"viewport": viewport} if viewport else {}
    page = signed_in(chromium, site, "maria", console, **size)
    asked = asked_by_the_report_form(page)
    assert len(asked) == 4
    assert asked[0].startswith("Is customer data exposed")
    assert asked[-1].startswith("Is it one customer, or a cosmetic problem")

    page.goto("/process")
    test = page.locator("#incident-test")
    expect(test).to_have_text(
        "The test: Does this need an emergency response? If not, it is not an incident: file a "
        "ticket. The severity guide asks it last, at question 4."
    )
    expect(page.locator("#incident")).not_to_contain_text("Ask first")
    guide = page.get_by_role("region", name="Choosing a level")
    expect(guide).to_be_visible()
    shown = [words(t) for t in guide.locator("ol > li > p:first-child").all_text_contents()]
    assert shown == asked
    expect(guide.locator("#question-harm")).to_contain_text("Yes: Sev1 - Critical")
    expect(guide.locator("#question-harm")).to_contain_text("No: question 2")
    expect(guide.locator("#question-one")).to_contain_text(
        "No emergency response is needed: not an incident, file a ticket"
    )
    accessible(page, f"process-guide-{'phone' if viewport else 'desktop'}")
    console.clean()
