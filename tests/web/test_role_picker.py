"""The incident room's *Assign a role* form in Chromium, at desktop size and at 390x844: the picker
offers the people Radar knows by name (the policy's people and the enabled accounts), a pick is
assigned and shown by name, and a typo is refused in words with the closest match."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.services.incidents import Declaration
from tests.support.browser import PHONE, Console, accessible, action, signed_in
from tests.support.radar import ANA

OPTIONS = "Array.from(document.getElementById('assignee').list.options, o => [o.value, o.label])"


def held(page: Page, role: str) -> Any:
    """The details card's line for ``role``: who holds it, by name."""
    return page.locator("#details dt", has_text=role).locator("xpath=following-sibling::dd[1]")


def assign(page: Page, role: str, typed: str) -> None:
    action(page, "Assign a role")
    page.get_by_label("Role", exact=True).select_option(label=role)
    page.get_by_label("Person (empty to clear)").fill(typed)
    page.get_by_role("button", name="Assign", exact=True).click()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_picker_offers_names_assigns_and_refuses_a_typo_in_words(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    db_url: str,
    viewport: dict[str, int] | None,
) -> None:
    container.accounts.create_user("joan", role=UserRole.RESPONDER, display_name="Joan Puig")
    container.incidents.declare(ANA, Declaration("Card numbers in the logs", "checkout", "sev1"))
    engine = create_engine(db_url)
    with engine.begin() as conn:  # free text, as Radar stored it before it checked holders
        conn.execute(
            text("INSERT INTO incident_roles (incident_id, role, assignee) VALUES (1, :r, :a)"),
            {"r": "communications_lead", "a": "Joan Soler (contractor)"},
        )
    engine.dispose()
    size = {"viewport": viewport} if viewport else {}
    page = signed_in(chromium, site, "maria", console, **size)
    page.goto("/incidents/INC-1")

    expect(held(page, "Communications lead")).to_have_text("Joan Soler (contractor)")
    offered = dict(page.evaluate(OPTIONS))
    assert offered["laura"] == "Laura Gómez"  # a person of the policy
    assert offered["joan"] == "Joan Puig"  # an account the policy does not list
    assert offered["maria"] == "María Ruiz"  # both: the policy's name
    picker = page.get_by_label("Person (empty to clear)")
    expect(picker).to_be_hidden()  # a rarer action: behind its name under More actions
    action(page, "Assign a role")
    expect(picker).to_be_visible()
    expect(page.get_by_text("Someone Radar knows: pick them from the list")).to_be_visible()
    if viewport:
        box = picker.bounding_box()
        assert box is not None
        assert 0 <= box["x"] <= box["x"] + box["width"] <= PHONE["width"]

    assign(page, "Commander", "lara")
    expect(page.get_by_role("alert")).to_have_text(
        "no person or account 'lara'; did you mean laura (Laura Gómez)?"
    )
    expect(held(page, "Commander")).to_have_text("nobody")
    accessible(page, f"incident-role-refused-{'phone' if viewport else 'desktop'}")

    assign(page, "Commander", "laura")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(held(page, "Commander")).to_have_text("Laura Gómez")
    assign(page, "Deputy", "Joan Puig")  # a name finds them too; stored by id
    expect(held(page, "Deputy")).to_have_text("joan")
    roles = container.incidents.get(ANA, "INC-1").incident.roles
    assert {r.value: who for r, who in roles.items()} == {
        "commander": "laura",
        "communications_lead": "Joan Soler (contractor)",
        "deputy": "joan",
    }
