"""Every route, for every kind of principal, → allowed or refused, as the rules below say.

The routes come from the application itself: a route added without a rule here fails
``test_every_route_has_a_rule``. For each rule, a sample request is sent by an anonymous client,
a viewer, a responder, an admin and a token scoped to ``read`` (API), or by signed-in browsers
(web); incident routes are also tried on a restricted incident by a participant and by a
responder who takes no part in it. "Allowed" means the request got past authorisation: neither
401, 403 nor 404, and no 5xx (a 409 for a transition the incident cannot make is allowed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from radar.domain.access import parse_scopes
from radar.server import create_app
from tests.conftest import EXAMPLE_POLICY
from tests.security.conftest import Site
from tests.web.conftest import PASSWORD, csrf_of


class Rule(Enum):
    PUBLIC = "anyone; the request carries its own proof (a key, a signature) or needs none"
    READ = "API: read"
    REPORT = "API: report"
    RESPOND = "API: respond"
    ADMIN = "API: admin"
    SIGNED_IN = "web: any signed-in person"
    WEB_REPORT = "web: report (viewers too while RADAR_VIEWERS_MAY_REPORT)"
    WEB_RESPOND = "web: respond"


@dataclass(frozen=True)
class Call:
    rule: Rule
    json: dict[str, Any] | None = None
    form: dict[str, str] = field(default_factory=dict)
    incident: bool = False  # the path names an incident: also tried on a restricted one


INC = "{incident}"
UPDATE = {"message": "Still looking."}
RULES: dict[tuple[str, str], Call] = {
    # Documentation and health
    ("GET", "/api/openapi.json"): Call(Rule.PUBLIC),
    ("GET", "/api/docs"): Call(Rule.PUBLIC),
    ("GET", "/healthz"): Call(Rule.PUBLIC),
    ("GET", "/readyz"): Call(Rule.PUBLIC),
    # Alert intake: the integration key is the authorisation
    ("POST", "/v2/enqueue"): Call(Rule.PUBLIC, json={"routing_key": "rk_unknown"}),
    ("POST", "/integrations/alertmanager/{key}"): Call(Rule.PUBLIC, json={}),
    ("POST", "/integrations/grafana/{key}"): Call(Rule.PUBLIC, json={}),
    ("PUT", "/integrations/grafana/{key}"): Call(Rule.PUBLIC, json={}),
    ("POST", "/integrations/generic/{key}"): Call(Rule.PUBLIC, json={}),
    ("POST", "/integrations/heartbeat/{key}"): Call(Rule.PUBLIC),
    ("GET", "/integrations/heartbeat/{key}"): Call(Rule.PUBLIC),
    # Signed by Twilio, or by Radar in a notification
    ("POST", "/integrations/twilio/voice/{tokens}"): Call(Rule.PUBLIC),
    ("POST", "/integrations/twilio/status/{tokens}"): Call(Rule.PUBLIC),
    ("POST", "/integrations/twilio/sms"): Call(Rule.PUBLIC),
    # Signed by Slack (X-Slack-Signature with the app's signing secret)
    ("POST", "/integrations/slack/interactivity"): Call(Rule.PUBLIC),
    ("POST", "/integrations/slack/events"): Call(Rule.PUBLIC, json={}),
    ("POST", "/integrations/slack/commands"): Call(Rule.PUBLIC, form={"text": "help"}),
    ("GET", "/ack/{token}"): Call(Rule.PUBLIC),
    ("POST", "/ack/{token}"): Call(Rule.PUBLIC),
    # The API
    ("GET", "/api/v1/incidents"): Call(Rule.READ),
    ("POST", "/api/v1/incidents"): Call(
        Rule.REPORT, json={"title": "Search is slow", "service": "search", "severity": "sev3"}
    ),
    ("GET", f"/api/v1/incidents/{INC}"): Call(Rule.READ, incident=True),
    ("GET", f"/api/v1/incidents/{INC}/plan"): Call(Rule.READ, incident=True),
    ("POST", f"/api/v1/incidents/{INC}/acknowledge"): Call(Rule.RESPOND, incident=True),
    ("POST", f"/api/v1/incidents/{INC}/report-anyway"): Call(
        Rule.REPORT, {"severity": "sev3", "reason": "Customers noticed."}, incident=True
    ),
    ("POST", f"/api/v1/incidents/{INC}/updates"): Call(Rule.RESPOND, UPDATE, incident=True),
    ("POST", f"/api/v1/incidents/{INC}/severity"): Call(
        Rule.RESPOND, {"severity": "sev3", "reason": "Smaller than feared."}, incident=True
    ),
    ("POST", f"/api/v1/incidents/{INC}/upgrade-proposal"): Call(
        Rule.RESPOND, {"accept": False}, incident=True
    ),
    ("PUT", f"/api/v1/incidents/{INC}/roles/{{role}}"): Call(
        Rule.RESPOND, {"assignee": "Ana"}, incident=True
    ),
    ("GET", f"/api/v1/incidents/{INC}/role-candidates"): Call(Rule.READ, incident=True),
    ("POST", f"/api/v1/incidents/{INC}/participants"): Call(
        Rule.RESPOND, {"username": "joan"}, incident=True
    ),
    ("POST", f"/api/v1/incidents/{INC}/resolve"): Call(
        Rule.RESPOND, {"summary": "Fixed."}, incident=True
    ),
    ("POST", f"/api/v1/incidents/{INC}/reopen"): Call(
        Rule.RESPOND, {"reason": "Back again."}, incident=True
    ),
    ("POST", f"/api/v1/incidents/{INC}/close"): Call(Rule.RESPOND, incident=True),
    ("POST", f"/api/v1/incidents/{INC}/decline"): Call(
        Rule.RESPOND, {"reason": "Not ours."}, incident=True
    ),
    ("GET", "/api/v1/policy"): Call(Rule.READ),
    ("GET", "/api/v1/policy/versions"): Call(Rule.READ),
    ("POST", "/api/v1/policy"): Call(
        Rule.ADMIN,
        {"content": EXAMPLE_POLICY.read_text(), "filename": "policy.yaml", "if_changed": True},
    ),
    ("POST", "/api/v1/triage"): Call(Rule.READ, {"answers": []}),
    ("GET", "/api/v1/audit"): Call(Rule.ADMIN),
    ("GET", "/api/v1/status/components"): Call(Rule.READ),
    ("PUT", "/api/v1/status/components/{service}"): Call(Rule.RESPOND, {"state": "major_outage"}),
    ("DELETE", "/api/v1/status/components/{service}"): Call(Rule.RESPOND),
    # The web UI
    ("GET", "/static"): Call(Rule.PUBLIC),
    ("GET", "/signin"): Call(Rule.PUBLIC),
    ("GET", "/signin/oidc"): Call(Rule.PUBLIC),
    ("GET", "/signin/oidc/callback"): Call(Rule.PUBLIC),
    ("POST", "/signin"): Call(Rule.PUBLIC, form={"username": "val", "password": PASSWORD}),
    ("GET", "/status"): Call(Rule.PUBLIC),
    ("GET", "/status/feed.atom"): Call(Rule.PUBLIC),
    ("GET", "/status/components"): Call(Rule.SIGNED_IN),
    ("POST", "/status/components/{service}"): Call(
        Rule.WEB_RESPOND, form={"state": "major_outage"}
    ),
    ("POST", "/status/components/{service}/release"): Call(Rule.WEB_RESPOND),
    ("POST", "/signout"): Call(Rule.SIGNED_IN),
    ("GET", "/account/password"): Call(Rule.SIGNED_IN),
    ("POST", "/account/password"): Call(Rule.SIGNED_IN, form={"current": "not it"}),
    ("GET", "/"): Call(Rule.SIGNED_IN),
    ("GET", "/incidents"): Call(Rule.SIGNED_IN),
    ("GET", "/incidents/{reference}"): Call(Rule.SIGNED_IN, incident=True),
    ("GET", "/live"): Call(Rule.SIGNED_IN),
    ("GET", "/process"): Call(Rule.SIGNED_IN),
    ("GET", "/services"): Call(Rule.SIGNED_IN),
    ("GET", "/styleguide"): Call(Rule.SIGNED_IN),
    # The styleguide's samples: what radar.css already says to anyone.
    ("GET", "/styleguide/tokens.css"): Call(Rule.PUBLIC),
    ("GET", "/report"): Call(Rule.SIGNED_IN),
    ("POST", "/incidents/{reference}/decline"): Call(
        Rule.WEB_RESPOND, incident=True, form={"reason": "A test", "ticket_url": ""}
    ),
    ("POST", "/report"): Call(
        Rule.WEB_REPORT,
        form={"title": "Search is slow", "service": "search", "severity": "sev3"},
    ),
    ("POST", "/incidents/{reference}/acknowledge"): Call(Rule.WEB_RESPOND, incident=True),
    ("POST", "/incidents/{reference}/updates"): Call(
        Rule.WEB_RESPOND, form={"message": "Still looking."}, incident=True
    ),
    ("POST", "/incidents/{reference}/resolve"): Call(
        Rule.WEB_RESPOND, form={"summary": "Fixed."}, incident=True
    ),
    ("POST", "/incidents/{reference}/reopen"): Call(
        Rule.WEB_RESPOND, form={"reason": "Back."}, incident=True
    ),
    ("POST", "/incidents/{reference}/close"): Call(Rule.WEB_RESPOND, incident=True),
    ("POST", "/incidents/{reference}/report-anyway"): Call(
        Rule.WEB_REPORT, form={"severity": "sev3", "reason": "Customers noticed."}, incident=True
    ),
    ("POST", "/incidents/{reference}/severity"): Call(
        Rule.WEB_RESPOND, form={"severity": "sev3", "reason": "Smaller."}, incident=True
    ),
    ("POST", "/incidents/{reference}/upgrade-proposal"): Call(
        Rule.WEB_RESPOND, form={"answer": "decline"}, incident=True
    ),
    ("POST", "/incidents/{reference}/participants"): Call(
        Rule.WEB_RESPOND, form={"username": "joan"}, incident=True
    ),
    ("POST", "/incidents/{reference}/roles"): Call(
        Rule.WEB_RESPOND, form={"role": "commander", "assignee": "Ana"}, incident=True
    ),
}

# Independent of the code under test: what each kind of API principal may do.
API_ALLOWED = {
    "val": {Rule.READ, Rule.REPORT},  # a viewer; reporting is on by default
    "bob": {Rule.READ, Rule.REPORT, Rule.RESPOND},
    "root": {Rule.READ, Rule.REPORT, Rule.RESPOND, Rule.ADMIN},
    "reader": {Rule.READ},  # bob's token scoped to read
}
WEB_ALLOWED = {
    "val": {Rule.SIGNED_IN, Rule.WEB_REPORT},
    "bob": {Rule.SIGNED_IN, Rule.WEB_REPORT, Rule.WEB_RESPOND},
    "root": {Rule.SIGNED_IN, Rule.WEB_REPORT, Rule.WEB_RESPOND},
}
API_RULES = {Rule.READ, Rule.REPORT, Rule.RESPOND, Rule.ADMIN}


def routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route the application serves, as FastAPI matches them."""
    found: set[tuple[str, str]] = set()
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        members = [getattr(c, "route", c) for c in contexts()] if callable(contexts) else [route]
        for member in members:
            path = getattr(member, "path", "")
            methods = getattr(member, "methods", None) or {"GET"}
            found |= {(m, path) for m in methods if m != "HEAD"}
    return found


