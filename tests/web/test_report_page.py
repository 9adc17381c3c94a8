"""Reporting through the guide, step by step, as plain forms."""

from __future__ import annotations

import httpx

from radar.bootstrap import Container
from radar.domain.access import Principal
from radar.domain.listing import IncidentFilter
from tests.web.conftest import csrf_of


def test_the_guide_leads_to_a_suggestion_and_says_what_happens_next(
    browser: httpx.Client,
) -> None:
    first = browser.get("/report")
    assert "What is affected?" in first.text
    q1 = browser.get("/report", params={"service": "checkout"})
    assert "Is customer data exposed" in q1.text
    assert "A security hole exposes customer data." in q1.text  # the policy's own examples
    q2 = browser.get("/report", params={"service": "checkout", "answers": "1"})
    assert "Are many customers unable to use the product" in q2.text
    done = browser.get("/report", params={"service": "checkout", "answers": "1,0"})
    assert "Suggested: Sev2 - Major" in done.text
    assert "#radar is told now" in done.text
    assert "Laura Gómez" in done.text


def test_declaring_from_the_guide_opens_the_incident(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    form = browser.get("/report", params={"service": "checkout", "answers": "1,0"})
    answer = browser.post(
        "/report",
        data={
            "csrf": csrf_of(form.text),
            "service": "checkout",
            "answers": "1,0",
            "title": "Checkout is down",
            "severity": "sev2",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/incidents/INC-1"
    incident = container.incidents.get(responder, "INC-1").incident
    assert (incident.severity, incident.reporter) == ("sev2", "María Soto")


def test_another_severity_than_suggested_needs_a_reason(browser: httpx.Client) -> None:
    form = browser.get("/report", params={"service": "checkout", "answers": "1,0"})
    answer = browser.post(
        "/report",
        data={
            "csrf": csrf_of(form.text),
            "service": "checkout",
            "answers": "1,0",
            "title": "Checkout is down",
            "severity": "sev1",
        },
    )
    assert answer.status_code == 422
    assert "declaring sev1 needs a reason" in answer.text
    assert 'value="Checkout is down"' in answer.text  # what was typed is kept


def test_not_an_incident_is_recorded_with_its_reason_and_ticket_and_pages_nobody(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    path = "1,1,1,1"
    form = browser.get("/report", params={"service": "checkout", "answers": path})
    assert "Not an incident" in form.text
    answer = browser.post(
        "/report",
        data={
            "csrf": csrf_of(form.text),
            "outcome": "not_an_incident",
            "service": "checkout",
            "answers": path,
            "severity": "sev4",
            "title": "Typo on the help page",
            "reason": "Cosmetic; no customer is blocked",
            "ticket_url": "https://tracker.example.com/SUP-1",
        },
    )
    assert answer.status_code == 303
    incident = container.incidents.get(responder, "INC-1").incident
    assert incident.status.value == "declined"
    assert incident.ticket_url == "https://tracker.example.com/SUP-1"
    assert container.engine.plan(responder, "INC-1").items == []
    assert container.engine.fire_due() == 0


HUGE = "9" * 5000  # more digits than Python reads as an integer


def test_numbers_too_long_to_read_are_refused_with_a_page(
    browser: httpx.Client, container: Container, responder: Principal
) -> None:
    form = browser.get("/report", params={"service": "checkout", "answers": "1,0"})
    fields = {"csrf": csrf_of(form.text), "service": "checkout", "title": "x", "severity": "sev2"}
    refused = [
        browser.get("/report", params={"service": "checkout", "answers": HUGE}),
        browser.get("/report", params={"service": "checkout", "answers": "9" * 30}),
        browser.post("/report", data={**fields, "answers": HUGE}),
        browser.post("/report", data={**fields, "answers": f"1,{HUGE}"}),
        browser.get("/incidents/INC-1", params={"template": HUGE}),
        browser.get(f"/incidents/{HUGE}"),
    ]
    for answer in refused:
        assert 400 <= answer.status_code < 500, (answer.request.url, answer.text[:300])
        assert answer.headers["content-type"].startswith("text/html")
    assert container.incidents.list(responder, IncidentFilter()).items == []
