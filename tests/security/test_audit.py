"""The audit log: every authenticated write, done or refused, with who, when, from where and with
which token; admins read it with filters, a page at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from radar.clock import FrozenClock
from radar.domain.audit import AuditFilter
from radar.services.audit import PENDING, Pending
from radar.services.incidents import Declaration
from tests.conftest import START
from tests.security.conftest import Site
from tests.support.radar import ANA
from tests.web.conftest import csrf_of


def test_writes_done_and_refused_are_recorded_and_reads_are_not(site: Site) -> None:
    with site.api("ana") as ana:
        made = ana.post(
            "/api/v1/incidents",
            json={"title": "Checkout down", "service": "checkout", "severity": "sev2"},
        )
        assert made.status_code == 201
        assert ana.get("/api/v1/incidents/INC-1").status_code == 200
    with site.api("val") as viewer:
        assert viewer.post("/api/v1/incidents/INC-1/acknowledge").status_code == 403
    with site.api("root") as admin:
        log = admin.get("/api/v1/audit").json()["items"]
    assert [(e["actor"], e["method"], e["path"], e["status"]) for e in log] == [
        ("val", "POST", "/api/v1/incidents/INC-1/acknowledge", 403),
        ("ana", "POST", "/api/v1/incidents", 201),
    ]
    newest = log[0]
    assert newest["source_ip"] == "127.0.0.1"
    assert newest["token_id"] is not None
    assert newest["at"].startswith(START.date().isoformat())


def test_a_form_posted_in_the_web_ui_is_recorded_with_no_token(site: Site) -> None:
    with site.api("ana") as ana:
        ana.post(
            "/api/v1/incidents",
            json={"title": "Checkout down", "service": "checkout", "severity": "sev2"},
        )
    web = site.web("bob")
    try:
        room = web.get("/incidents/INC-1")
        answer = web.post("/incidents/INC-1/acknowledge", data={"csrf": csrf_of(room.text)})
        assert answer.status_code == 303
    finally:
        web.close()
    with site.api("root") as admin:
        (entry,) = admin.get("/api/v1/audit", params={"actor": "bob"}).json()["items"]
    assert (entry["method"], entry["path"], entry["status"], entry["token_id"]) == (
        "POST",
        "/incidents/INC-1/acknowledge",
        303,
        None,
    )


def test_admins_filter_and_page_the_log(site: Site, clock: FrozenClock) -> None:
    with site.api("ana") as ana:
        for n in range(3):
            ana.post(
                "/api/v1/incidents",
                json={"title": f"Problem {n}", "service": "checkout", "severity": "sev3"},
            )
            clock.advance(timedelta(minutes=10))
    with site.api("val") as viewer:
        viewer.post("/api/v1/incidents/INC-1/acknowledge")
    with site.api("root") as admin:
        refused = admin.get("/api/v1/audit", params={"refused": True}).json()["items"]
        assert [e["actor"] for e in refused] == ["val"]
        since = (START + timedelta(minutes=15)).isoformat()
        later = admin.get("/api/v1/audit", params={"since": since, "actor": "ana"}).json()
        assert len(later["items"]) == 1
        first = admin.get("/api/v1/audit", params={"limit": 2}).json()
        rest = admin.get("/api/v1/audit", params={"limit": 2, "cursor": first["next_cursor"]})
        ids = [e["id"] for e in first["items"] + rest.json()["items"]]
        assert ids == sorted(ids, reverse=True)
        assert len(ids) == 4
        naive = admin.get("/api/v1/audit", params={"since": "2026-11-27T10:00:00"})
        assert naive.status_code == 422
        assert naive.json()["error"]["field"] == "since"
    with site.api("bob") as responder:
        assert responder.get("/api/v1/audit").status_code == 403


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("since", "0.5", "give an ISO 8601 time with a zone"),  # seconds since 1970, to pydantic
        ("until", "1764237600", "give an ISO 8601 time with a zone"),
        ("since", "9" * 5000, "give an ISO 8601 time with a zone"),
        ("until", "yesterday", "give an ISO 8601 time with a zone"),
        ("since", "2026-11-27", "give a time zone"),
        ("until", "2026-11-27T10:00:00", "give a time zone"),
    ],
)
def test_times_in_the_audit_query_are_iso_8601_with_a_zone(
    site: Site, name: str, value: str, said: str
) -> None:
    with site.api("root") as admin:
        answer = admin.get("/api/v1/audit", params={name: value})
        assert answer.status_code == 422
        error = answer.json()["error"]
        assert error["field"] == name
        assert error["problems"] == [
            {"field": name, "message": f"{said}, for example 2026-11-27T10:00:00Z"}
        ]
        for fine in ("2026-11-27T10:00Z", "2026-11-27T11:00:00+01:00", "20261127T100000Z"):
            assert admin.get("/api/v1/audit", params={name: fine}).status_code == 200


def test_a_change_and_its_audit_line_are_one_transaction(site: Site) -> None:
    """The line is written with the change itself: a server that died right after the change
    committed (before it answered, so before the log was "settled") still has it."""
    c = site.container
    pending = Pending(
        at=c.clock.now(),
        source_ip="10.0.0.7",
        method="POST",
        path="/api/v1/incidents",
        who=lambda: (ANA, 201),
    )
    token = PENDING.set(pending)
    try:
        c.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
    finally:
        PENDING.reset(token)  # and nothing settles the request: the process is gone
    (entry,) = c.audit.entries(ANA, AuditFilter()).items
    assert (entry.actor, entry.method, entry.path, entry.status, entry.source_ip) == (
        "ana",
        "POST",
        "/api/v1/incidents",
        201,
        "10.0.0.7",
    )


def test_a_refused_change_is_recorded_once_with_its_answer(site: Site) -> None:
    with site.api("ana") as ana:
        made = ana.post(
            "/api/v1/incidents",
            json={"title": "Checkout down", "service": "checkout", "severity": "sev2"},
        )
        assert made.status_code == 201
        reopened = ana.post("/api/v1/incidents/INC-1/reopen", json={"reason": "again"})
        assert reopened.status_code == 409  # it is not resolved
    with site.api("root") as admin:
        log = admin.get("/api/v1/audit", params={"actor": "ana"}).json()["items"]
    assert [(e["path"], e["status"]) for e in log] == [
        ("/api/v1/incidents/INC-1/reopen", 409),
        ("/api/v1/incidents", 201),
    ]
