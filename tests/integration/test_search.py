"""Searching incidents (`radar incident list --search`, the web's search box, `?q=` on the API)
finds what people wrote, in any case and any script, the same on SQLite and PostgreSQL; it never
reveals a restricted incident to someone who may not see it; and a filter naming a severity or
service that does not exist is refused, not answered with an empty list."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from radar.api.app import create_app
from radar.bootstrap import Container
from radar.domain.access import UserRole
from tests.support.live import serve


def _client(base_url: str, c: Container, username: str, role: UserRole) -> httpx.Client:
    c.accounts.create_user(username, role=role, display_name=username.capitalize())
    secret = c.accounts.create_token(username, name="test").secret
    return httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    )


@pytest.fixture
def base_url(container: Container) -> Iterator[str]:
    with serve(create_app(container)) as url:
        yield url


@pytest.fixture
def ana(container: Container, base_url: str) -> Iterator[httpx.Client]:
    with _client(base_url, container, "ana", UserRole.RESPONDER) as client:
        yield client


def _declare(api: httpx.Client, title: str, **more: object) -> str:
    body = {"title": title, "service": "checkout", "severity": "sev3", **more}
    made = api.post("/api/v1/incidents", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["reference"])


def _found(api: httpx.Client, text: str) -> list[str]:
    answer = api.get("/api/v1/incidents", params={"q": text})
    assert answer.status_code == 200, answer.text
    return [i["reference"] for i in answer.json()["items"]]


def test_upper_case_finds_lower_case_in_any_script(ana: httpx.Client) -> None:
    accented = _declare(
        ana, "Pagos de ünï rechazados", description="Cliente Gómez, tienda de España"
    )
    greek = _declare(ana, "Σφάλμα στην πληρωμή")
    plain = _declare(ana, "Checkout down")
    assert _found(ana, "Ünï") == [accented]
    assert _found(ana, "ÜNÏ") == [accented]
    assert _found(ana, "GÓMEZ") == [accented]
    assert _found(ana, "ESPAÑA") == [accented]
    assert _found(ana, "ΣΦΆΛΜΑ") == [greek]
    assert _found(ana, "CHECKOUT") == [plain]
    assert _found(ana, "100%") == []  # % and _ are characters, not patterns
    assert _found(ana, "_") == []


def test_updates_and_resolution_summaries_are_searched(ana: httpx.Client) -> None:
    rolled = _declare(ana, "Card payments fail")
    fixed = _declare(ana, "Emails are late")
    _declare(ana, "Search is slow")
    update = {"message": "We rolled back the 14:02 deploy.", "visibility": "internal"}
    assert ana.post(f"/api/v1/incidents/{rolled}/updates", json=update).status_code == 201
    summary = {"summary": "Restarted the mail workers; the queue drained."}
    assert ana.post(f"/api/v1/incidents/{fixed}/resolve", json=summary).status_code == 200
    assert _found(ana, "rolled back") == [rolled]
    assert _found(ana, "ROLLED BACK") == [rolled]
    assert _found(ana, "mail workers") == [fixed]
    reopened = ana.post(f"/api/v1/incidents/{fixed}/reopen", json={"reason": "Queue grew again"})
    assert reopened.status_code == 200, reopened.text
    assert _found(ana, "mail workers") == [fixed]  # the first summary is still on the timeline
    assert _found(ana, "queue grew") == [fixed]


def test_search_never_reveals_a_restricted_incident(
    container: Container, base_url: str, ana: httpx.Client
) -> None:
    secret = _declare(ana, "Payroll export", restricted=True, description="Salaries of Gómez")
    note = {"message": "Rotated the leaked payroll key.", "visibility": "internal"}
    assert ana.post(f"/api/v1/incidents/{secret}/updates", json=note).status_code == 201
    open_one = _declare(ana, "Payroll page slow")
    assert _found(ana, "payroll") == [open_one, secret]
    with _client(base_url, container, "victor", UserRole.VIEWER) as victor:
        assert _found(victor, "payroll") == [open_one]
        assert _found(victor, "LEAKED PAYROLL KEY") == []
        assert _found(victor, "gómez") == []
    with _client(base_url, container, "root", UserRole.ADMIN) as admin:
        assert _found(admin, "leaked payroll key") == [secret]


def test_an_unknown_severity_or_service_is_refused(ana: httpx.Client) -> None:
    _declare(ana, "Checkout down")
    answer = ana.get("/api/v1/incidents", params={"severity": "sev9"})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "severity"
    assert "'sev9'" in error["message"]
    assert "sev1, sev2, sev3, sev4" in error["message"]
    answer = ana.get("/api/v1/incidents", params={"service": "chekout"})
    assert answer.status_code == 422
    assert "'chekout'" in answer.json()["error"]["message"]
    assert "checkout" in answer.json()["error"]["message"]
    # A known level with nothing in it is an empty list, not a mistake.
    known = ana.get("/api/v1/incidents", params={"severity": "sev1"})
    assert (known.status_code, known.json()["items"]) == (200, [])
