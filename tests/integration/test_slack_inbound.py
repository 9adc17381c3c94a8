"""Slack talks back: signed requests, as Slack signs them, posted to the real endpoints of a real
server, while Slack's Web API (and the interactions' response URLs) are a loopback server that
records what Radar's real slack_sdk client sent. The clock is frozen and moved by hand."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from radar.api.app import create_app
from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.events import TimelineEntry
from radar.domain.incident import Incident
from radar.services.incidents import Declaration
from radar.settings import Settings
from tests.conftest import EXAMPLE_POLICY
from tests.support.live import serve
from tests.support.patience import PATIENCE
from tests.support.radar import ANA, radar_with, run_engine
from tests.support.recorder import Recorder, Reply, recording

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CARD_TS = "1764237600.000100"
POSTED = {"ok": True, "channel": "C0RADAR", "ts": CARD_TS}
LAURA = "U0LAURA01"  # laura in the example policy: Payments' engineering manager


def signature(body: bytes, stamp: str, secret: str = SECRET) -> str:
    """As Slack documents it: ``v0=`` and the hex HMAC-SHA256 of ``v0:TIMESTAMP:BODY``."""
    base = b"v0:" + stamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Slack:
    """Radar with Slack configured, served for real, and what Slack would post to it."""

    radar: Container
    clock: FrozenClock
    api: Recorder  # Slack's Web API and the response URLs
    url: str

    def post(
        self,
        path: str,
        body: bytes,
        *,
        at: datetime | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        stamp = str(int((at or self.clock.now()).timestamp()))
        sent = {
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(body, stamp, secret),
            **(headers or {}),
        }
        return httpx.post(f"{self.url}/integrations/slack/{path}", content=body, headers=sent)

    def reply(self, event_id: str, user: str = LAURA, **event: Any) -> httpx.Response:
        """A message in #radar's thread of the card, as the Events API sends it."""
        inner = {"type": "message", "channel": "C0RADAR", "user": user, "text": "on it"}
        inner |= {"ts": "1764237700.000200", "thread_ts": CARD_TS} | event
        body = {"type": "event_callback", "event_id": event_id, "event": inner}
        return self.post("events", json.dumps(body).encode())

    def click(self, action: str, reference: str = "INC-1", user: str = LAURA) -> bytes:
        """A button press on the card, as Slack's interactivity sends it (form, JSON payload)."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower()},
            "container": {"type": "message", "message_ts": CARD_TS, "channel_id": "C0RADAR"},
            "response_url": f"{self.api.url}/actions/T0/{len(self.api.requests)}/x",
            "actions": [
                {"action_id": action, "value": reference, "type": "button", "action_ts": "1.2"}
            ],
        }
        return urlencode({"payload": json.dumps(payload)}).encode()

    def incident(self, reference: str = "INC-1") -> tuple[Incident, list[TimelineEntry]]:
        detail = self.radar.incidents.get(ANA, reference)
        return detail.incident, detail.timeline

    def answers(self, count: int) -> list[str]:
        """The first ``count`` notes sent to response URLs (sent after Slack had its 200)."""

        def sent() -> list[str]:
            return [r.json()["text"] for r in self.api.requests if r.path.startswith("/actions/")]

        deadline = time.monotonic() + PATIENCE
        while len(sent()) < count and time.monotonic() < deadline:
            time.sleep(0.01)  # waiting for a socket, not for application time
        return sent()


@contextmanager
def slack_radar(
    db_url: str, clock: FrozenClock, *, declare: bool = True, **overrides: Any
) -> Iterator[Slack]:
    """Radar with its Slack app; unless ``declare`` is False, a Sev2 whose card is in #radar."""
    with recording() as api:
        api.default = Reply(body=POSTED)
        given: dict[str, Any] = {
            "database_url": db_url,
            "slack_bot_token": "xoxb-test",
            "slack_api_url": api.url + "/api/",
            "slack_signing_secret": SECRET,
        }
        settings = Settings(**(given | overrides))
        with radar_with(settings, clock, declare=declare) as c, serve(create_app(c)) as url:
            run_engine(c)  # step 1 of the Sev2: the card in #radar, with its ts
            yield Slack(c, clock, api, url)


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    with slack_radar(db_url, clock) as s:
        yield s


def kinds(timeline: list[TimelineEntry], kind: str) -> list[TimelineEntry]:
    return [e for e in timeline if e.kind == kind]


def account(c: Container, username: str, role: UserRole = UserRole.RESPONDER) -> None:
    names = {"laura": "Laura Gómez", "sam": "Sam Ortega", "ana": "Ana Torres"}
    c.accounts.create_user(username, role=role, display_name=names.get(username, username))


