"""Single sign-on against a real OpenID provider on loopback, driven like a browser without
JavaScript: every redirect followed by hand, Radar's to the provider and the provider's back.

The provider below publishes a discovery document and a JWKS, approves a preset person at its
authorization endpoint, and at its token endpoint checks the client secret, the code (once) and
the PKCE verifier before it returns an ID token signed with a key made here. Radar's public
address is ``PUBLIC`` (as behind a reverse proxy): the provider sends the browser there, and the
test delivers that request to the loopback server.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import RSAKey

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.errors import NotFound
from radar.server import create_app
from radar.settings import Settings
from tests.conftest import EXAMPLE_POLICY
from tests.support.live import serve
from tests.web.conftest import PASSWORD

PUBLIC = "http://radar.test"
REDIRECT_URI = PUBLIC + "/signin/oidc/callback"
CLIENT_ID = "radar"
CLIENT_SECRET = "provider-issued-secret"
ROLES = {"sre": "responder", "radar-admins": "admin"}


def _signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})


class Idp:
    """A small OpenID provider that approves ``user`` without asking."""

    def __init__(self, clock: FrozenClock) -> None:
        self.clock = clock
        self.url = ""  # known once served
        self.key = _signing_key()  # published in the JWKS
        self.signing_key = self.key  # what ID tokens are signed with
        self.lifetime = timedelta(minutes=5)
        self.user: dict[str, Any] = {
            "sub": "7f3c",
            "preferred_username": "grace",
            "name": "Grace Hopper",
            "groups": ["sre"],
        }
        self.tampered: dict[str, Any] = {}  # claims that override the right ones
        self.codes: dict[str, dict[str, Any]] = {}

    def app(self) -> FastAPI:
        app = FastAPI()
        app.get("/.well-known/openid-configuration")(self.discovery)
        app.get("/jwks")(self.jwks)
        app.get("/authorize")(self.authorize)
        app.post("/token")(self.token)
        return app

    async def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
            "jwks_uri": self.url + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    async def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    async def authorize(self, request: Request) -> Any:
        q = request.query_params
        wrong = [
            name
            for name, ok in (
                ("response_type", q.get("response_type") == "code"),
                ("client_id", q.get("client_id") == CLIENT_ID),
                ("redirect_uri", q.get("redirect_uri") == REDIRECT_URI),
                ("scope", "openid" in q.get("scope", "").split()),
                ("code_challenge_method", q.get("code_challenge_method") == "S256"),
                ("code_challenge", len(q.get("code_challenge", "")) == 43),
                ("state", bool(q.get("state"))),
                ("nonce", bool(q.get("nonce"))),
            )
            if not ok
        ]
        if wrong:
            return JSONResponse({"error": "invalid_request", "wrong": wrong}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"challenge": q["code_challenge"], "nonce": q["nonce"]}
        back = urlencode({"code": code, "state": q["state"]})
        return RedirectResponse(f"{q['redirect_uri']}?{back}", status_code=302)

    async def token(self, request: Request) -> JSONResponse:
        form = await request.form()
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form.get("code", "")), None)  # a code works once
        verifier = str(form.get("code_verifier", ""))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != REDIRECT_URI
            or challenge.rstrip(b"=").decode() != grant["challenge"]
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(self.clock.now().timestamp())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + int(self.lifetime.total_seconds()),
            "nonce": grant["nonce"],
            **self.user,
            **self.tampered,
        }
        header = {"alg": "RS256", "kid": self.signing_key.kid}
        id_token = jwt.encode(header, claims, self.signing_key)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "id_token": id_token,
            }
        )


@pytest.fixture
def idp(clock: FrozenClock) -> Iterator[Idp]:
    provider = Idp(clock)
    with serve(provider.app()) as url:
        provider.url = url
        yield provider


@contextmanager
def radar(db_url: str, clock: FrozenClock, issuer: str, **settings: Any) -> Iterator[Radar]:
    """Radar with single sign-on through ``issuer``, on a loopback port."""
    configured = Settings(
        database_url=db_url,
        public_url=PUBLIC,
        oidc_issuer=issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_roles=ROLES,
        **settings,
    )
    container = build(configured, clock=clock)
    try:
        container.policies.apply(EXAMPLE_POLICY.read_text(), filename="policy.yaml", author="t")
        with serve(create_app(container)) as url:
            yield Radar(url, container)
    finally:
        container.close()


class Radar:
    def __init__(self, url: str, container: Container) -> None:
        self.url = url
        self.container = container

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.url)

    def role(self, username: str) -> UserRole:
        return self.container.accounts.user(username).role


@pytest.fixture
def sso(db_url: str, clock: FrozenClock, idp: Idp, tmp_path: Path) -> Iterator[Radar]:
    with radar(db_url, clock, idp.url, notify_record_file=str(tmp_path / "n.jsonl")) as site:
        yield site


def leave(web: httpx.Client, then: str = "/") -> str:
    """Start single sign-on: where Radar sends the browser."""
    start = web.get("/signin/oidc", params={"then": then})
    assert start.status_code == 303, start.text
    return start.headers["location"]


def approve(authorize_url: str) -> str:
    """The provider approves: where it sends the browser back."""
    answer = httpx.get(authorize_url)
    assert answer.status_code == 302, answer.text
    back = answer.headers["location"]
    assert back.startswith(REDIRECT_URI + "?")
    return back


def arrive(web: httpx.Client, back: str) -> httpx.Response:
    """The browser comes back to Radar's public address (here, the server behind it)."""
    return web.get(back.removeprefix(PUBLIC))


