"""The public status page tells customers the truth: an incident that was public says it was
resolved, and when, even if nobody published the resolution; a component shows the state the
communications lead set and held, not whatever the latest internal severity change implies; and
a title cannot spoof its own text with bidirectional overrides."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal, UserRole
from radar.domain.incident import Visibility
from radar.services.incidents import Declaration
from tests.conftest import make_principal
from tests.support.browser import PHONE, Console, accessible, opened, signed_in
from tests.web.conftest import PASSWORD, csrf_of, sign_in

ATOM = "{http://www.w3.org/2005/Atom}"
VIEWPORTS = [
    pytest.param({"width": 1280, "height": 800}, id="desktop"),
    pytest.param(PHONE, id="phone"),
]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def rita(container: Container) -> Principal:
    return make_principal(container, "rita")


@pytest.fixture
def web(site: str) -> Iterator[httpx.Client]:
    """A visitor who never signed in."""
    with httpx.Client(base_url=site) as client:
        yield client


def public_sev2(c: Container, who: Principal, title: str = "Checkout errors") -> str:
    """A Sev2 on checkout with one public update: Checkout and payments is a partial outage."""
    ref = c.incidents.declare(who, Declaration(title, "checkout", "sev2")).reference
    c.incidents.post_update(
        who, ref, message="We are looking into errors at checkout.", visibility=Visibility.PUBLIC
    )
    return ref


def feed_entries(web: httpx.Client) -> list[dict[str, str]]:
    root = ET.fromstring(web.get("/status/feed.atom").content)  # noqa: S314 (our own server)
    return [
        {name: e.findtext(f"{ATOM}{name}", "") for name in ("id", "title", "updated", "content")}
        for e in root.iter(f"{ATOM}entry")
    ]


def words(html: str) -> str:
    """What a reader of the page sees, without the markup."""
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r" ([:.,;])", r"\1", text)


def component_state(page: Page, name: str) -> Any:
    """The public page's state cell of component ``name``."""
    return page.get_by_role("row", name=name).get_by_role("cell")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_public_incident_resolved_without_a_public_summary_says_resolved_and_when(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    clock: FrozenClock,
    rita: Principal,
    web: httpx.Client,
    viewport: dict[str, int],
) -> None:
    ref = public_sev2(container, rita)
    clock.advance(timedelta(minutes=30))
    container.incidents.resolve(rita, ref, summary="db-7 was wedged; Laura restarted it")

    visitor = opened(chromium, site, console, viewport=viewport, timezone_id="UTC")
    visitor.goto("/status")
    expect(visitor.get_by_text("No current incidents.")).to_be_visible()
    card = visitor.get_by_role("article", name="Checkout errors")
    expect(card).to_be_visible()
    resolved_at = card.locator(".resolved-at")
    expect(resolved_at).to_have_text("Resolved at 2026-11-27 10:30 UTC")
    expect(resolved_at.locator("time")).to_have_attribute("datetime", "2026-11-27T10:30:00Z")
    lines = card.get_by_role("listitem")
    expect(lines).to_have_count(2)
    expect(lines.first).to_contain_text("2026-11-27 10:30 UTC")
    expect(lines.first.locator("strong")).to_have_text("Resolved")
    expect(lines.first).to_contain_text("This incident has been resolved.")
    expect(lines.last).to_contain_text("We are looking into errors at checkout.")
    expect(component_state(visitor, "Checkout and payments")).to_have_text("Operational")
    assert "db-7" not in visitor.content()  # the internal summary stays internal
    accessible(visitor, f"status-resolved-{viewport['width']}")

    newest = feed_entries(web)[0]
    assert newest["title"] == f"{ref} · Checkout errors: resolved"
    assert newest["content"] == "This incident has been resolved."
    assert newest["updated"] == "2026-11-27T10:30:00Z"
    assert re.fullmatch(rf"tag:radar,2026:{ref}/entry/\d+", newest["id"])
    assert feed_entries(web) == feed_entries(web)  # its id is stable between reads
    console.clean()