# Thread replies ---------------------------------------------------------------------------------


def test_a_reply_in_the_cards_thread_stops_the_escalation(slack: Slack) -> None:
    (card,) = slack.api.requests
    assert (card.path, card.json()["channel"]) == ("/api/chat.postMessage", "#radar")
    assert slack.reply("Ev0001").status_code == 200

    incident, timeline = slack.incident()
    assert incident.acknowledgement is not None
    assert (incident.acknowledgement.by, incident.acknowledgement.via) == ("Laura Gómez", "slack")
    (note,) = kinds(timeline, "slack_reply")
    assert note.message == (
        "Laura Gómez replied in the thread of Radar's message in Slack: a response"
    )

    slack.clock.advance(timedelta(minutes=11))
    run_engine(slack.radar)
    _, timeline = slack.incident()
    # Step 2 ("if nobody responds in 10 minutes, call the engineering manager") never ran.
    assert [e.message for e in kinds(timeline, "escalated")] == [
        "Step 1 of Sev2 - Major: the response started. Posting in #radar"
    ]
    assert kinds(timeline, "delivery_failed") == []
    told = slack.radar.engine.plan(ANA, "INC-1").notifications
    assert [n.target for n in told] == ["slack:#radar"]  # the engineering manager never was
    # Slack saw the card, then the card brought up to date in place; nobody else was told.
    assert [r.path for r in slack.api.requests] == ["/api/chat.postMessage", "/api/chat.update"]
    update = slack.api.requests[1].json()
    assert (update["channel"], update["ts"]) == ("C0RADAR", CARD_TS)
    assert "acknowledged by Laura Gómez" in update["text"]


def unanswered(slack: Slack) -> list[str]:
    """After the 10 minutes: who the engine tried to reach because nobody responded."""
    slack.clock.advance(timedelta(minutes=11))
    run_engine(slack.radar)
    incident, timeline = slack.incident()
    assert incident.acknowledgement is None
    return [e.message or "" for e in kinds(timeline, "delivery_failed")]


@pytest.mark.parametrize(
    "event",
    [
        {"bot_id": "B0OTHER", "subtype": "bot_message"},  # a bot answering in the thread
        {"bot_id": "B0RADAR"},  # a bot posting as a user
        {"subtype": "message_changed"},  # an edit
        {"thread_ts": None},  # a message in the channel, not in the thread
        {"thread_ts": "1764230000.000900"},  # a reply in another thread
        {"channel": "C0ELSEWHERE"},  # the same ts, in another channel
        {"ts": CARD_TS},  # the card itself
    ],
    ids=["bot", "bot-as-user", "edit", "channel", "other-thread", "other-channel", "parent"],
)
def test_bots_and_replies_elsewhere_do_not_acknowledge(slack: Slack, event: dict[str, Any]) -> None:
    assert slack.reply("Ev0002", **event).status_code == 200
    (failed,) = unanswered(slack)
    assert failed.startswith("Could not reach Laura Gómez (engineering manager, Payments)")


def test_a_person_the_policy_does_not_list_counts_as_a_response(slack: Slack) -> None:
    slack.reply("Ev0003", user="U0STRANGER")
    incident, _ = slack.incident()
    assert incident.acknowledgement is not None
    assert incident.acknowledgement.by == "Slack user U0STRANGER"


def test_the_policy_can_turn_thread_replies_off(slack: Slack) -> None:
    text = EXAMPLE_POLICY.read_text() + "\nslack:\n  thread_replies_acknowledge: false\n"
    slack.radar.policies.apply(text, filename="policy.yaml", author="test")
    assert slack.reply("Ev0004").status_code == 200
    assert len(unanswered(slack)) == 1


def test_an_event_retried_with_the_same_id_acts_once(slack: Slack) -> None:
    assert slack.reply("Ev0005").status_code == 200
    # Reopening clears the acknowledgement: someone must respond again.
    slack.radar.incidents.resolve(ANA, "INC-1", summary="Looked fixed.")
    slack.radar.incidents.reopen(ANA, "INC-1", reason="It came back.")
    assert slack.incident()[0].acknowledgement is None
    retried = slack.reply("Ev0005", headers={"X-Slack-Retry-Num": "1"})
    assert retried.status_code == 200
    assert slack.incident()[0].acknowledgement is None  # the retry did not act again
    slack.reply("Ev0006", user="U0SAM0002")  # a new event does
    incident, timeline = slack.incident()
    assert incident.acknowledgement is not None
    assert incident.acknowledgement.by == "Sam Ortega"
    assert [e.actor for e in kinds(timeline, "acknowledged")] == ["Laura Gómez", "Sam Ortega"]


