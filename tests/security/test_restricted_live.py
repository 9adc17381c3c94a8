"""The live stream and the dashboard's version say nothing of a restricted incident to whoever
may not see it: a change to it is, for them, the same as no change at all, while its
participants and admins see it live.

Nothing here waits on the clock for an event not to come. The stream looks for changes once a
second; a test makes the hidden changes, then a change the viewer may see, and checks that the
event it then reads is that one's (the stream's first look, or its next one, comes after the
hidden changes: had they fired an event, it would be read first).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from radar.domain.access import Principal
from tests.security.conftest import Site
from tests.security.test_restricted import declare_restricted

Change = Callable[[httpx.Client, str], httpx.Response]

# What a participant does to the restricted incident; each one is a change the others must not see.
HIDDEN: dict[str, Change] = {
    "internal update": lambda api, ref: api.post(
        f"/api/v1/incidents/{ref}/updates", json={"message": "Rotating the leaked key."}
    ),
    "acknowledge": lambda api, ref: api.post(f"/api/v1/incidents/{ref}/acknowledge"),
    "severity": lambda api, ref: api.post(
        f"/api/v1/incidents/{ref}/severity", json={"severity": "sev1", "reason": "Data left"}
    ),
    "resolve": lambda api, ref: api.post(
        f"/api/v1/incidents/{ref}/resolve", json={"summary": "Key rotated, export closed."}
    ),
}
STREAM_TIMEOUT = httpx.Timeout(5.0, read=15.0)  # waits for an event that must come, at most


def declare_visible(site: Site) -> str:
    with site.api("joan") as joan:
        made = joan.post(
            "/api/v1/incidents",
            json={"title": "Search is slow", "service": "checkout", "severity": "sev3"},
        )
    assert made.status_code == 201, made.text
    reference: str = made.json()["reference"]
    return reference


def change_visible(site: Site, ref: str) -> None:
    with site.api("joan") as joan:
        posted = joan.post(f"/api/v1/incidents/{ref}/updates", json={"message": "Still slow."})
    assert posted.status_code == 201, posted.text


def change_hidden(site: Site, ref: str, change: str) -> None:
    with site.api("ana") as ana:
        done = HIDDEN[change](ana, ref)
    assert done.status_code in (200, 201), done.text


def dashboard_version(web: httpx.Client) -> str:
    """The version the dashboard embeds for its live stream."""
    page = web.get("/")
    assert page.status_code == 200
    found = re.search(r'sse-connect="/live\?since=([^"&]*)"', page.text)
    assert found, "the dashboard has no live stream"
    return found.group(1)


class Events:
    """A ``/live`` stream's events, read as they come."""

    def __init__(self, response: httpx.Response) -> None:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        self._lines = response.iter_lines()

    def next_change(self) -> str:
        """The next ``changed`` event's id (its version)."""
        fields: dict[str, str] = {}
        for line in self._lines:
            if line:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
            elif fields.get("event") == "changed":
                assert fields["data"] == fields["id"]
                return fields["id"]
            else:
                fields = {}
        raise AssertionError("the stream ended without a change")


@contextmanager
def live(web: httpx.Client, since: str) -> Iterator[Events]:
    with web.stream("GET", "/live", params={"since": since}, timeout=STREAM_TIMEOUT) as answer:
        yield Events(answer)


@contextmanager
def signed_in(site: Site, *usernames: str) -> Iterator[dict[str, httpx.Client]]:
    with ExitStack() as stack:
        clients = {}
        for name in usernames:
            clients[name] = site.web(name)
            stack.callback(clients[name].close)
        yield clients


def principal(site: Site, username: str) -> Principal:
    return site.container.accounts.authenticate(site.tokens[username])


def test_a_hidden_change_moves_no_version_but_its_participants_and_admins(site: Site) -> None:
    """After each change to the restricted incident, the dashboard of bob (a responder taking
    no part) and of val (a viewer) embeds the version it had, and ``BoardService.version``
    (what the stream polls) answers the same; ana's (the reporter) and root's move."""
    ref = declare_restricted(site)
    visible = declare_visible(site)
    board = site.container.board
    blind, seeing = ("bob", "val"), ("ana", "root")
    with signed_in(site, *blind, *seeing) as web:
        before = {name: dashboard_version(web[name]) for name in web}
        for change in HIDDEN:
            change_hidden(site, ref, change)
            now = {name: dashboard_version(web[name]) for name in web}
            for name in blind:
                assert now[name] == before[name], f"{change} showed on {name}'s dashboard"
                assert board.version(principal(site, name)) == before[name], change
            for name in seeing:
                assert now[name] != before[name], f"{change} did not show for {name}"
                assert board.version(principal(site, name)) == now[name], change
            before = now
        # The same look does see a change bob may see: the checks above can fail.
        change_visible(site, visible)
        assert all(dashboard_version(web[name]) != before[name] for name in web)


def test_a_non_participants_stream_hears_only_what_they_may_see(site: Site) -> None:
    ref = declare_restricted(site)
    visible = declare_visible(site)
    with signed_in(site, "bob") as web:
        bob = web["bob"]
        first = dashboard_version(bob)
        change_visible(site, visible)
        seen = dashboard_version(bob)
        assert seen != first
        for change in ("internal update", "acknowledge"):
            change_hidden(site, ref, change)
        assert dashboard_version(bob) == seen
        # A page made before all that: its stream's first look comes after the hidden changes,
        # and tells of the visible one alone.
        with live(bob, since=first) as events:
            assert events.next_change() == seen
            for change in ("severity", "resolve"):  # while the stream is open
                change_hidden(site, ref, change)
            change_visible(site, visible)
            assert events.next_change() == dashboard_version(bob)


@pytest.mark.parametrize("who", ["ana", "root"])
def test_a_participants_and_an_admins_stream_hear_it(site: Site, who: str) -> None:
    ref = declare_restricted(site)
    with signed_in(site, who) as web:
        since = dashboard_version(web[who])
        with live(web[who], since=since) as events:
            change_hidden(site, ref, "internal update")
            changed = events.next_change()
        assert changed != since
        assert changed == dashboard_version(web[who])


def test_a_version_the_server_never_made_is_answered_with_the_current_one(site: Site) -> None:
    """An old page's number, or anything else, differs from every version: the stream says
    "changed" at once, with the current one."""
    declare_visible(site)
    with signed_in(site, "bob") as web, live(web["bob"], since="17") as events:
        assert events.next_change() == dashboard_version(web["bob"])
