"""What Slack sends, checked and read without a server: the signature and its replay window on a
frozen clock, button presses, messages, where answers may go, and the app manifest."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from radar.clock import FrozenClock
from radar.domain.errors import Unauthenticated
from radar.domain.notification import DeliveryState, Kind, Notification, bundle
from radar.integrations import slack_requests as slack
from radar.integrations.slack_manifest import manifest
from radar.notify.slack import blocks
from tests.conftest import START

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def sign(body: bytes, stamp: str, secret: str = SECRET) -> str:
    """As Slack documents it: v0= and the hex HMAC-SHA256 of ``v0:TIMESTAMP:BODY``."""
    base = b"v0:" + stamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@pytest.fixture
def verifier() -> slack.Verifier:
    return slack.Verifier(SECRET, FrozenClock(START))


NOW = str(int(START.timestamp()))
BODY = b"payload=%7B%22type%22%3A%22block_actions%22%7D"


def test_a_correct_signature_within_five_minutes_passes(verifier: slack.Verifier) -> None:
    verifier.check(BODY, NOW, sign(BODY, NOW))
    at_the_edge = str(int((START - timedelta(minutes=5)).timestamp()))
    verifier.check(BODY, at_the_edge, sign(BODY, at_the_edge))


@pytest.mark.parametrize(
    ("stamp", "signature"),
    [
        (NOW, sign(BODY, NOW, "another secret")),  # signed by someone else
        (NOW, sign(BODY + b"x", NOW)),  # the body was changed
        (NOW, sign(BODY, NOW).upper()),  # hex case matters to Slack too
        (NOW, ""),  # no signature
        (NOW, "v0=é" + sign(BODY, NOW)[4:]),  # not ASCII: refused, not a crash
        ("", sign(BODY, "")),  # no timestamp
        ("12ab", sign(BODY, "12ab")),  # not a number
        ("\uff11\uff12\uff13", sign(BODY, "\uff11\uff12\uff13")),  # not ASCII digits
        ("9" * 40, sign(BODY, "9" * 40)),  # absurdly long
    ],
)
def test_bad_signatures_are_refused(verifier: slack.Verifier, stamp: str, signature: str) -> None:
    with pytest.raises(Unauthenticated):
        verifier.check(BODY, stamp, signature)


@pytest.mark.parametrize("minutes", [-6, 6])
def test_stale_or_future_timestamps_are_refused(verifier: slack.Verifier, minutes: int) -> None:
    stamp = str(int((START + timedelta(minutes=minutes)).timestamp()))
    with pytest.raises(Unauthenticated, match="five minutes"):
        verifier.check(BODY, stamp, sign(BODY, stamp))


def test_the_window_follows_radars_clock_not_the_system_clock() -> None:
    clock = FrozenClock(START)
    verifier = slack.Verifier(SECRET, clock)
    verifier.check(BODY, NOW, sign(BODY, NOW))
    clock.advance(timedelta(minutes=6))
    with pytest.raises(Unauthenticated):
        verifier.check(BODY, NOW, sign(BODY, NOW))


def test_a_body_that_is_not_utf8_is_refused(verifier: slack.Verifier) -> None:
    body = b"payload=\xff\xfe"
    base = b"v0:" + NOW.encode() + b":" + body
    signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    with pytest.raises(Unauthenticated):
        verifier.check(body, NOW, signature)


def interaction(payload: dict[str, object]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def card() -> Notification:
    return Notification(
        id=1,
        incident_id=7,
        key="7:1:step:sev2:0:0:slack:#radar",
        target="slack:#radar",
        address="#radar",
        label="#radar",
        channels=(),
        subject="INC-7 · Sev2 - Major · Checkout down",
        body="Step 1 of Sev2 - Major",
        state=DeliveryState.PENDING,
        created_at=START,
        next_attempt_at=START,
        facts=(("Reference", "INC-7"), ("Status", "investigating"), ("Acknowledged", "not yet")),
        ack_url="https://radar.example.com/ack/token",
    )


def test_the_cards_buttons_read_back_as_clicks() -> None:
    (actions,) = [b for b in blocks(card(), interactive=True) if b["type"] == "actions"]
    pressed = [
        {"action_id": b["action_id"], "value": b["value"], "type": "button"}
        for b in actions["elements"]
    ]
    body = interaction(
        {
            "type": "block_actions",
            "user": {"id": "U0LAURA01"},
            "response_url": "https://hooks.slack.com/actions/T1/1/x",
            "trigger_id": "1.2.3",
            "actions": pressed,
        }
    )
    url = "https://hooks.slack.com/actions/T1/1/x"
    assert slack.clicks(body) == [
        slack.Click("U0LAURA01", slack.ACKNOWLEDGE, "INC-7", url, "1.2.3"),
        slack.Click("U0LAURA01", slack.RESOLVE, "INC-7", url, "1.2.3"),
        slack.Click("U0LAURA01", slack.UPDATE, "INC-7", url, "1.2.3"),
    ]


def test_a_channel_card_acknowledges_by_action_only_while_it_waits_for_one() -> None:
    def buttons(n: Notification, interactive: bool) -> list[str]:
        found = [b for b in blocks(n, interactive=interactive) if b["type"] == "actions"]
        return [e["action_id"] for e in found[0]["elements"]] if found else []

    n = card()
    assert buttons(n, interactive=True) == ["radar_ack", "radar_resolve", "radar_update"]
    assert buttons(n, interactive=False) == ["radar_ack_link", "radar_resolve"]
    acked = replace(n, facts=(*n.facts[:2], ("Acknowledged", "by Ana")))
    assert buttons(acked, interactive=True) == ["radar_resolve", "radar_update"]
    direct = replace(n, target="engineering_manager", address="U0LAURA01")
    assert buttons(direct, interactive=True) == ["radar_ack_link", "radar_resolve"]


def proposal(reference: str = "INC-7") -> Notification:
    """Radar asks Laura, in a direct message, whether ``reference`` should be Sev1."""
    return replace(
        card(),
        key=f"{reference}:timer-3:engineering_manager",
        target="engineering_manager",
        address="U0LAURA01",
        kind=Kind.PROPOSAL,
        body="Radar proposes Sev1 - Critical instead of imposing it: accept or decline it",
        facts=(("Reference", reference), ("Status", "investigating"), ("Acknowledged", "by Ana")),
        ack_url=None,
    )


def proposal_buttons(n: Notification, interactive: bool = True) -> list[list[tuple[str, str]]]:
    """Each block of proposal buttons: (action_id, label) of each."""
    return [
        [(e["action_id"], e["text"]["text"]) for e in b["elements"]]
        for b in blocks(n, interactive=interactive)
        if b.get("block_id", "").startswith("radar_proposal:")
    ]


def test_a_proposal_offers_accept_and_decline_that_read_back_as_clicks() -> None:
    n = proposal()
    assert proposal_buttons(n) == [
        [("radar_upgrade_accept", "Accept upgrade"), ("radar_upgrade_decline", "Decline")]
    ]
    (buttons,) = [b for b in blocks(n, interactive=True) if b.get("block_id")]
    pressed = [
        {"action_id": e["action_id"], "value": e["value"], "type": "button"}
        for e in buttons["elements"]
    ]
    url = "https://hooks.slack.com/actions/T1/1/x"
    body = interaction(
        {
            "type": "block_actions",
            "user": {"id": "U0LAURA01"},
            "response_url": url,
            "actions": pressed,
        }
    )
    assert slack.clicks(body) == [
        slack.Click("U0LAURA01", slack.ACCEPT_UPGRADE, "INC-7", url),
        slack.Click("U0LAURA01", slack.DECLINE_UPGRADE, "INC-7", url),
    ]


def test_proposals_have_buttons_only_where_slack_sends_the_press() -> None:
    assert proposal_buttons(proposal(), interactive=False) == []  # no app: Open in Radar
    assert proposal_buttons(card()) == []  # a page is no proposal


def test_a_message_about_several_incidents_names_each_proposal() -> None:
    n = bundle((proposal("INC-7"), proposal("INC-8"), card()))
    assert proposal_buttons(n) == [
        [
            ("radar_upgrade_accept", "Accept upgrade of INC-7"),
            ("radar_upgrade_decline", "Decline upgrade of INC-7"),
        ],
        [
            ("radar_upgrade_accept", "Accept upgrade of INC-8"),
            ("radar_upgrade_decline", "Decline upgrade of INC-8"),
        ],
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "view_submission", "user": {"id": "U1"}},
        {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "radar_open"}]},
        {"type": "block_actions", "actions": [{"action_id": "radar_ack", "value": "INC-1"}]},
        {"type": "block_actions", "user": {"id": "U1"}, "actions": "not a list"},
        {"type": "block_actions", "user": "U1", "actions": [{"action_id": "radar_ack"}]},
    ],
)
def test_other_interactions_are_no_clicks(payload: dict[str, object]) -> None:
    assert slack.clicks(interaction(payload)) == []


def message(**event: object) -> dict[str, object]:
    base = {"type": "message", "channel": "C0RADAR", "user": "U0LAURA01", "ts": "2.0"}
    return {"type": "event_callback", "event_id": "Ev1", "event": {**base, **event}}


def test_a_persons_reply_in_a_thread_is_a_human_reply() -> None:
    read = slack.event(message(thread_ts="1.0", text="looking"))
    assert read is not None
    assert read.human
    assert read.is_reply
    assert read.thread_ts == "1.0"
    assert read.event_id == "Ev1"


@pytest.mark.parametrize(
    "event",
    [
        {"thread_ts": "1.0", "bot_id": "B0RADAR"},
        {"thread_ts": "1.0", "subtype": "bot_message"},
        {"thread_ts": "1.0", "subtype": "message_changed"},
        {"thread_ts": "1.0", "subtype": "message_deleted"},
        {"thread_ts": "1.0", "user": None},
    ],
)
def test_bots_edits_and_deletions_are_not_people(event: dict[str, object]) -> None:
    read = slack.event(message(**event))
    assert read is not None
    assert not read.human


def test_a_message_outside_a_thread_or_the_thread_parent_is_no_reply() -> None:
    outside = slack.event(message())
    parent = slack.event(message(thread_ts="2.0"))
    assert outside is not None
    assert not outside.is_reply
    assert parent is not None
    assert not parent.is_reply
    assert slack.event({"type": "event_callback", "event": {"type": "reaction_added"}}) is None


def test_url_verification_gives_its_challenge() -> None:
    assert slack.challenge({"type": "url_verification", "challenge": "3eZbrw1a"}) == "3eZbrw1a"
    assert slack.challenge(message()) is None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/actions/T1/1/x", True),
        ("http://hooks.slack.com/actions/T1/1/x", False),
        ("https://hooks.slack.com.evil.example/x", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("https://proxy.internal:8443/actions/T1", True),  # the configured Web API host
        ("https://proxy.internal/actions/T1", False),
        ("", False),
    ],
)
def test_answers_go_to_slack_or_its_configured_host_only(url: str, allowed: bool) -> None:
    assert slack.response_url_allowed(url, "https://proxy.internal:8443/api/") is allowed


def test_the_manifest_points_slack_at_the_public_url() -> None:
    made = manifest("https://radar.example.com/")
    assert made["settings"]["interactivity"] == {
        "is_enabled": True,
        "request_url": "https://radar.example.com/integrations/slack/interactivity",
    }
    events = made["settings"]["event_subscriptions"]
    assert events["request_url"] == "https://radar.example.com/integrations/slack/events"
    assert set(events["bot_events"]) == {"message.channels", "message.groups", "reaction_added"}
    (command,) = made["features"]["slash_commands"]
    assert (command["command"], command["url"]) == (
        "/radar",
        "https://radar.example.com/integrations/slack/commands",
    )
    scopes = set(made["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "chat:write.public", "channels:history", "groups:history"} <= scopes
    # Incident channels: opened (public or private), found again, people invited.
    assert {"channels:manage", "groups:write", "channels:read", "groups:read"} <= scopes
    (shortcut,) = made["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", "radar_timeline")


# Pins -------------------------------------------------------------------------------------------


def _reaction(**inner: Any) -> dict[str, Any]:
    event = {
        "type": "reaction_added",
        "user": "U0SAM0002",
        "reaction": "pushpin",
        "item": {"type": "message", "channel": "C0INC", "ts": "1.2"},
    } | inner
    return {"type": "event_callback", "event_id": "Ev1", "event": event}


def test_a_pushpin_on_a_message_is_a_pin_to_fetch() -> None:
    pin = slack.reaction(_reaction())
    assert pin is not None
    assert (pin.user, pin.channel, pin.ts, pin.text) == ("U0SAM0002", "C0INC", "1.2", None)
    assert slack.reaction(_reaction(reaction="round_pushpin")) is not None


@pytest.mark.parametrize(
    "inner",
    [
        {"reaction": "eyes"},
        {"item": {"type": "file", "file": "F1"}},
        {"item": "C0INC"},
        {"user": None},
        {"type": "reaction_removed"},
    ],
    ids=["other-reaction", "file", "malformed-item", "no-user", "removed"],
)
def test_other_reactions_are_not_pins(inner: dict[str, Any]) -> None:
    assert slack.reaction(_reaction(**inner)) is None


def test_the_shortcut_carries_the_message_and_where_to_answer() -> None:
    payload = {
        "type": "message_action",
        "callback_id": "radar_timeline",
        "user": {"id": "U0SAM0002"},
        "channel": {"id": "C0RADAR"},
        "message": {"ts": "1.3", "thread_ts": "1.1", "user": "U0LAURA01", "text": "fixed"},
        "response_url": "https://hooks.slack.com/actions/T/1/x",
    }
    pin = slack.shortcut(payload)
    assert pin is not None
    assert (pin.thread_ts, pin.author, pin.text) == ("1.1", "U0LAURA01", "fixed")
    assert slack.shortcut(payload | {"callback_id": "other"}) is None
    assert slack.shortcut(payload | {"message": "fixed"}) is None
