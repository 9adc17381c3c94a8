"""The report form in Chromium, at desktop size and at 390x844: no service is chosen for the
reporter, each step says where they are, and the browser holds a field to the length the server
takes, saying so under it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from radar.domain.incident import TITLE_MAX
from tests.support.browser import PHONE, Console, accessible, signed_in


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_report_form_asks_for_a_service_counts_its_steps_and_limits_the_title(
    chromium: Browser, site: str, console: Console, viewport: dict[str, int] | None
) -> None:
    size = {"viewport": viewport} if viewport else {}
    page = signed_in(chromium, site, "maria", console, **size)
    page.goto("/report")

    # No service is chosen for the reporter; Next without one stays here, asking for it.
    service = page.get_by_label("Service")
    expect(service.locator("option:checked")).to_have_text("Choose a service")
    expect(service).to_have_value("")
    expect(page.locator("#step")).to_have_text("Step 1 of up to 6")
    expect(page.locator("#step")).to_be_in_viewport()
    page.get_by_role("button", name="Next").click()
    assert service.evaluate("e => e.validity.valueMissing") is True
    expect(page.get_by_role("heading", name="What is affected?")).to_be_visible()
    assert "service=" not in page.url
    accessible(page, f"report-service-{'phone' if viewport else 'desktop'}")

    service.select_option("checkout")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#step")).to_have_text("Step 2 of up to 6")
    page.get_by_role("link", name="Back").click()  # the reporter's own choice is kept
    expect(page.get_by_label("Service")).to_have_value("checkout")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#step")).to_have_text("Step 2 of up to 6")
    page.get_by_label("No").check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#step")).to_have_text("Step 3 of up to 6")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Suggested: Sev2 - Major")).to_be_visible()
    expect(page.locator("#step")).to_have_text("Step 4 of 4")

    # The title stops at the server's limit, and says so before anyone submits.
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("maxlength", str(TITLE_MAX))
    expect(page.get_by_text(f"At most {TITLE_MAX} characters.")).to_be_visible()
    title.click()
    page.keyboard.insert_text("x" * (TITLE_MAX + 40))
    assert len(title.input_value()) == TITLE_MAX
    accessible(page, f"report-suggestion-limits-{'phone' if viewport else 'desktop'}")
    page.get_by_role("button", name="Declare the incident").click()
    expect(page.get_by_role("heading", name=f"INC-1 · {'x' * 20}")).to_be_visible()
    console.clean()


def test_a_guide_answered_to_its_end_counts_every_step(
    chromium: Browser, site: str, console: Console
) -> None:
    """No, no, no, then "not an incident": six steps, the last one saying so."""
    page = signed_in(chromium, site, "maria", console, viewport=PHONE)
    page.goto("/report?service=checkout&answers=1,1,1")
    expect(page.locator("#step")).to_have_text("Step 5 of 6")
    page.get_by_label("No emergency response is needed").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Not an incident")).to_be_visible()
    expect(page.locator("#step")).to_have_text("Step 6 of 6")
    what = page.get_by_label("What happened")
    expect(what).to_have_attribute("maxlength", str(TITLE_MAX))
    expect(page.get_by_text(f"At most {TITLE_MAX} characters.")).to_be_visible()
    console.clean()
