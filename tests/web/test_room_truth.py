"""The incident room tells the truth and offers only what it allows (issue 17, items 4, 5, 8),
in Chromium at a desktop width and at 390x844.

- An acknowledgement made before a move to a level that asks for a fresh one is shown in words,
  and a resolved incident is never a red alarm.
- A resolved incident's update form offers no working status; a refusal is in words.
- Acknowledge disappears when someone else acknowledges while the room is open, and what the
  person was typing stays.
- A declined report reads "Not an incident" and can be reported anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from radar.bootstrap import Container
from radar.domain.access import Principal, UserRole
from radar.server import create_app
from radar.services.incidents import Declaration
from tests.conftest import EXAMPLE_POLICY
from tests.support.browser import PHONE, WAIT, Console, accessible, signed_in
from tests.support.live import serve
from tests.web.conftest import PASSWORD

SAID_OPEN = (
    "acknowledged at Sev2 - Major by Laura Gómez (api); Sev1 - Critical not yet acknowledged"
)
SAID_RESOLVED = (
    "acknowledged at Sev2 - Major by Laura Gómez (api); Sev1 - Critical was not acknowledged"
)


def person(c: Container, username: str, name: str) -> Principal:
    c.accounts.create_user(username, role=UserRole.RESPONDER, display_name=name, password=PASSWORD)
    return c.accounts.authenticate(c.accounts.create_token(username, name="test").secret)


@pytest.fixture
def people(container: Container) -> dict[str, Principal]:
    """María and Joan use the browser; Laura and Ana act elsewhere (the API, Slack ...). Sev1
    asks for a fresh acknowledgement."""
    text = EXAMPLE_POLICY.read_text().replace(
        "    urgent: true\n", "    urgent: true\n    fresh_acknowledgement: true\n", 1
    )
    container.policies.apply(text, filename="policy.yaml", author="test")
    return {
        "maria": person(container, "maria", "María Soto"),
        "joan": person(container, "joan", "Joan Puig"),
        "laura": person(container, "laura", "Laura Gómez"),
        "ana": person(container, "ana", "Ana Torres"),
    }


@pytest.fixture
def site(container: Container, people: dict[str, Principal]) -> Iterator[str]:
    with serve(create_app(container)) as url:
        yield url


def acked_at_sev2_then_sev1(c: Container, people: dict[str, Principal]) -> str:
    """INC-1: Laura acknowledged it at Sev2; then it moved to Sev1, which needs a fresh one."""
    ana = people["ana"]
    made = c.incidents.declare(ana, Declaration("Card numbers in the logs", "checkout", "sev2"))
    c.incidents.acknowledge(people["laura"], made.reference)
    c.incidents.change_severity(ana, made.reference, severity="sev1", reason="Data exposed")
    return made.reference


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_acknowledgement_before_a_fresh_level_is_shown_in_words(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    people: dict[str, Principal],
    viewport: dict[str, int] | None,
) -> None:
    ref = acked_at_sev2_then_sev1(container, people)
    size = {"viewport": viewport} if viewport else {}
    maria = signed_in(chromium, site, "maria", console, **size)
    expect(maria.locator("#board")).to_contain_text(SAID_OPEN)
    expect(maria.locator("#board .overdue")).to_have_text("Sev1 - Critical not yet acknowledged")
    accessible(maria, f"dashboard-ack-history-{'phone' if viewport else 'desktop'}")
    if viewport:  # the board fits the phone: one card per incident, nothing to scroll sideways
        assert maria.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    maria.goto(f"/incidents/{ref}")
    ack = maria.locator("#acknowledged")
    expect(ack).to_have_text(SAID_OPEN)
    expect(ack.locator(".overdue")).to_have_text("Sev1 - Critical not yet acknowledged")
    accessible(maria, f"room-ack-history-{'phone' if viewport else 'desktop'}")

    container.incidents.resolve(people["ana"], ref, summary="Logs scrubbed")
    maria.reload()
    expect(maria.locator("#status")).to_have_text("resolved")
    expect(ack).to_have_text(SAID_RESOLVED)
    # A fact, not an alarm.
    expect(maria.locator("#room-head .overdue, #details .overdue")).to_have_count(0)
    expect(maria.get_by_role("button", name="Acknowledge")).to_have_count(0)
    accessible(maria, f"room-ack-resolved-{'phone' if viewport else 'desktop'}")
    console.clean()


def test_the_update_form_offers_only_the_statuses_allowed_now(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    people: dict[str, Principal],
) -> None:
    ana = people["ana"]
    ref = container.incidents.declare(
        ana, Declaration("Search is slow", "catalog", "sev3")
    ).reference
    maria = signed_in(chromium, site, "maria", console)
    maria.goto(f"/incidents/{ref}")
    offered = maria.get_by_label("Status after this update").locator("option")
    expect(offered).to_have_text(
        ["Unchanged (reported)", "investigating", "identified", "monitoring"]
    )
    maria.get_by_label("Update", exact=True).fill("Looking into it.")
    maria.get_by_label("Status after this update").select_option("identified")
    maria.get_by_role("button", name="Post update").click()
    expect(maria.locator("#status")).to_have_text("identified")
    expect(offered).to_have_text(["Unchanged (identified)", "investigating", "monitoring"])

    container.incidents.resolve(ana, ref, summary="Reindexed")
    maria.reload()
    update = maria.locator("#update")
    expect(update).to_be_visible()  # follow-ups are still welcome
    expect(maria.get_by_label("Status after this update")).to_have_count(0)
    for status in ("investigating", "identified", "monitoring"):
        expect(update.locator("option", has_text=status)).to_have_count(0)
    expect(update).to_contain_text("It stays resolved; to work on it again, reopen it.")

    # A status the page no longer offers (an old tab, a crafted post) is refused in words.
    csrf = update.locator("input[name=csrf]").get_attribute("value") or ""
    refused = maria.request.post(
        f"/incidents/{ref}/updates",
        form={"csrf": csrf, "message": "Back on it", "status": "investigating"},
        max_redirects=0,
    )
    assert refused.status == 409
    assert "allowed now: post an update, assign a role, reopen, close" in refused.text()
    assert "post_update" not in refused.text()

    maria.get_by_label("Update", exact=True).fill("The postmortem is on Monday.")
    maria.get_by_role("button", name="Post update").click()
    expect(maria.locator("#timeline")).to_contain_text("The postmortem is on Monday.")
    expect(maria.locator("#status")).to_have_text("resolved")
    console.clean()


def test_acknowledge_disappears_when_someone_else_acknowledges(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    people: dict[str, Principal],
) -> None:
    made = container.incidents.declare(
        people["ana"], Declaration("Checkout returns 500", "checkout", "sev2")
    )
    maria = signed_in(chromium, site, "maria", console, viewport=PHONE)
    maria.goto(f"/incidents/{made.reference}")
    acknowledge = maria.get_by_role("button", name="Acknowledge")
    expect(acknowledge).to_be_visible()
    draft = maria.get_by_label("Update", exact=True)
    draft.fill("Rolling back the 14:02 deploy")

    container.incidents.acknowledge(people["joan"], made.reference)  # Joan, from elsewhere

    expect(maria.locator("#acknowledged")).to_contain_text("Joan Puig", timeout=WAIT)  # live
    expect(acknowledge).to_have_count(0)
    expect(maria.locator("#acknowledged")).to_have_text(
        re.compile(r"^acknowledged by Joan Puig \(api\), under a minute ago$")
    )
    expect(draft).to_have_value("Rolling back the 14:02 deploy")  # what María typed stays
    accessible(maria, "room-acknowledged-live-phone")
    console.clean()


def declined_report(c: Container, people: dict[str, Principal]) -> str:
    made = c.incidents.report_not_an_incident(
        people["ana"],
        Declaration("Prices shown in the wrong currency", "checkout", "sev4"),
        reason="One customer's browser setting",
        ticket_url="https://tickets.example.com/T-7",
    )
    return made.reference


def report_anyway(page: Page) -> None:
    page.get_by_label("Severity", exact=True).select_option(label="Sev2 - Major")
    page.get_by_label("Why it is an incident after all").fill("Every customer in Mexico sees it")
    page.get_by_role("button", name="Report it anyway").click()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_declined_report_reads_not_an_incident_and_can_be_reported_anyway(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    people: dict[str, Principal],
    viewport: dict[str, int] | None,
) -> None:
    ref = declined_report(container, people)
    size = {"viewport": viewport} if viewport else {}
    maria = signed_in(chromium, site, "maria", console, **size)
    maria.goto("/incidents")
    expect(maria.get_by_role("row", name=ref)).to_contain_text("Not an incident")
    if viewport:
        assert maria.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    maria.goto(f"/incidents/{ref}")
    summary = maria.locator("#details")
    expect(maria.locator(".sev")).to_have_text("Not an incident")
    expect(summary).not_to_contain_text("Sev4")
    expect(summary).to_contain_text("One customer's browser setting")
    expect(maria.locator("#acknowledged")).to_have_text("not needed: not an incident")
    expect(summary.locator(".overdue")).to_have_count(0)
    expect(maria.get_by_role("heading", name="Report it anyway")).to_be_visible()
    accessible(maria, f"room-declined-{'phone' if viewport else 'desktop'}")
    if viewport:
        assert maria.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    report_anyway(maria)
    expect(maria.locator(".sev")).to_have_text("Sev2 - Major")
    expect(maria.locator("#status")).to_have_text("reported")
    expect(maria.locator("#timeline")).to_contain_text("Every customer in Mexico sees it")
    expect(maria.locator("#acknowledged .overdue")).to_have_text("not yet acknowledged")
    expect(maria.get_by_role("button", name="Acknowledge")).to_be_visible()
    expect(maria.locator("#plan")).not_to_contain_text("Nothing is scheduled")  # people are told
    expect(maria.get_by_role("heading", name="Report it anyway")).to_have_count(0)
    assert container.incidents.get(people["ana"], ref).incident.severity == "sev2"
    console.clean()
