"""The upgrade Radar proposes, in the incident room: a notice near the top with Accept and Decline,
two plain forms that land back on the room."""

from __future__ import annotations

import re

import httpx

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal, UserRole
from radar.services.incidents import Declaration
from tests.support.proposals import propose_upgrade
from tests.web.conftest import PASSWORD, csrf_of, sign_in

NOTICE = "Radar proposes Sev1 - Critical: unresolved after 4 hours, the limit for Sev2 - Major."
FORM = re.compile(
    r'<form method="post" action="/incidents/INC-1/upgrade-proposal">\s*'
    r'<input type="hidden" name="csrf" value="[^"]+">\s*'
    r'<input type="hidden" name="answer" value="(accept|decline)">\s*'
    r'<button type="submit"[^>]*>(Accept|Decline)</button>'
)


def proposed(container: Container, clock: FrozenClock, responder: Principal) -> str:
    ref = container.incidents.declare(
        responder, Declaration("Checkout returns 500", "checkout", "sev2")
    ).reference
    propose_upgrade(container, clock, ref)
    return ref


def answer(browser: httpx.Client, value: str) -> httpx.Response:
    room = browser.get("/incidents/INC-1")
    return browser.post(
        "/incidents/INC-1/upgrade-proposal", data={"csrf": csrf_of(room.text), "answer": value}
    )


def test_a_pending_proposal_is_a_notice_above_everything_else(
    browser: httpx.Client, container: Container, clock: FrozenClock, responder: Principal
) -> None:
    proposed(container, clock, responder)
    room = browser.get("/incidents/INC-1").text
    assert NOTICE in room
    assert "Without an answer it stays Sev2 - Major" in room
    # Right under the room's header, before the update form, the timeline and the actions.
    assert room.index('id="room-head"') < room.index(NOTICE) < room.index('id="update-h"')
    assert [(m.group(1), m.group(2)) for m in FORM.finditer(room)] == [
        ("accept", "Accept"),
        ("decline", "Decline"),
    ]


def test_accepting_moves_the_incident_and_lands_back_on_the_room(
    browser: httpx.Client, container: Container, clock: FrozenClock, responder: Principal
) -> None:
    proposed(container, clock, responder)
    accepted = answer(browser, "accept")
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/incidents/INC-1")
    detail = container.incidents.get(responder, "INC-1")
    assert (detail.incident.severity, detail.incident.proposed_severity) == ("sev1", None)
    (moved,) = [e for e in detail.timeline if e.kind == "severity_changed"]
    assert (moved.actor, moved.via) == ("María Soto", "web")
    room = browser.get("/incidents/INC-1").text
    assert room.split('<div id="proposal">')[1].split("</div>")[0].strip() == ""  # no notice
    assert "upgrade-proposal" not in room


def test_declining_keeps_the_level_and_hides_the_notice(
    browser: httpx.Client, container: Container, clock: FrozenClock, responder: Principal
) -> None:
    proposed(container, clock, responder)
    declined = answer(browser, "decline")
    assert declined.status_code == 303
    detail = container.incidents.get(responder, "INC-1")
    assert (detail.incident.severity, detail.incident.proposed_severity) == ("sev2", None)
    assert [e.actor for e in detail.timeline if e.kind == "upgrade_declined"] == ["María Soto"]
    room = browser.get("/incidents/INC-1").text
    assert NOTICE not in room
    # On the timeline, in words.
    assert "Declined the proposed upgrade to Sev1 - Critical; stays Sev2 - Major" in room


def test_nothing_proposed_shows_no_notice_and_an_answer_is_refused(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    container.incidents.declare(responder, Declaration("Checkout returns 500", "checkout", "sev2"))
    assert "upgrade-proposal" not in browser.get("/incidents/INC-1").text
    refused = answer(browser, "accept")
    assert refused.status_code == 422
    assert "INC-1 has no proposed upgrade to answer" in refused.text


def test_a_forged_or_odd_answer_changes_nothing(
    browser: httpx.Client, container: Container, clock: FrozenClock, responder: Principal
) -> None:
    proposed(container, clock, responder)
    forged = browser.post(
        "/incidents/INC-1/upgrade-proposal", data={"csrf": "forged", "answer": "accept"}
    )
    assert forged.status_code == 403
    odd = answer(browser, "maybe")
    assert odd.status_code == 422
    assert "answer the proposed upgrade with accept or decline" in odd.text
    assert container.incidents.get(responder, "INC-1").incident.proposed_severity == "sev1"


def test_a_viewer_sees_the_proposal_without_the_buttons(
    site: str, container: Container, clock: FrozenClock, responder: Principal
) -> None:
    container.accounts.create_user(
        "victor", role=UserRole.VIEWER, display_name="Victor", password=PASSWORD
    )
    proposed(container, clock, responder)
    viewer = sign_in(site, "victor")
    try:
        room = viewer.get("/incidents/INC-1").text
    finally:
        viewer.close()
    assert NOTICE in room
    assert "upgrade-proposal" not in room