def concrete(path: str, incident: str) -> str:
    return (
        path.replace(INC, incident)
        .replace("{reference}", incident)
        .replace("{role}", "commander")
        .replace("{service}", "checkout")
        .replace("{key}", "rk_not_a_key_at_all")
        .replace("{tokens}", "not-a-token")
        .replace("{token}", "not-a-token")
    )


def allowed(answer: httpx.Response) -> bool:
    return answer.status_code not in (401, 403, 404) and answer.status_code < 500


@pytest.fixture
def matrix(site: Site) -> tuple[Site, str, str]:
    """INC-1, open and unrestricted, and INC-2, restricted, reported by ana."""
    with site.api("ana") as ana:
        for restricted in (False, True):
            made = ana.post(
                "/api/v1/incidents",
                json={
                    "title": "Checkout down",
                    "service": "checkout",
                    "severity": "sev2",
                    "restricted": restricted,
                },
            )
            assert made.status_code == 201, made.text
    reader = site.container.accounts.create_token("bob", name="read", scopes=parse_scopes("read"))
    site.tokens["reader"] = reader.secret
    return site, "INC-1", "INC-2"


def test_every_route_has_a_rule(site: Site) -> None:
    app = create_app(site.container)
    missing = sorted(routes(app) - set(RULES))
    assert missing == [], f"routes without a rule in RULES: {missing}"
    stale = sorted(set(RULES) - routes(app))
    assert stale == [], f"rules for routes that no longer exist: {stale}"