def test_a_replayed_event_changes_nothing_twice(slack: Slack) -> None:
    body = json.dumps(
        {
            "type": "event_callback",
            "event_id": "Ev0007",
            "event": {
                "type": "message",
                "channel": "C0RADAR",
                "user": LAURA,
                "ts": "1764237700.000200",
                "thread_ts": CARD_TS,
            },
        }
    ).encode()
    stamp = str(int(slack.clock.now().timestamp()))
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature(body, stamp)}
    url = f"{slack.url}/integrations/slack/events"
    first = httpx.post(url, content=body, headers=headers)
    slack.radar.incidents.change_severity(ANA, "INC-1", severity="sev1", reason="Spreading.")
    again = httpx.post(url, content=body, headers=headers)  # byte for byte, within 5 minutes
    assert (first.status_code, again.status_code) == (200, 200)
    assert len(kinds(slack.incident()[1], "acknowledged")) == 1
    slack.clock.advance(timedelta(minutes=6))
    assert httpx.post(url, content=body, headers=headers).status_code == 401  # too late now


def test_url_verification_answers_the_challenge(slack: Slack) -> None:
    body = json.dumps({"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2"})
    answer = slack.post("events", body.encode())
    assert answer.status_code == 200
    assert answer.json() == {"challenge": "3eZbrw1aBm2"}


# Verification -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["events", "interactivity"])
def test_requests_not_signed_by_slack_are_refused_and_change_nothing(
    slack: Slack, path: str
) -> None:
    account(slack.radar, "laura")
    body = (
        slack.click("radar_ack")
        if path == "interactivity"
        else json.dumps(
            {
                "type": "event_callback",
                "event_id": "Ev0008",
                "event": {
                    "type": "message",
                    "channel": "C0RADAR",
                    "user": LAURA,
                    "ts": "1764237700.000200",
                    "thread_ts": CARD_TS,
                },
            }
        ).encode()
    )
    now = slack.clock.now()
    refused = [
        slack.post(path, body, secret="not the signing secret"),
        slack.post(path, body, at=now - timedelta(minutes=6)),  # stale
        slack.post(path, body, at=now + timedelta(minutes=6)),  # from the future
        slack.post(path, body, headers={"X-Slack-Signature": "v0=" + "0" * 64}),
        slack.post(path, body, headers={"X-Slack-Request-Timestamp": "soon"}),
        httpx.post(f"{slack.url}/integrations/slack/{path}", content=body),  # unsigned
    ]
    assert [r.status_code for r in refused] == [401] * 6
    assert refused[1].json()["error"]["code"] == "unauthenticated"
    incident, timeline = slack.incident()
    assert incident.acknowledgement is None
    assert kinds(timeline, "acknowledged") == kinds(timeline, "slack_reply") == []
    assert slack.answers(0) == []
    # The same request, signed: it acts.
    assert slack.post(path, body).status_code == 200
    assert slack.incident()[0].acknowledgement is not None


def test_signed_bodies_holding_numbers_too_long_to_read_are_refused_naming_them(
    slack: Slack,
) -> None:
    """Python reads no integer of more than 4,300 digits: Slack never sends one, and a request
    that holds one is refused (it used to be a 500), whoever signed it."""
    account(slack.radar, "laura")
    huge = "9" * 5000
    event = '{"type": "event_callback", "event_id": "Ev0009", "event": {"ts": ' + huge + "}}"
    click = urlencode({"payload": '{"type": "block_actions", "actions": [' + huge + "]}"})
    for path, body in (("events", event.encode()), ("interactivity", click.encode())):
        answer = slack.post(path, body)
        assert answer.status_code == 422, path
        error = answer.json()["error"]
        assert (error["field"], error["message"]) == (
            "body",
            "JSON parse error: a number has more than 4,300 digits",
        )
    assert slack.incident()[0].acknowledgement is None
    assert slack.answers(0) == []


def test_without_a_signing_secret_slack_is_not_configured(db_url: str, clock: FrozenClock) -> None:
    with slack_radar(db_url, clock, slack_signing_secret="") as slack:
        (card,) = slack.api.requests
        for path in ("events", "interactivity"):
            answer = slack.post(path, b"{}")
            assert answer.status_code == 404
            assert answer.json()["error"]["message"] == "Slack is not configured on this server"
        # Cards keep the signed acknowledge link then.
        (actions,) = [b for b in card.json()["blocks"] if b["type"] == "actions"]
        assert actions["elements"][0]["action_id"] == "radar_ack_link"


