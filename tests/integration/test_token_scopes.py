"""API tokens with scopes and expiry, over the real API: a token grants its scopes, never more
than its user's role, and stops at its expiry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from radar.api.app import create_app
from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import Permission, UserRole
from radar.domain.errors import InvalidInput
from radar.settings import Settings
from tests.support.live import serve

DECLARATION = {"title": "Checkout down", "service": "checkout", "severity": "sev2"}


@pytest.fixture
def base_url(container: Container) -> Iterator[str]:
    with serve(create_app(container)) as url:
        yield url


def client(base_url: str, secret: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {secret}"}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


def test_a_read_only_token_lists_incidents_but_cannot_declare(
    container: Container, base_url: str
) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER)
    full = container.accounts.create_token("sam", name="full").secret
    read = container.accounts.create_token("sam", name="dashboard", scopes=["read"]).secret
    with client(base_url, full) as api:
        assert api.post("/api/v1/incidents", json=DECLARATION).status_code == 201
    with client(base_url, read) as api:
        listed = api.get("/api/v1/incidents")
        assert listed.status_code == 200
        assert [i["reference"] for i in listed.json()["items"]] == ["INC-1"]
        refused = api.post("/api/v1/incidents", json=DECLARATION)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "forbidden"
        assert api.post("/api/v1/incidents/INC-1/acknowledge").status_code == 403
    with client(base_url, full) as api:
        assert [i["reference"] for i in api.get("/api/v1/incidents").json()["items"]] == ["INC-1"]


def test_scopes_are_kept_sorted_and_listed(container: Container) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER)
    made = container.accounts.create_token("sam", name="bot", scopes="respond, read")
    container.accounts.create_token("sam", name="all")
    [(scoped, owner), (unscoped, _)] = container.accounts.tokens_with_owners("sam")
    assert made.token.scopes == scoped.scopes == {Permission.READ, Permission.RESPOND}
    assert unscoped.scopes is None
    assert owner.role is UserRole.RESPONDER
    principal = container.accounts.authenticate(made.secret)
    assert principal.scopes == {Permission.READ, Permission.RESPOND}
    assert principal.may(Permission.RESPOND)
    assert not principal.may(Permission.REPORT)


def test_scopes_beyond_the_role_or_unknown_are_refused(container: Container) -> None:
    container.accounts.create_user("vera", role=UserRole.VIEWER)
    with pytest.raises(InvalidInput) as beyond:
        container.accounts.create_token("vera", name="x", scopes=["read", "respond"])
    assert beyond.value.field == "scopes"
    assert "'respond'" in beyond.value.message
    assert "viewer" in beyond.value.message
    with pytest.raises(InvalidInput, match="unknown scope 'write'") as unknown:
        container.accounts.create_token("vera", name="x", scopes="read,write")
    assert unknown.value.field == "scopes"
    assert container.accounts.tokens("vera") == []


def test_a_viewer_token_may_report_only_while_viewers_may_report(
    db_url: str, clock: FrozenClock
) -> None:
    for allowed in (True, False):
        c = build(Settings(database_url=db_url, viewers_may_report=allowed), clock=clock)
        try:
            name = f"vera{int(allowed)}"
            c.accounts.create_user(name, role=UserRole.VIEWER)
            everything = c.accounts.authenticate(c.accounts.create_token(name, name="t").secret)
            assert everything.viewers_may_report is allowed
            assert everything.may(Permission.REPORT) is allowed
            assert not everything.may(Permission.RESPOND)
            if allowed:
                c.accounts.create_token(name, name="r", scopes=["report"])
            else:
                with pytest.raises(InvalidInput, match="'report'"):
                    c.accounts.create_token(name, name="r", scopes=["report"])
        finally:
            c.close()


def test_an_expired_token_gets_401(container: Container, base_url: str, clock: FrozenClock) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER)
    made = container.accounts.create_token("sam", name="t", expires_in=timedelta(hours=1))
    assert made.token.expires_at == clock.now() + timedelta(hours=1)
    with client(base_url, made.secret) as api:
        assert api.get("/api/v1/incidents").status_code == 200
        clock.advance(timedelta(hours=1))
        expired = api.get("/api/v1/incidents")
        assert expired.status_code == 401
        assert "expired" in expired.json()["error"]["message"]


def test_disabling_a_user_stops_their_remembered_tokens_at_once(
    container: Container, base_url: str
) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER)
    secret = container.accounts.create_token("sam", name="t").secret
    with client(base_url, secret) as api:
        assert api.get("/api/v1/incidents").status_code == 200
        assert container.accounts.authenticate_cached(secret) is not None  # remembered
        assert container.accounts.disable_user("sam").disabled
        assert container.accounts.authenticate_cached(secret) is None
        refused = api.get("/api/v1/incidents")
        assert refused.status_code == 401
        assert "disabled" in refused.json()["error"]["message"]
        assert not container.accounts.enable_user("sam").disabled
        assert api.get("/api/v1/incidents").status_code == 200


def test_a_new_role_applies_to_the_next_request_of_a_remembered_token(
    container: Container, base_url: str
) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER)
    secret = container.accounts.create_token("sam", name="t").secret
    with client(base_url, secret) as api:
        assert api.post("/api/v1/incidents", json=DECLARATION).status_code == 201
        assert container.accounts.set_role("sam", UserRole.VIEWER).role is UserRole.VIEWER
        assert api.post("/api/v1/incidents/INC-1/acknowledge").status_code == 403
        container.accounts.set_role("sam", UserRole.RESPONDER)
        assert api.post("/api/v1/incidents/INC-1/acknowledge").status_code == 200