def _api(client: httpx.Client, method: str, path: str, call: Call) -> httpx.Response:
    return client.request(method, path, json=call.json)


@pytest.mark.parametrize(
    ("method", "path"), sorted(k for k, v in RULES.items() if v.rule in API_RULES)
)
def test_api_routes_allow_exactly_the_principals_the_rules_name(
    matrix: tuple[Site, str, str], method: str, path: str
) -> None:
    site, open_one, restricted = matrix
    call = RULES[(method, path)]
    with site.api(None) as anonymous:
        refused = _api(anonymous, method, concrete(path, open_one), call)
        assert refused.status_code == 401, refused.text
    for who, may in API_ALLOWED.items():
        with site.api(who) as client:
            answer = _api(client, method, concrete(path, open_one), call)
        if call.rule in may:
            assert allowed(answer), f"{who}: {answer.status_code} {answer.text}"
        else:
            assert answer.status_code == 403, f"{who}: {answer.status_code} {answer.text}"
    if call.incident:
        with site.api("bob") as outsider:
            hidden = _api(outsider, method, concrete(path, restricted), call)
            assert hidden.status_code == 404, f"non-participant: {hidden.text}"
        with site.api("ana") as participant:
            answer = _api(participant, method, concrete(path, restricted), call)
            assert allowed(answer), f"participant: {answer.status_code} {answer.text}"


