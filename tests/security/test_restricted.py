"""Restricted incidents: seen by their participants (reporter, role holders, people paged,
people added) and admins; to anyone else they do not exist, wherever they look."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from radar.clock import FrozenClock
from tests.security.conftest import Site
from tests.support.radar import run_engine
from tests.web.conftest import csrf_of

SECRET_TITLE = "Payroll export leaked XYZZY-TITLE"
SECRET_TEXT = "attacker used key AKIA-XYZZY-DETAIL"
MISSING = {"code": "not_found", "field": "incident"}


def declare_restricted(site: Site, by: str = "ana", severity: str = "sev2") -> str:
    with site.api(by) as api:
        made = api.post(
            "/api/v1/incidents",
            json={
                "title": SECRET_TITLE,
                "description": SECRET_TEXT,
                "service": "checkout",
                "severity": severity,
                "restricted": True,
            },
        )
    assert made.status_code == 201, made.text
    reference: str = made.json()["reference"]
    return reference


def error_of(answer: httpx.Response) -> dict[str, str]:
    found: dict[str, str] = answer.json()["error"]
    return {k: found[k] for k in ("code", "field")}


def test_a_non_participant_gets_404_as_for_an_incident_that_does_not_exist(site: Site) -> None:
    ref = declare_restricted(site)
    with site.api("bob") as bob:
        hidden = bob.get(f"/api/v1/incidents/{ref}")
        nowhere = bob.get("/api/v1/incidents/INC-999")
        assert hidden.status_code == nowhere.status_code == 404
        assert error_of(hidden) == error_of(nowhere) == MISSING
        assert hidden.json()["error"]["message"] == f"no incident {ref}"
        for path in ("acknowledge", "plan"):
            method = bob.post if path == "acknowledge" else bob.get
            assert method(f"/api/v1/incidents/{ref}/{path}").status_code == 404
        added = bob.post(f"/api/v1/incidents/{ref}/participants", json={"username": "bob"})
        assert added.status_code == 404
        listed = bob.get("/api/v1/incidents").json()["items"]
        searched = bob.get("/api/v1/incidents", params={"q": "XYZZY"}).json()["items"]
        assert listed == searched == []
    with site.api("val") as viewer:  # a viewer may read, but not this
        assert viewer.get(f"/api/v1/incidents/{ref}").status_code == 404


def test_the_reporter_and_admins_see_it_and_a_participant_can_add_someone(site: Site) -> None:
    ref = declare_restricted(site)
    for who in ("ana", "root"):
        with site.api(who) as api:
            shown = api.get(f"/api/v1/incidents/{ref}")
            assert shown.status_code == 200
            assert shown.json()["title"] == SECRET_TITLE
            assert [i["reference"] for i in api.get("/api/v1/incidents").json()["items"]] == [ref]
    with site.api("ana") as ana:
        unknown = ana.post(f"/api/v1/incidents/{ref}/participants", json={"username": "zed"})
        assert unknown.status_code == 422
        assert unknown.json()["error"]["field"] == "username"
        added = ana.post(f"/api/v1/incidents/{ref}/participants", json={"username": "Bob"})
        assert added.status_code == 201
        assert {"username": "bob", "why": "added"} in added.json()["participants"]
        timeline = ana.get(f"/api/v1/incidents/{ref}").json()["timeline"]
        assert timeline[-1]["message"] == "bob was added to the incident's participants"
    with site.api("bob") as bob:
        assert bob.get(f"/api/v1/incidents/{ref}").status_code == 200
        assert bob.post(f"/api/v1/incidents/{ref}/acknowledge").status_code == 200


def test_a_role_holder_sees_it(site: Site) -> None:
    ref = declare_restricted(site)
    with site.api("joan") as joan:
        assert joan.get(f"/api/v1/incidents/{ref}").status_code == 404
    with site.api("ana") as ana:
        given = ana.put(f"/api/v1/incidents/{ref}/roles/commander", json={"assignee": "Joan"})
        assert given.status_code == 200, given.text
    with site.api("joan") as joan:
        assert joan.get(f"/api/v1/incidents/{ref}").status_code == 200


def test_the_people_it_pages_see_it(site: Site, clock: FrozenClock) -> None:
    ref = declare_restricted(site)
    with site.api("laura") as laura:
        assert laura.get(f"/api/v1/incidents/{ref}").status_code == 404
    clock.advance(timedelta(minutes=11))  # nobody responded: the engineering manager is called
    run_engine(site.container)
    with site.api("laura") as laura:
        shown = laura.get(f"/api/v1/incidents/{ref}")
        assert shown.status_code == 200
        assert {"username": "laura", "why": "paged"} in shown.json()["participants"]


def test_the_title_and_details_never_reach_a_non_participant(
    site: Site, clock: FrozenClock, tmp_path: Path
) -> None:
    """Every page, feed, search and API answer bob or an anonymous visitor can reach, and every
    notification sent, while a restricted incident is declared, paged, updated publicly and
    resolved with a public summary."""
    ref = declare_restricted(site, severity="sev1")
    clock.advance(timedelta(minutes=11))
    run_engine(site.container)
    with site.api("ana") as ana:
        update = {"message": f"Public: {SECRET_TEXT}", "visibility": "public"}
        assert ana.post(f"/api/v1/incidents/{ref}/updates", json=update).status_code == 201
    run_engine(site.container)
    seen: list[str] = []
    api_paths = [
        "/api/v1/incidents",
        "/api/v1/incidents?q=XYZZY",
        "/api/v1/incidents?open=true",
        f"/api/v1/incidents/{ref}",
        f"/api/v1/incidents/{ref}/plan",
    ]
    pages = [
        "/",
        "/?q=XYZZY",
        "/incidents",
        "/incidents?q=XYZZY&state=all",
        f"/incidents/{ref}",
        "/status",
        "/status/feed.atom",
    ]
    with site.api("bob") as bob:
        seen += [bob.get(p).text for p in api_paths]
    web = site.web("bob")
    try:
        seen += [web.get(p).text for p in pages]
        with web.stream("GET", f"/live?incident={ref}") as live:
            assert live.status_code == 404
    finally:
        web.close()
    with httpx.Client(base_url=site.url) as anonymous:
        seen += [anonymous.get(p).text for p in ("/status", "/status/feed.atom")]
    record = Path(site.container.settings.notify_record_file)
    sent = [json.loads(line) for line in record.read_text().splitlines()]
    assert sent, "the incident paged people and told #radar"
    seen += [json.dumps(n) for n in sent]
    for text in seen:
        for secret in (SECRET_TITLE, "XYZZY-TITLE", "XYZZY-DETAIL"):
            assert secret not in text
    # The same looks, by a participant, do show it: the check above can fail.
    with site.api("ana") as ana:
        assert SECRET_TITLE in ana.get("/api/v1/incidents?q=XYZZY").text
    participant = site.web("ana")
    try:
        assert SECRET_TITLE in participant.get(f"/incidents/{ref}").text
        assert SECRET_TITLE in participant.get("/").text
    finally:
        participant.close()
    shared = [n for n in sent if "#radar" in json.dumps(n)]
    assert shared, "the shared channel was told"
    assert all("restricted incident" in json.dumps(n) for n in shared)


@pytest.mark.parametrize("who", ["bob", "val"])
def test_the_dashboard_counts_none_of_it(site: Site, who: str) -> None:
    declare_restricted(site)
    web = site.web(who)
    try:
        board = web.get("/").text
    finally:
        web.close()
    assert "No open incidents" in board
    assert "INC-1" not in board


def test_the_room_says_who_may_see_it_and_lets_a_participant_add_someone(site: Site) -> None:
    ref = declare_restricted(site)
    ana = site.web("ana")
    try:
        room = ana.get(f"/incidents/{ref}").text
        assert "Restricted to" in room
        assert "Ana Torres (reporter), and admins" in room  # the policy names ana
        form = {"csrf": csrf_of(room), "username": "joan"}
        assert ana.post(f"/incidents/{ref}/participants", data=form).status_code == 303
        assert "joan (added)" in ana.get(f"/incidents/{ref}").text
    finally:
        ana.close()
    joan = site.web("joan")
    try:
        assert joan.get(f"/incidents/{ref}").status_code == 200
    finally:
        joan.close()