def test_a_published_summary_is_not_doubled_and_a_reopened_incident_is_not_resolved(
    container: Container, clock: FrozenClock, rita: Principal, web: httpx.Client
) -> None:
    ref = public_sev2(container, rita)
    clock.advance(timedelta(minutes=5))
    container.incidents.resolve(rita, ref, summary="Back to normal.", visibility=Visibility.PUBLIC)
    page = words(web.get("/status").text)
    assert "Resolved at 2026-11-27 10:05 UTC" in page
    assert "Back to normal." in page
    assert "This incident has been resolved." not in page
    clock.advance(timedelta(minutes=5))
    container.incidents.reopen(rita, ref, reason="Errors again")
    page = words(web.get("/status").text)
    assert "Resolved at" not in page
    assert "This incident has been resolved." not in page
    clock.advance(timedelta(minutes=5))
    container.incidents.resolve(rita, ref, summary="Fixed for real (internal)")
    titles = [e["title"] for e in feed_entries(web)]
    assert titles[0] == f"{ref} · Checkout errors: resolved"
    assert feed_entries(web)[0]["updated"] == "2026-11-27T10:15:00Z"
    assert "Resolved at 2026-11-27 10:15 UTC" in words(web.get("/status").text)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_comms_lead_holds_a_component_through_a_severity_change(
    chromium: Browser,
    site: str,
    console: Console,
    container: Container,
    rita: Principal,
    viewport: dict[str, int],
) -> None:
    ref = public_sev2(container, rita)
    maria = signed_in(chromium, site, "maria", console, viewport=viewport, timezone_id="UTC")
    maria.goto(f"/incidents/{ref}")
    maria.get_by_role("link", name="Set or hold the state of Checkout and payments").click()
    expect(maria.get_by_role("heading", name="Status page components", level=1)).to_be_visible()
    expect(maria.get_by_text(f"What you do here goes on the timeline of {ref}.")).to_be_visible()
    card = maria.locator("#component-checkout-card")
    expect(card).to_contain_text("Shows Partial outage: from its incidents.")
    accessible(maria, f"status-components-{viewport['width']}")

    card.get_by_label("State of Checkout and payments").select_option(label="Degraded performance")
    expect(card.get_by_label("Hold it until released")).to_be_checked()
    card.get_by_role("button", name="Set Checkout and payments").click()
    card = maria.locator("#component-checkout-card")
    expect(card).to_contain_text(
        "Shows Degraded performance, held by María Soto since 2026-11-27 10:00 UTC for INC-1."
    )

    # Someone raises the severity: the component stays as the comms lead holds it.
    container.incidents.change_severity(rita, ref, severity="sev1", reason="Spreading")
    visitor = opened(chromium, site, console, viewport=viewport)
    visitor.goto("/status")
    expect(component_state(visitor, "Checkout and payments")).to_have_text("Degraded performance")
    maria.reload()
    expect(card).to_contain_text("Its incidents imply Major outage.")

    card.get_by_role("button", name="Release Checkout and payments").click()
    expect(maria.locator("#component-checkout-card")).to_contain_text(
        "Shows Major outage: from its incidents."
    )
    visitor.reload()
    expect(component_state(visitor, "Checkout and payments")).to_have_text("Major outage")
    maria.goto(f"/incidents/{ref}")
    timeline = maria.locator("#timeline")
    expect(timeline).to_contain_text(
        "Status page: Checkout and payments set to Degraded performance (was Partial outage), "
        "held until someone releases it"
    )
    expect(timeline).to_contain_text(
        "Status page: Checkout and payments released; it follows its incidents again (Major outage)"
    )
    console.clean()


def test_the_web_form_refuses_a_bad_state_and_viewers_may_only_look(
    container: Container, rita: Principal, site: str, browser: httpx.Client
) -> None:
    public_sev2(container, rita)
    form = browser.get("/status/components")
    assert form.status_code == 200
    refused = browser.post(
        "/status/components/checkout", data={"csrf": csrf_of(form.text), "state": "on fire"}
    )
    assert refused.status_code == 422
    assert "&#39;on fire&#39; is not a component state" in refused.text
    unknown = browser.post(
        "/status/components/chekout", data={"csrf": csrf_of(form.text), "state": "ok"}
    )
    assert unknown.status_code == 404
    assert "did you mean &#39;checkout&#39;?" in unknown.text

    container.accounts.create_user(
        "victor", role=UserRole.VIEWER, display_name="Victor", password=PASSWORD
    )
    viewer = sign_in(site, "victor")
    try:
        page = viewer.get("/status/components")
        assert page.status_code == 200
        assert "Shows Partial outage: from its incidents." in words(page.text)
        assert "Set Checkout and payments" not in page.text
        token = csrf_of(viewer.get("/").text)
        answer = viewer.post("/status/components/checkout", data={"csrf": token, "state": "ok"})
        assert answer.status_code == 403
        assert "victor is a viewer" in answer.text
    finally:
        viewer.close()
    signed_out = httpx.get(f"{site}/status/components")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"].startswith("/signin")
    assert "Partial outage" in words(httpx.get(f"{site}/status").text)  # nothing refused was set


def test_a_title_cannot_spoof_itself_on_the_page_or_in_the_feed(
    container: Container, rita: Principal, web: httpx.Client
) -> None:
    ref = public_sev2(container, rita, title="Refunds for \u202etxt.exe\u202c failing")
    assert container.incidents.get(rita, ref).incident.title == "Refunds for txt.exe failing"
    page = web.get("/status").text
    feed = web.get("/status/feed.atom").text
    for text in (page, feed):
        assert "Refunds for txt.exe failing" in text
        assert not any(c in text for c in BIDI)