def sso_sign_in(web: httpx.Client, then: str = "/") -> httpx.Response:
    return arrive(web, approve(leave(web, then)))


def said(answer: httpx.Response) -> str:
    assert 'id="signin-error"' in answer.text, answer.text[:300]
    return answer.text.split('id="signin-error">', 1)[1].split("</p>", 1)[0]


def refused_without_session(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, answer.text[:300]
    assert "radar_session=" not in answer.headers.get("set-cookie", "")
    assert "Sign in with SSO" in answer.text  # the sign-in page again, not an error page
    return said(answer)


def test_first_sign_in_makes_the_account_with_the_mapped_role_and_a_working_session(
    sso: Radar, idp: Idp
) -> None:
    with sso.browser() as web:
        form = web.get("/signin?then=/incidents")
        assert 'href="/signin/oidc?then=/incidents"' in form.text
        start = web.get("/signin/oidc", params={"then": "/incidents"})
        assert start.status_code == 303
        sent = urlsplit(start.headers["location"])
        assert f"{sent.scheme}://{sent.netloc}{sent.path}" == idp.url + "/authorize"
        asked = parse_qs(sent.query)
        assert asked["redirect_uri"] == [REDIRECT_URI]
        assert asked["code_challenge_method"] == ["S256"]
        assert "openid" in asked["scope"][0].split()
        kept = start.headers["set-cookie"]
        assert kept.startswith("radar_oidc=")
        assert "HttpOnly" in kept
        assert "SameSite=lax" in kept
        assert "Path=/signin/oidc" in kept

        back = approve(start.headers["location"])
        home = arrive(web, back)
        assert home.status_code == 303, home.text[:300]
        assert home.headers["location"] == "/incidents"
        assert "HttpOnly" in home.headers["set-cookie"]
        board = web.get("/")
        assert board.status_code == 200
        assert "Grace Hopper" in board.text
        assert sso.role("grace") is UserRole.RESPONDER

        replayed = arrive(web, back)  # the pending cookie served once (and the code too)
        assert "started in another browser" in refused_without_session(replayed, 401)


def test_the_role_follows_the_group_at_every_sign_in(sso: Radar, idp: Idp) -> None:
    with sso.browser() as web:
        assert sso_sign_in(web).status_code == 303
    assert sso.role("grace") is UserRole.RESPONDER
    idp.user.update(groups=["sre", "radar-admins"], name="Grace B. Hopper")
    with sso.browser() as web:
        assert sso_sign_in(web).status_code == 303
    assert sso.role("grace") is UserRole.ADMIN
    assert sso.container.accounts.user("grace").display_name == "Grace B. Hopper"
    idp.user.update(groups=["marketing"])  # out of every mapped group: the default role
    with sso.browser() as web:
        assert sso_sign_in(web).status_code == 303
    assert sso.role("grace") is UserRole.VIEWER


def test_without_a_default_role_a_person_in_no_mapped_group_is_refused(
    db_url: str, clock: FrozenClock, idp: Idp, tmp_path: Path
) -> None:
    idp.user.update(groups=["marketing"])
    record = str(tmp_path / "n.jsonl")
    with radar(db_url, clock, idp.url, oidc_default_role="", notify_record_file=record) as site:
        with site.browser() as web:
            answer = sso_sign_in(web)
        assert "no role in Radar" in refused_without_session(answer, 403)
        with pytest.raises(NotFound):
            site.container.accounts.user("grace")


def test_a_wrong_state_is_refused(sso: Radar) -> None:
    with sso.browser() as web:
        back = approve(leave(web))
        forged = back.replace("state=", "state=forged", 1)
        answer = arrive(web, forged)
        assert "state does not match" in refused_without_session(answer, 401)
    with sso.browser() as victim, sso.browser() as attacker:  # login CSRF: the right state,
        back = approve(leave(attacker))  # in a browser that did not start the sign-in
        answer = arrive(victim, back)
        assert "started in another browser" in refused_without_session(answer, 401)
    with pytest.raises(NotFound):
        sso.container.accounts.user("grace")


def test_a_sign_in_left_waiting_too_long_is_refused(sso: Radar, clock: FrozenClock) -> None:
    with sso.browser() as web:
        back = approve(leave(web))
        clock.advance(timedelta(minutes=11))
        answer = arrive(web, back)
        assert "expired or was started in another browser" in refused_without_session(answer, 401)


def test_an_id_token_signed_by_another_key_is_refused(sso: Radar, idp: Idp) -> None:
    idp.signing_key = _signing_key()  # the published key's id, not its key
    with sso.browser() as web:
        answer = sso_sign_in(web)
    assert "signature does not verify" in refused_without_session(answer, 401)
    with pytest.raises(NotFound):
        sso.container.accounts.user("grace")


def test_an_expired_id_token_is_refused(sso: Radar, idp: Idp) -> None:
    idp.lifetime = timedelta(minutes=-5)
    with sso.browser() as web:
        answer = sso_sign_in(web)
    assert refused_without_session(answer, 401) == "the sign-in has expired; try again"


@pytest.mark.parametrize(
    ("claim", "value"),
    [("nonce", "from-another-sign-in"), ("aud", "another-client"), ("iss", "https://evil.test")],
)
def test_an_id_token_for_another_sign_in_client_or_issuer_is_refused(
    sso: Radar, idp: Idp, claim: str, value: str
) -> None:
    idp.tampered = {claim: value}
    with sso.browser() as web:
        answer = sso_sign_in(web)
    assert f"has a wrong {claim}" in refused_without_session(answer, 401)


def test_an_id_token_without_the_username_claim_is_refused(sso: Radar, idp: Idp) -> None:
    del idp.user["preferred_username"]
    with sso.browser() as web:
        answer = sso_sign_in(web)
    assert "sent no preferred_username" in refused_without_session(answer, 401)


def test_a_disabled_account_is_refused(sso: Radar) -> None:
    with sso.browser() as web:
        assert sso_sign_in(web).status_code == 303
    sso.container.accounts.disable_user("grace")
    with sso.browser() as web:
        answer = sso_sign_in(web)
        assert "disabled" in refused_without_session(answer, 403)
        assert web.get("/").status_code == 303


def test_an_account_with_a_password_is_not_taken_over(sso: Radar, idp: Idp) -> None:
    sso.container.accounts.create_user("grace", role=UserRole.ADMIN, password=PASSWORD)
    idp.user.update(groups=[])
    with sso.browser() as web:
        answer = sso_sign_in(web)
    assert "signs in with a password" in refused_without_session(answer, 403)
    assert sso.role("grace") is UserRole.ADMIN


def test_a_provider_that_does_not_answer_shows_the_sign_in_page(
    db_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    with serve(FastAPI()) as gone:
        pass  # served, then stopped: nothing listens there now
    record = str(tmp_path / "n.jsonl")
    with radar(db_url, clock, gone, notify_record_file=record) as site, site.browser() as web:
        answer = web.get("/signin/oidc")
        assert "did not answer" in refused_without_session(answer, 401)


def test_without_oidc_settings_there_is_no_sso_button_and_no_sso_routes(site: str) -> None:
    with httpx.Client(base_url=site) as web:
        form = web.get("/signin")
        assert form.status_code == 200
        assert "Sign in with SSO" not in form.text
        assert web.get("/signin/oidc").status_code == 404
        assert web.get("/signin/oidc/callback?code=c&state=s").status_code == 404
