"""The incidents page's search, in Chromium at a desktop width and at 390x844: upper case finds
lower case in any script, updates and resolution summaries are searched, and a severity the
policy does not have is refused in words instead of showing an empty list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from radar.bootstrap import Container
from radar.domain.incident import Via
from radar.services.incidents import Declaration
from tests.support.browser import PHONE, Console, signed_in

DESKTOP = {"width": 1280, "height": 800}


def _search(page: Page, text: str) -> None:
    page.goto("/incidents")
    page.get_by_label("Text").fill(text)
    page.get_by_label("Text").press("Enter")
    page.wait_for_url("**/incidents?*")


def _row(page: Page, title: str) -> Locator:
    return page.get_by_role("row").filter(has_text=title)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_searching_finds_any_case_and_what_people_wrote(
    container: Container, site: str, chromium: Browser, console: Console, viewport: dict[str, int]
) -> None:
    maria = container.accounts.authenticate(
        container.accounts.create_token("maria", name="t").secret
    )
    accented = Declaration(title="Pagos de ünï rechazados", service="checkout", severity="sev3")
    container.incidents.declare(maria, accented, Via.WEB)
    rolled = Declaration(title="Card payments fail", service="checkout", severity="sev2")
    container.incidents.declare(maria, rolled, Via.WEB)
    container.incidents.post_update(maria, "INC-2", message="We rolled back the 14:02 deploy.")
    page = signed_in(chromium, site, "maria", console, viewport=viewport)

    _search(page, "ÜNÏ")
    expect(_row(page, "Pagos de ünï rechazados")).to_be_visible()
    expect(_row(page, "Card payments fail")).to_have_count(0)

    _search(page, "ROLLED BACK")
    expect(_row(page, "Card payments fail")).to_be_visible()
    expect(_row(page, "Pagos de ünï rechazados")).to_have_count(0)

    answer = page.goto("/incidents?severity=sev9")
    assert answer is not None
    assert answer.status == 422
    expect(
        page.get_by_text("unknown severity 'sev9'; the policy defines: sev1, sev2, sev3, sev4")
    ).to_be_visible()
    console.clean()