# Buttons ----------------------------------------------------------------------------------------


def test_the_card_in_a_channel_acknowledges_with_an_action(slack: Slack) -> None:
    (card,) = slack.api.requests
    (actions,) = [b for b in card.json()["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e.get("value")) for e in actions["elements"]] == [
        ("radar_ack", "INC-1"),
        ("radar_resolve", "INC-1"),
        ("radar_update", "INC-1"),
        ("radar_open", None),
    ]


def test_a_double_click_acknowledges_once(slack: Slack) -> None:
    account(slack.radar, "laura")
    first = slack.click("radar_ack")
    assert slack.post("interactivity", first).status_code == 200
    assert slack.post("interactivity", first).status_code == 200  # Slack sends it again
    assert slack.post("interactivity", slack.click("radar_ack")).status_code == 200  # clicked again
    incident, timeline = slack.incident()
    assert incident.acknowledgement is not None
    assert (incident.acknowledgement.by, incident.acknowledgement.via) == ("Laura Gómez", "slack")
    assert len(kinds(timeline, "acknowledged")) == 1
    assert sorted(slack.answers(3)) == [  # sent after each answer: in any order
        "INC-1 was already acknowledged by Laura Gómez.",
        "INC-1 was already acknowledged by Laura Gómez.",
        "You acknowledged INC-1.",
    ]
    (sent, *_) = [r for r in slack.api.requests if r.path.startswith("/actions/")]
    assert sent.json()["response_type"] == "ephemeral"
    assert sent.json()["replace_original"] is False
    # The card is brought up to date in place, without the Acknowledge action.
    slack.clock.advance(timedelta(seconds=2))
    run_engine(slack.radar)
    (update,) = [r.json() for r in slack.api.requests if r.path == "/api/chat.update"]
    (actions,) = [b for b in update["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [
        "radar_resolve",
        "radar_update",
        "radar_open",
    ]


def test_resolve_resolves_once_naming_who_clicked(slack: Slack) -> None:
    account(slack.radar, "laura")
    for _ in range(2):
        assert slack.post("interactivity", slack.click("radar_resolve")).status_code == 200
    incident, timeline = slack.incident()
    assert incident.status == "resolved"
    assert incident.resolution_summary == "Resolved from Slack by Laura Gómez"
    assert len(kinds(timeline, "resolved")) == 1
    assert sorted(slack.answers(2)) == [
        "INC-1 was already resolved by Laura Gómez.",
        "You resolved INC-1.",
    ]


@pytest.mark.parametrize(
    ("user", "setup", "said"),
    [
        (
            "U0NOBODY",
            None,
            "Radar does not know you: ask an admin to add your Slack id, or the email address your "
            "Slack profile shows, to your person in the policy.",
        ),
        (
            "U0SAM0002",  # sam is in the policy, without a Radar account
            None,
            "Radar knows you as Sam Ortega, but has no enabled account 'sam' for you: "
            "ask an admin to create it.",
        ),
        (
            LAURA,
            UserRole.VIEWER,
            "Radar did not let you do that: laura is a viewer; changing incidents needs the "
            "responder or admin role.",
        ),
    ],
    ids=["unknown", "no-account", "viewer"],
)
def test_who_may_not_act_is_told_and_nothing_changes(
    slack: Slack, user: str, setup: UserRole | None, said: str
) -> None:
    if setup is not None:
        account(slack.radar, "laura", setup)
    for action in ("radar_ack", "radar_resolve"):
        assert slack.post("interactivity", slack.click(action, user=user)).status_code == 200
    incident, _timeline = slack.incident()
    assert (incident.status, incident.acknowledgement) == ("reported", None)
    assert slack.answers(2) == [said, said]


def test_a_restricted_incident_is_not_there_for_a_non_participant(slack: Slack) -> None:
    account(slack.radar, "laura")
    secret = slack.radar.incidents.declare(
        ANA, Declaration("Card data exposed", "checkout", "sev2", restricted=True)
    )
    ref = secret.reference
    assert slack.post("interactivity", slack.click("radar_ack", ref)).status_code == 200
    assert slack.post("interactivity", slack.click("radar_resolve", ref)).status_code == 200
    incident, _ = slack.incident(ref)
    assert (incident.status, incident.acknowledgement) == ("reported", None)
    assert slack.answers(2) == [f"There is no incident {ref} in Radar."] * 2
    # Once she takes part, the same button works.
    slack.radar.incidents.add_participant(ANA, ref, "laura")
    slack.post("interactivity", slack.click("radar_ack", ref))
    assert slack.incident(ref)[0].acknowledgement is not None


def test_a_restricted_incidents_thread_counts_only_its_participants(
    db_url: str, clock: FrozenClock
) -> None:
    with slack_radar(db_url, clock) as slack:
        slack.radar.incidents.resolve(ANA, "INC-1", summary="Fixed.")
        secret = slack.radar.incidents.declare(
            ANA, Declaration("Card data exposed", "checkout", "sev2", restricted=True)
        )
        slack.api.default = Reply(body={**POSTED, "ts": "1764237800.000300"})
        slack.clock.advance(timedelta(seconds=2))
        run_engine(slack.radar)
        thread = "1764237800.000300"
        slack.reply("Ev0010", user="U0STRANGER", thread_ts=thread)
        slack.reply("Ev0011", user=LAURA, thread_ts=thread)  # in the policy, takes no part
        assert slack.incident(secret.reference)[0].acknowledgement is None
        slack.radar.incidents.add_participant(ANA, secret.reference, "laura")
        slack.reply("Ev0012", user=LAURA, thread_ts=thread)
        acked = slack.incident(secret.reference)[0].acknowledgement
        assert acked is not None
        assert acked.by == "Laura Gómez"


def test_an_answer_goes_only_to_slack_or_the_configured_web_api_host(slack: Slack) -> None:
    account(slack.radar, "laura")
    with recording() as elsewhere:
        payload = json.loads(httpx.QueryParams(slack.click("radar_ack").decode())["payload"])
        payload["response_url"] = elsewhere.url + "/collect"  # not Slack: never answered
        body = urlencode({"payload": json.dumps(payload)}).encode()
        assert slack.post("interactivity", body).status_code == 200
        assert slack.incident()[0].acknowledgement is not None  # the click itself counted
        slack.post("interactivity", slack.click("radar_ack"))
        assert slack.answers(1) == ["INC-1 was already acknowledged by Laura Gómez."]
        assert elsewhere.requests == []


# People known by email ---------------------------------------------------------------------------


def profile(email: str | None, **user: Any) -> Reply:
    """Slack's users.info answer for a person whose profile shows ``email``."""
    shown = {"email": email} if email else {}
    return Reply(body={"ok": True, "user": {"id": "U0OTHER", "profile": shown, **user}})


def test_a_slack_user_the_policy_knows_by_email_acts_as_that_person(slack: Slack) -> None:
    account(slack.radar, "laura")
    slack.api.by_path["/api/users.info"] = profile("Laura@Example.com")
    for _ in range(2):
        slack.post("interactivity", slack.click("radar_ack", user="U0OTHER"))
    incident, _ = slack.incident()
    assert incident.acknowledgement is not None
    assert incident.acknowledgement.by == "Laura Gómez"
    assert sorted(slack.answers(2)) == [
        "INC-1 was already acknowledged by Laura Gómez.",
        "You acknowledged INC-1.",
    ]
    asked = [r for r in slack.api.requests if r.path.startswith("/api/users.info")]
    assert [r.form()["user"] for r in asked] == [["U0OTHER"]]  # asked once, then kept


def test_a_reply_by_a_person_known_by_email_is_theirs(slack: Slack) -> None:
    slack.api.by_path["/api/users.info"] = profile("laura@example.com")
    slack.reply("Ev0020", user="U0OTHER")
    incident, _ = slack.incident()
    assert incident.acknowledgement is not None
    assert incident.acknowledgement.by == "Laura Gómez"


@pytest.mark.parametrize(
    "answer",
    [
        profile("stranger@example.com"),  # nobody in the policy has that address
        profile("laura@example.com", is_bot=True),  # a bot is nobody
        profile("laura@example.com", deleted=True),  # nor is a deactivated account
        profile(None),  # no address shown
        Reply(status=200, body={"ok": False, "error": "missing_scope"}),  # no users:read.email
        Reply(status=503, body={"ok": False, "error": "service_unavailable"}),  # Slack down
    ],
    ids=["stranger", "bot", "deleted", "no-email", "missing-scope", "slack-down"],
)
def test_a_slack_user_slack_cannot_tie_to_a_person_is_told_and_changes_nothing(
    slack: Slack, answer: Reply
) -> None:
    account(slack.radar, "laura")
    slack.api.by_path["/api/users.info"] = answer
    assert slack.post("interactivity", slack.click("radar_ack", user="U0OTHER")).status_code == 200
    assert slack.incident()[0].acknowledgement is None
    (said,) = slack.answers(1)
    assert said.startswith("Radar does not know you")
