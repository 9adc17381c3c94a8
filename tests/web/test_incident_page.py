"""The incident room without JavaScript: every action is a form post that lands back on the page."""

from __future__ import annotations

import re

import httpx

from radar.bootstrap import Container
from radar.domain.access import Principal
from radar.services.incidents import Declaration
from tests.web.conftest import csrf_of


def declare(container: Container, responder: Principal) -> str:
    made = container.incidents.declare(
        responder, Declaration("Checkout returns 500", "checkout", "sev2")
    )
    return made.reference


def act(browser: httpx.Client, ref: str, action: str, **fields: str) -> httpx.Response:
    room = browser.get(f"/incidents/{ref}")
    return browser.post(f"/incidents/{ref}/{action}", data={"csrf": csrf_of(room.text), **fields})


def test_the_room_shows_the_incident_its_plan_and_its_timeline(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    ref = declare(container, responder)
    room = browser.get(f"/incidents/{ref}")
    assert room.status_code == 200
    assert "INC-1 · Checkout returns 500" in room.text
    assert "Sev2 - Major" in room.text
    assert "What happens next" in room.text
    assert "Laura Gómez" in room.text  # the engineering manager is called if nobody responds


def test_acknowledge_update_and_resolve_through_forms(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    ref = declare(container, responder)
    assert act(browser, ref, "acknowledge").status_code == 303
    answer = act(
        browser,
        ref,
        "updates",
        message="We are still investigating.",
        visibility="public",
        status="investigating",
    )
    assert answer.status_code == 303
    assert act(browser, ref, "resolve", summary="Rolled back the deploy").status_code == 303
    incident = container.incidents.get(responder, ref).incident
    assert incident.status.value == "resolved"
    assert incident.acknowledgement is not None
    assert incident.acknowledgement.by == "María Soto"
    assert incident.acknowledgement.via.value == "web"
    room = browser.get(f"/incidents/{ref}").text
    assert "We are still investigating." in room
    assert "Rolled back the deploy" in room


def test_a_refused_action_says_why_on_the_page(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    ref = declare(container, responder)
    refused = act(browser, ref, "reopen", reason="again")
    assert refused.status_code == 409
    assert "cannot reopen INC-1: it is reported" in refused.text
    empty = act(browser, ref, "updates", message="   ")
    assert empty.status_code == 422
    bad = act(browser, ref, "roles", role="janitor", assignee="laura")
    assert bad.status_code == 422
    assert "not a valid choice" in bad.text


def test_forms_without_the_sessions_token_change_nothing(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    ref = declare(container, responder)
    forged = browser.post(f"/incidents/{ref}/acknowledge", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert container.incidents.get(responder, ref).incident.acknowledgement is None


def test_an_unknown_incident_is_a_404_page(browser: httpx.Client) -> None:
    missing = browser.get("/incidents/INC-999")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]
    assert "no incident" in missing.text


def test_a_template_starts_the_update(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    ref = declare(container, responder)
    room = browser.get(f"/incidents/{ref}?template=1")
    assert ">We are still investigating.</textarea>" in room.text


def test_a_malformed_address_is_a_page_naming_the_parameter(browser: httpx.Client) -> None:
    answer = browser.get("/?severity=" + "x" * 100)
    assert answer.status_code == 422
    assert "text/html" in answer.headers["content-type"]
    assert "severity" in answer.text


def test_every_incident_is_listed_page_by_page(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    for n in range(55):
        container.incidents.declare(
            responder, Declaration(f"Outage number {n}", "checkout", "sev4")
        )
    first = browser.get("/incidents")
    assert ">INC-55<" in first.text
    assert ">INC-6<" in first.text
    assert ">INC-5<" not in first.text
    older = re.search(r'href="(/incidents\?[^"]*cursor=[^"]+)"', first.text)
    assert older is not None
    second = browser.get(older.group(1).replace("&amp;", "&"))
    assert ">INC-5<" in second.text
    assert ">INC-55<" not in second.text
    assert "Older incidents" not in second.text
    searched = browser.get("/incidents", params={"q": "number 42"})
    assert ">INC-43<" in searched.text
    assert ">INC-44<" not in searched.text


def test_the_room_lists_the_alerts_that_opened_it(
    browser: httpx.Client, container: Container
) -> None:
    from radar.domain.access import User, UserRole
    from radar.domain.alerts import Action, Event, Kind

    admin = Principal(User(id=0, username="ops", display_name="Ops", role=UserRole.ADMIN))
    made = container.ingest.create(admin, service="checkout", kind=Kind.PAGERDUTY)
    event = Event(
        Action.TRIGGER,
        "disk",
        summary="Disk full on db-1",
        source="db-1",
        severity="critical",
        links=[{"href": "https://grafana/d/db", "text": "Dashboard"}],
    )
    container.ingest.receive(made.key, Kind.PAGERDUTY, [event])
    room = browser.get("/incidents/INC-1")
    assert "Alerts (1)" in room.text
    assert 'href="https://grafana/d/db"' in room.text
