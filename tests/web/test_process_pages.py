"""The "Our process" and "Services and teams" pages, read as a signed-in person reads them."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from html.parser import HTMLParser

import httpx

from radar.bootstrap import Container
from radar.clock import FrozenClock
from tests.conftest import EXAMPLE_POLICY

VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}
INLINE = {"a", "abbr", "code", "em", "span", "strong", "time"}
SEV2_PLAN = (
    "#radar is told now; if nobody responds in 10 minutes, the engineering manager of the "
    "owning team is called (if that fails: sms, then email)."
)
SEV2_ON_CHECKOUT = (
    "#radar is told now; if nobody responds in 10 minutes, Laura Gómez (engineering manager, "
    "Payments) is called (if that fails: sms, then email)."
)


class _Element(HTMLParser):
    """Collects the text inside the element with one id, nested elements included."""

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0  # open elements inside the wanted one, itself included
        self.found = False
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth and tag not in INLINE:
            self.chunks.append(" ")  # a block, a cell or a line break separates words
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif not self.found and ("id", self.element_id) in attrs:
            self.found = True
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in INLINE:
            self.chunks.append(" ")
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.chunks.append(data)


def part(page: str, element_id: str) -> str:
    """The visible text of the element with this id."""
    parser = _Element(element_id)
    parser.feed(page)
    assert parser.found, f"no element with id {element_id!r} on the page"
    return " ".join("".join(parser.chunks).split())


def headings(page: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", page)]


def test_process_page_shows_the_definition_and_every_level(
    browser: httpx.Client, container: Container
) -> None:
    answer = browser.get("/process")
    assert answer.status_code == 200
    seen = part(answer.text, "incident")
    assert "An incident is an event that disrupts one of our services" in seen
    assert "The test: Does this need an emergency response?" in seen
    for s in container.policies.current().policy.severities:
        level = part(answer.text, f"level-{s.id}")
        assert level.startswith(s.name)
        assert " ".join(s.definition.split()) in level
        for example in s.examples:
            assert example in level
        assert f"Typical response {' '.join(s.typical_response.split())}" in level
    sev4 = part(answer.text, "level-sev4")
    assert "One customer bought an item that was out of stock." in sev4
    assert "Talk to the product owner and the team lead" in sev4


def test_sev2_says_radar_is_told_then_the_engineering_manager_is_called(
    browser: httpx.Client,
) -> None:
    process = browser.get("/process").text
    sev2 = part(process, "level-sev2")
    assert f"What Radar does {SEV2_PLAN} At any hour, day or night." in sev2
    assert "An update is expected every 30 minutes." in sev2
    assert "Unresolved after 4 hours, it becomes Sev1 - Critical." in sev2
    sev3 = part(process, "level-sev3")
    assert "it waits for the next working start" in sev3
    assert "At any hour" not in sev3

    checkout = part(browser.get("/services").text, "service-checkout")
    assert f"Sev2 - Major {SEV2_ON_CHECKOUT} At any hour, day or night." in checkout
    assert "Sev4 - Low María Ruiz (product owner, Payments) is messaged on Slack" in checkout
    assert "Only in working hours (madrid-office, Europe/Madrid)" in checkout


def test_the_version_and_its_history_show_newest_first(
    browser: httpx.Client, container: Container, clock: FrozenClock
) -> None:
    first = part(browser.get("/process").text, "version")
    assert first.startswith(
        "Policy version 1, applied by test on 2026-11-27 10:00 UTC "
        "from the file examples/policy.yaml."
    )
    clock.advance(timedelta(hours=2))
    changed = EXAMPLE_POLICY.read_text().replace(
        "test: Does this need an emergency response?",
        "test: Would you wake someone up for this?",
    )
    container.policies.apply(changed, filename="policy-v2.yaml", author="laura")

    page = browser.get("/process").text
    assert part(page, "version").startswith(
        "Policy version 2, applied by laura on 2026-11-27 12:00 UTC from the file policy-v2.yaml."
    )
    assert "The test: Would you wake someone up for this?" in part(page, "incident")
    history = part(page, "history")
    newest = "2 (running) 2026-11-27 12:00 UTC laura policy-v2.yaml"
    oldest = "1 2026-11-27 10:00 UTC test examples/policy.yaml"
    assert newest in history
    assert oldest in history
    assert history.index(newest) < history.index(oldest)


def test_services_list_their_owners_by_name(browser: httpx.Client) -> None:
    services = browser.get("/services").text
    checkout = part(services, "service-checkout")
    assert checkout.startswith("Checkout (checkout) Basket, payment and order confirmation.")
    assert (
        "Payments Engineering manager Laura Gómez Product owner María Ruiz Team lead Sam Ortega"
        in checkout
    )
    assert "Slack: #team-payments" in checkout
    catalog = part(services, "service-catalog")
    assert "Discovery Engineering manager David Costa Product owner Lucía Prieto" in catalog
    assert "Team lead Ana Torres" in catalog
    assert "David Costa (engineering manager, Discovery) is called" in catalog
    assert "madrid-office (Europe/Madrid time): Monday to Thursday: 09:00-18:00" in catalog

    owners = part(browser.get("/process").text, "owners")
    assert "Notifications Discovery David Costa Lucía Prieto Ana Torres" in owners
    assert "Checkout Payments Laura Gómez María Ruiz Sam Ortega" in owners


def test_working_hours_and_the_coming_closed_days_are_named(browser: httpx.Client) -> None:
    hours = part(browser.get("/process").text, "hours")
    assert "madrid-office (Europe/Madrid)" in hours
    assert "Used by: Payments, Discovery, the default for teams without their own." in hours
    assert "Monday to Thursday 09:00-18:00 Friday 09:00-15:00 Saturday and Sunday closed" in hours
    # The clock stands at 2026-11-27: public holidays of Madrid, then the policy's own dates.
    assert "Tue 8 Dec 2026: Immaculate Conception" in hours
    assert "Thu 24 Dec 2026: Closed (listed in the policy)" in hours
    assert "Fri 25 Dec 2026: Christmas Day" in hours
    assert "2 Nov 2026" not in hours  # a holiday already past is not listed


def test_pages_have_one_title_and_headings_in_order(browser: httpx.Client) -> None:
    for path, current in (("/process", "Our process"), ("/services", "Services")):
        page = browser.get(path).text
        levels = headings(page)
        assert levels.count(1) == 1
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
        assert re.search(rf'aria-current="page">{current}</a>', page)
        assert '<th scope="col"' in page


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(site: str) -> None:
    with httpx.Client(base_url=site) as anonymous:
        for path in ("/process", "/services"):
            answer = anonymous.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"] == f"/signin?then={path}"