def _web(site: Site, who: str | None) -> httpx.Client:
    return site.web(who) if who else httpx.Client(base_url=site.url, timeout=30)


def _send(client: httpx.Client, method: str, path: str, call: Call) -> httpx.Response:
    if method == "GET":
        return client.get(path)
    home = client.get("/")
    csrf = csrf_of(home.text) if home.status_code == 200 else ""
    return client.post(path, data={"csrf": csrf, **call.form})


@pytest.mark.parametrize(
    ("method", "path"),
    sorted(k for k, v in RULES.items() if v.rule not in API_RULES and v.rule is not Rule.PUBLIC),
)
def test_web_routes_allow_exactly_the_people_the_rules_name(
    matrix: tuple[Site, str, str], method: str, path: str
) -> None:
    site, open_one, restricted = matrix
    call = RULES[(method, path)]
    target = concrete(path, open_one) + ("?incident=INC-1" if path == "/live" else "")
    with _web(site, None) as anonymous:
        sent = _send(anonymous, method, target, call)
        assert sent.status_code in (303, 403), sent.text
        if sent.status_code == 303:
            assert sent.headers["location"].startswith("/signin")
    for who, may in WEB_ALLOWED.items():
        browser = _web(site, who)
        try:
            answer = _stream_safely(browser, method, target, call)
        finally:
            browser.close()
        if call.rule in may:
            assert allowed(answer), f"{who}: {answer.status_code}"
        else:
            assert answer.status_code == 403, f"{who}: {answer.status_code}"
    if call.incident:
        outsider, participant = _web(site, "bob"), _web(site, "ana")
        try:
            hidden = _send(outsider, method, concrete(path, restricted), call)
            assert hidden.status_code == 404, f"non-participant: {hidden.status_code}"
            answer = _send(participant, method, concrete(path, restricted), call)
            assert allowed(answer), f"participant: {answer.status_code}"
        finally:
            outsider.close()
            participant.close()


def _stream_safely(client: httpx.Client, method: str, path: str, call: Call) -> httpx.Response:
    """The live stream never ends by itself: read its status, not its body."""
    if path.startswith("/live"):
        with client.stream("GET", path) as streamed:
            return streamed
    return _send(client, method, path, call)


@pytest.mark.parametrize(
    ("method", "path"), sorted(k for k, v in RULES.items() if v.rule is Rule.PUBLIC)
)
def test_public_routes_need_no_sign_in(
    matrix: tuple[Site, str, str], method: str, path: str
) -> None:
    site, open_one, _ = matrix
    call = RULES[(method, path)]
    target = "/static/radar.css" if path == "/static" else concrete(path, open_one)
    with httpx.Client(base_url=site.url, timeout=30) as anonymous:
        if call.json is not None:
            answer = anonymous.request(method, target, json=call.json)
        elif path == "/signin" and method == "POST":  # the form's own token, as a browser would
            form = {"csrf": csrf_of(anonymous.get("/signin").text), **call.form}
            answer = anonymous.post(target, data=form)
        else:
            answer = anonymous.request(method, target, data=call.form or None)
    assert answer.status_code not in (401, 403), f"{answer.status_code} {answer.text[:200]}"
    assert answer.status_code < 500, answer.text[:500]
