"""The public status page and its Atom feed, as anyone on the internet sees them: no sign-in,
only public updates, and never a restricted incident, a drill or an internal word."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from itertools import pairwise

import httpx
import pytest

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.incident import Visibility
from radar.domain.lifecycle import Status
from radar.services.incidents import Declaration
from tests.conftest import make_principal

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = Visibility.PUBLIC


@pytest.fixture
def rita(container: Container) -> Principal:
    return make_principal(container, "rita")


@pytest.fixture
def web(site: str) -> Iterator[httpx.Client]:
    """A visitor who never signed in."""
    with httpx.Client(base_url=site) as client:
        yield client


def declare(
    c: Container, who: Principal, title: str, service: str, severity: str, **kw: bool
) -> str:
    return c.incidents.declare(who, Declaration(title, service, severity, **kw)).reference


def states(html: str) -> dict[str, tuple[str, str]]:
    """Component -> (its CSS state, the words shown)."""
    rows = re.findall(
        r'<th scope="row">(.*?)</th>\s*<td class="state-([a-z_]+)"[^>]*>(.*?)</td>', html
    )
    return {name: (state, words) for name, state, words in rows}


def section(html: str, heading_id: str) -> str:
    start = html.index(f'<h2 id="{heading_id}">')
    return html[start : html.index("</section>", start)]


def entries(feed: httpx.Response) -> list[dict[str, str]]:
    root = ET.fromstring(feed.content)  # noqa: S314 (our own server's answer, in a test)
    assert root.tag == f"{ATOM}feed"
    return [
        {
            "id": e.findtext(f"{ATOM}id", ""),
            "title": e.findtext(f"{ATOM}title", ""),
            "updated": e.findtext(f"{ATOM}updated", ""),
            "content": e.findtext(f"{ATOM}content", ""),
            "link": "".join(link.get("href", "") for link in e.iter(f"{ATOM}link")),
        }
        for e in root.iter(f"{ATOM}entry")
    ]


def test_anyone_can_read_the_page_without_signing_in(web: httpx.Client) -> None:
    page = web.get("/status")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<link rel="alternate" type="application/atom+xml"' in page.text
    assert 'href="/status/feed.atom"' in page.text
    assert "All systems operational" in page.text
    assert "Sign out" not in page.text  # no navigation on the public page
    assert "No current incidents." in page.text
    levels = [int(n) for n in re.findall(r"<h([1-6])", page.text)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in pairwise(levels))
    feed = web.get("/status/feed.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert entries(feed) == []


def test_each_component_shows_the_worst_state_of_its_public_incidents(
    container: Container, rita: Principal, web: httpx.Client
) -> None:
    c = container
    for title, service, severity in [
        ("Payments failing", "checkout", "sev1"),
        ("Slow basket", "checkout", "sev3"),
        ("Some sign-ins fail", "accounts", "sev2"),
        ("Search is slow", "catalog", "sev4"),
    ]:
        ref = declare(c, rita, title, service, severity)
        c.incidents.post_update(rita, ref, message=f"{title}: looking", visibility=PUBLIC)
    quiet = declare(c, rita, "Emails delayed", "notifications", "sev1")
    c.incidents.post_update(rita, quiet, message="only for us")  # internal: not on the page

    page = web.get("/status").text
    assert states(page) == {
        "Checkout and payments": ("major_outage", "Major outage"),
        "Sign-in": ("partial_outage", "Partial outage"),
        "Browsing and search": ("degraded_performance", "Degraded performance"),
        "Emails and notifications": ("operational", "Operational"),
    }
    assert "All systems operational" not in page
    current = section(page, "current")
    for title in ("Payments failing", "Slow basket", "Some sign-ins fail", "Search is slow"):
        assert title in current
    assert "Affected component: Sign-in" in current
    assert "Emails delayed" not in page  # no public update, so not on the page at all


def test_only_public_updates_are_shown_newest_first(
    container: Container, rita: Principal, clock: FrozenClock, web: httpx.Client
) -> None:
    c = container
    ref = declare(c, rita, "Checkout errors", "checkout", "sev2")
    c.incidents.post_update(
        rita, ref, message="We are looking into errors at checkout.", visibility=PUBLIC
    )
    clock.advance(timedelta(minutes=10))
    c.incidents.post_update(rita, ref, message="db-7 primary is wedged, Laura is on it")
    clock.advance(timedelta(minutes=10))
    c.incidents.post_update(
        rita,
        ref,
        message="We found the cause <and> are fixing it.",
        visibility=PUBLIC,
        status=Status.IDENTIFIED,
    )

    page = web.get("/status").text
    current = section(page, "current")
    newest = current.index("We found the cause &lt;and&gt; are fixing it.")
    oldest = current.index("We are looking into errors at checkout.")
    assert newest < oldest
    assert "Identified" in current[:newest]
    assert "2026-11-27 10:20 UTC" in current
    assert "2026-11-27 10:00 UTC" in current
    assert "db-7" not in page
    assert "Laura" not in page

    feed = web.get("/status/feed.atom")
    assert "db-7" not in feed.text
    got = entries(feed)
    assert [e["title"] for e in got] == [
        f"{ref} · Checkout errors: identified",
        f"{ref} · Checkout errors: reported",
    ]
    assert [e["content"] for e in got] == [
        "We found the cause <and> are fixing it.",
        "We are looking into errors at checkout.",
    ]
    assert [e["updated"] for e in got] == ["2026-11-27T10:20:00Z", "2026-11-27T10:00:00Z"]
    assert all(re.fullmatch(rf"tag:radar,2026:{ref}/entry/\d+", e["id"]) for e in got)
    assert len({e["id"] for e in got}) == 2
    assert all(e["link"].endswith("/status") for e in got)
    assert entries(web.get("/status/feed.atom")) == got  # ids are stable between reads


def test_restricted_incidents_and_drills_never_appear(
    container: Container, rita: Principal, web: httpx.Client
) -> None:
    c = container
    secret = declare(c, rita, "Breach of customer records", "accounts", "sev1", restricted=True)
    c.incidents.post_update(rita, secret, message="Resetting every password", visibility=PUBLIC)
    drill = declare(c, rita, "Game day: checkout failover", "checkout", "sev1", drill=True)
    c.incidents.post_update(rita, drill, message="Failing over now (drill)", visibility=PUBLIC)

    page = web.get("/status").text
    feed = web.get("/status/feed.atom")
    for text in ("Breach", "Resetting every password", "Game day", "Failing over now"):
        assert text not in page
        assert text not in feed.text
    assert {state for state, _ in states(page).values()} == {"operational"}
    assert entries(feed) == []


def test_a_resolved_incident_shows_its_public_summary_under_past_for_fourteen_days(
    container: Container, rita: Principal, clock: FrozenClock, web: httpx.Client
) -> None:
    c = container
    ref = declare(c, rita, "Search down", "catalog", "sev1")
    c.incidents.post_update(rita, ref, message="Search is failing.", visibility=PUBLIC)
    clock.advance(timedelta(minutes=30))
    c.incidents.resolve(rita, ref, summary="Search is back. Sorry!", visibility=PUBLIC)
    quiet = declare(c, rita, "Push delays", "notifications", "sev2")
    c.incidents.post_update(rita, quiet, message="Pushes are late.", visibility=PUBLIC)
    c.incidents.resolve(rita, quiet, summary="a cron job ate the queue")  # internal summary

    page = web.get("/status").text
    assert states(page)["Browsing and search"] == ("operational", "Operational")
    assert "No current incidents." in section(page, "current")
    past = section(page, "past")
    assert past.index("Search is back. Sorry!") < past.index("Search is failing.")
    assert "Resolved" in past
    assert "Pushes are late." in past
    assert "cron job" not in page
    titles = [e["title"] for e in entries(web.get("/status/feed.atom"))]
    assert f"{ref} · Search down: resolved" in titles

    clock.advance(timedelta(days=14, minutes=1))
    page = web.get("/status").text
    assert "Search down" not in page
    assert "No incidents in the last 14 days." in page
    assert entries(web.get("/status/feed.atom")) == []


def test_the_feed_holds_the_newest_fifty_updates(
    container: Container, rita: Principal, clock: FrozenClock, web: httpx.Client
) -> None:
    ref = declare(container, rita, "Flaky checkout", "checkout", "sev3")
    for n in range(55):
        clock.advance(timedelta(minutes=1))
        container.incidents.post_update(rita, ref, message=f"update {n}", visibility=PUBLIC)

    got = entries(web.get("/status/feed.atom"))
    assert [e["content"] for e in got] == [f"update {n}" for n in range(54, 4, -1)]
    assert "update 0<" not in web.get("/status/feed.atom").text
    assert "update 0<" in web.get("/status").text  # the page keeps the whole story
