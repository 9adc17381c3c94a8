"""Roles through the API: only someone Radar knows may hold one; the refusal names the value and
the closest matches; the response says who holds the role now; and the candidates are listed."""

from __future__ import annotations

import httpx

from radar.bootstrap import Container
from radar.domain.access import UserRole
from tests.api.conftest import declare, token_for


def test_an_unknown_holder_is_refused_with_422_naming_the_value(api: httpx.Client) -> None:
    declare(api)
    for typed, said in (
        ("lara", "no person or account 'lara'; did you mean laura (Laura Gómez)?"),
        ("nobody_here", "no person or account 'nobody_here'; who can hold a role: "),
        ("<b>x</b>", "no person or account '<b>x</b>'; who can hold a role: "),
    ):
        refused = api.put("/api/v1/incidents/INC-1/roles/commander", json={"assignee": typed})
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert (error["code"], error["field"]) == ("invalid_input", "assignee")
        assert error["message"].startswith(said)
    assert api.get("/api/v1/incidents/INC-1").json()["roles"] == {}


def test_the_answer_says_who_holds_the_role_now(api: httpx.Client) -> None:
    declare(api)
    given = api.put("/api/v1/incidents/INC-1/roles/commander", json={"assignee": "Laura Gómez"})
    assert given.status_code == 200, given.text
    body = given.json()
    assert body["roles"] == {"commander": "laura"}
    assert body["holder"] == {
        "id": "laura",
        "name": "Laura Gómez",
        "in_policy": True,
        "has_account": False,
    }
    cleared = api.put("/api/v1/incidents/INC-1/roles/commander", json={"assignee": None})
    assert (cleared.json()["roles"], cleared.json()["holder"]) == ({}, None)


def test_role_candidates_lists_people_and_enabled_accounts_by_name(
    api: httpx.Client, container: Container, anonymous: httpx.Client
) -> None:
    declare(api)
    token_for(container, "joan", UserRole.RESPONDER)
    listed = api.get("/api/v1/incidents/INC-1/role-candidates")
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [i["name"] for i in items][:3] == ["Ana Torres", "David Costa", "Joan"]
    assert {"id": "joan", "name": "Joan", "in_policy": False, "has_account": True} in items
    assert anonymous.get("/api/v1/incidents/INC-1/role-candidates").status_code == 401
    assert api.get("/api/v1/incidents/INC-9/role-candidates").status_code == 404
