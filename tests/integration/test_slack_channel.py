"""An incident's own Slack channel: opened through the outbox when a level the policy names is
declared, its people invited and its topic kept current, status updates posted in it, and a
person's message there counting as a response. Pins (a :pushpin: or the message shortcut) put
messages on the timeline. Slack's Web API is a loopback server recording what Radar's real
slack_sdk client sent; the clock is frozen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.roles import Role
from radar.server import create_app as create_server
from radar.services.incidents import Declaration
from tests.conftest import EXAMPLE_POLICY
from tests.integration.test_slack_inbound import (
    CARD_TS,
    LAURA,
    Slack,
    account,
    kinds,
    slack_radar,
)
from tests.support.live import serve
from tests.support.radar import ANA, run_engine
from tests.support.recorder import Reply
from tests.web.conftest import PASSWORD, sign_in

CHANNEL = "C0INC0001"
OPENED = Reply(body={"ok": True, "channel": {"id": CHANNEL, "name": "inc-1-checkout-down"}})
POLICY = EXAMPLE_POLICY.read_text() + "\nslack:\n  incident_channel:\n    levels: [sev1, sev2]\n"
ANA_SLACK, SAM, MARIA = "U0ANA0004", "U0SAM0002", "U0MARIA03"


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    """Radar whose policy gives Sev1 and Sev2 a channel; INC-1, a Sev2 on checkout, declared
    by Ana, with its channel opened and its card in #radar."""
    with slack_radar(db_url, clock, declare=False) as s:
        s.api.by_path["/api/conversations.create"] = OPENED
        s.radar.policies.apply(POLICY, filename="policy.yaml", author="test")
        s.radar.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
        run_engine(s.radar)
        yield s


def calls(slack: Slack, method: str) -> list[dict[str, list[str]]]:
    """The forms of Radar's calls to one Web API method, in order."""
    return [r.form() for r in slack.api.requests if r.path == f"/api/{method}"]


def posted_in(slack: Slack, channel: str) -> list[dict[str, Any]]:
    return [
        r.json()
        for r in slack.api.requests
        if r.path == "/api/chat.postMessage" and r.json()["channel"] == channel
    ]


def test_a_sev2_gets_its_channel_with_its_people_a_topic_and_its_card(slack: Slack) -> None:
    (created,) = calls(slack, "conversations.create")
    assert created["name"] == ["inc-1-checkout-down"]
    assert created["is_private"] == ["0"]
    (invited,) = calls(slack, "conversations.invite")
    assert invited["channel"] == [CHANNEL]
    # Ana reported it; Payments owns checkout: Laura (manager), Sam (team lead), María (owner).
    assert set(invited["users"][0].split(",")) == {ANA_SLACK, LAURA, SAM, MARIA}
    (topic,) = calls(slack, "conversations.setTopic")
    assert topic["topic"] == [
        "INC-1 · Sev2 - Major · reported · not acknowledged · service checkout"
    ]
    (card,) = posted_in(slack, CHANNEL)
    assert card["text"].startswith("INC-1 · Sev2 - Major · Checkout down")
    _, timeline = slack.incident()
    (note,) = kinds(timeline, "slack_channel")
    assert note.message == (
        "Opened the Slack channel #inc-1-checkout-down for the incident and invited 4 people"
    )


def test_the_topic_follows_the_incident_and_new_role_holders_are_invited(slack: Slack) -> None:
    slack.radar.incidents.acknowledge(ANA, "INC-1")
    slack.radar.incidents.assign_role(ANA, "INC-1", role=Role.COMMANDER, assignee="david")
    slack.clock.advance(timedelta(seconds=5))
    run_engine(slack.radar)
    topics = [t["topic"][0] for t in calls(slack, "conversations.setTopic")]
    # The acknowledgement and the role came in one engine pass: one update, the latest state.
    assert topics[-1] == (
        "INC-1 · Sev2 - Major · reported · acknowledged by Ana · commander david · service checkout"
    )
    assert len(calls(slack, "conversations.create")) == 1  # the same channel, kept
    assert "U0DAVID05" in calls(slack, "conversations.invite")[-1]["users"][0].split(",")


def test_a_status_update_is_posted_in_the_channel(slack: Slack) -> None:
    slack.radar.incidents.post_update(ANA, "INC-1", message="Rolling back the deploy.")
    run_engine(slack.radar)
    update = posted_in(slack, CHANNEL)[-1]
    assert update["text"] == "INC-1 · Internal update from Ana\nRolling back the deploy."


def test_a_message_in_the_channel_is_a_response(slack: Slack) -> None:
    assert slack.reply("Ev0100", channel=CHANNEL, thread_ts=None).status_code == 200
    incident, timeline = slack.incident()
    assert incident.acknowledgement is not None
    assert incident.acknowledgement.by == "Laura Gómez"
    (note,) = kinds(timeline, "slack_reply")
    assert note.message == "Laura Gómez wrote in the incident's Slack channel: a response"
    slack.clock.advance(timedelta(minutes=11))
    run_engine(slack.radar)
    told = slack.radar.engine.plan(ANA, "INC-1").notifications
    assert [n.target for n in told] == ["slack:#radar"]  # nobody was called


def test_a_sev3_gets_no_channel_until_it_becomes_a_sev2(slack: Slack) -> None:
    small = slack.radar.incidents.declare(
        ANA, Declaration("Search slow", "checkout", "sev3", description="p99 up")
    )
    run_engine(slack.radar)
    assert len(calls(slack, "conversations.create")) == 1  # INC-1's only
    slack.api.by_path["/api/conversations.create"] = Reply(
        body={"ok": True, "channel": {"id": "C0INC0002", "name": "inc-2-search-slow"}}
    )
    slack.radar.incidents.change_severity(ANA, small.reference, severity="sev2", reason="worse")
    run_engine(slack.radar)
    assert calls(slack, "conversations.create")[-1]["name"] == ["inc-2-search-slow"]


def test_a_restricted_incidents_channel_is_private_and_keeps_the_title_out(
    slack: Slack,
) -> None:
    slack.api.by_path["/api/conversations.create"] = Reply(
        body={"ok": True, "channel": {"id": "C0INC0002", "name": "inc-2"}}
    )
    slack.radar.incidents.declare(
        ANA, Declaration("Card data exposed", "checkout", "sev2", restricted=True)
    )
    run_engine(slack.radar)
    created = calls(slack, "conversations.create")[-1]
    assert (created["name"], created["is_private"]) == (["inc-2"], ["1"])
    invited = calls(slack, "conversations.invite")[-1]
    assert invited["users"] == [ANA_SLACK]  # its reporter: not the whole team
    assert "Card data" not in json.dumps([r.body.decode() for r in slack.api.requests[-4:]])


def test_slack_down_delays_the_channel_and_loses_nothing(db_url: str, clock: FrozenClock) -> None:
    with slack_radar(db_url, clock, declare=False) as slack:
        slack.radar.policies.apply(POLICY, filename="policy.yaml", author="test")
        down = Reply(status=503, body={"ok": False, "error": "service_unavailable"})
        slack.api.by_path["/api/conversations.create"] = down
        slack.radar.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
        run_engine(slack.radar)
        # The incident stands, and changes go on while Slack is down.
        slack.radar.incidents.post_update(ANA, "INC-1", message="Still looking.")
        slack.radar.incidents.acknowledge(ANA, "INC-1")
        run_engine(slack.radar)
        assert slack.incident()[0].acknowledgement is not None
        assert calls(slack, "conversations.setTopic") == []
        slack.api.by_path["/api/conversations.create"] = OPENED
        slack.clock.advance(timedelta(minutes=2))
        run_engine(slack.radar)
        # Tried while Slack was down, then opened once: one invitation, one topic (the latest
        # state), one card, and the update that waited for it.
        assert len(calls(slack, "conversations.invite")) == 1
        (topic,) = calls(slack, "conversations.setTopic")
        assert "acknowledged by Ana" in topic["topic"][0]
        slack.clock.advance(timedelta(seconds=5))  # the update waits while the channel opens
        run_engine(slack.radar)
        card, update = [m["text"] for m in posted_in(slack, CHANNEL)]
        assert card.startswith("INC-1 · Sev2 - Major · Checkout down")
        assert update == "INC-1 · Internal update from Ana\nStill looking."
        assert len(kinds(slack.incident()[1], "slack_channel")) == 1


def test_a_resend_after_a_crash_finds_the_channel_by_its_name(
    db_url: str, clock: FrozenClock
) -> None:
    with slack_radar(db_url, clock, declare=False) as slack:
        slack.radar.policies.apply(POLICY, filename="policy.yaml", author="test")
        slack.api.by_path["/api/conversations.create"] = Reply(
            body={"ok": False, "error": "name_taken"}
        )
        slack.api.by_path["/api/conversations.list"] = Reply(
            body={
                "ok": True,
                "channels": [
                    {"id": "C0OTHER", "name": "general"},
                    {"id": CHANNEL, "name": "inc-1-checkout-down"},
                ],
                "response_metadata": {"next_cursor": ""},
            }
        )
        slack.radar.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
        run_engine(slack.radar)
        assert len(calls(slack, "conversations.setTopic")) == 1
        assert calls(slack, "conversations.setTopic")[0]["channel"] == [CHANNEL]
        assert posted_in(slack, CHANNEL) == []  # its card was posted the first time
        slack.radar.incidents.post_update(ANA, "INC-1", message="Found it.")
        run_engine(slack.radar)
        assert [m["text"] for m in posted_in(slack, CHANNEL)] == [
            "INC-1 · Internal update from Ana\nFound it."
        ]


# Pins -------------------------------------------------------------------------------------------


def pushpin(slack: Slack, event_id: str, ts: str, user: str = SAM) -> int:
    event = {
        "type": "reaction_added",
        "user": user,
        "reaction": "pushpin",
        "item": {"type": "message", "channel": CHANNEL, "ts": ts},
        "item_user": LAURA,
        "event_ts": "1764237900.000100",
    }
    body = {"type": "event_callback", "event_id": event_id, "event": event}
    return slack.post("events", json.dumps(body).encode()).status_code


def history(ts: str, text: str, user: str = LAURA) -> Reply:
    return Reply(body={"ok": True, "messages": [{"ts": ts, "user": user, "text": text}]})


def test_a_pushpin_puts_the_message_on_the_timeline_once(slack: Slack) -> None:
    ts = "1764237850.000100"
    slack.api.by_path["/api/conversations.history"] = history(ts, "The deploy at 10:02 did it.")
    assert pushpin(slack, "Ev0200", ts) == 200
    assert pushpin(slack, "Ev0200", ts) == 200  # Slack sending it again
    assert pushpin(slack, "Ev0201", ts, user=ANA_SLACK) == 200  # a second person pins it
    _, timeline = slack.incident()
    (pinned,) = kinds(timeline, "slack_message")
    assert (pinned.actor, pinned.via) == ("Sam Ortega", "slack")
    assert pinned.message == "Laura Gómez in Slack: The deploy at 10:02 did it."


def test_a_pushpin_on_a_reply_in_a_thread_is_found_among_the_replies(slack: Slack) -> None:
    ts = "1764237860.000300"
    slack.api.by_path["/api/conversations.history"] = history("1764237800.000100", "parent")
    slack.api.by_path["/api/conversations.replies"] = Reply(
        body={
            "ok": True,
            "messages": [
                {"ts": "1764237800.000100", "user": SAM, "text": "parent"},
                {"ts": ts, "user": LAURA, "text": "Rolled back at 10:15."},
            ],
        }
    )
    assert pushpin(slack, "Ev0210", ts) == 200
    _, timeline = slack.incident()
    assert [e.message for e in kinds(timeline, "slack_message")] == [
        "Laura Gómez in Slack: Rolled back at 10:15."
    ]


def test_slack_failing_to_give_the_text_asks_slack_to_send_the_event_again(
    slack: Slack,
) -> None:
    ts = "1764237870.000100"
    slack.api.by_path["/api/conversations.history"] = Reply(
        status=503, body={"ok": False, "error": "service_unavailable"}
    )
    assert pushpin(slack, "Ev0220", ts) == 503
    assert kinds(slack.incident()[1], "slack_message") == []
    slack.api.by_path["/api/conversations.history"] = history(ts, "Root cause: cache TTL.")
    assert pushpin(slack, "Ev0220", ts) == 200  # Slack's retry
    assert len(kinds(slack.incident()[1], "slack_message")) == 1


def test_other_reactions_and_channels_are_not_pins(slack: Slack) -> None:
    ts = "1764237880.000100"
    slack.api.by_path["/api/conversations.history"] = history(ts, "lol")
    event = {
        "type": "reaction_added",
        "user": SAM,
        "reaction": "thumbsup",
        "item": {"type": "message", "channel": CHANNEL, "ts": ts},
    }
    slack.post(
        "events",
        json.dumps({"type": "event_callback", "event_id": "Ev0230", "event": event}).encode(),
    )
    event |= {"reaction": "pushpin", "item": {"type": "message", "channel": "C0RANDOM", "ts": ts}}
    slack.post(
        "events",
        json.dumps({"type": "event_callback", "event_id": "Ev0231", "event": event}).encode(),
    )
    assert kinds(slack.incident()[1], "slack_message") == []
    assert calls(slack, "conversations.history") == []  # nothing worth asking Slack about


def shortcut(slack: Slack, channel: str, message: dict[str, Any], user: str = SAM) -> bytes:
    payload = {
        "type": "message_action",
        "callback_id": "radar_timeline",
        "user": {"id": user},
        "channel": {"id": channel},
        "message": message,
        "response_url": f"{slack.api.url}/actions/T0/{len(slack.api.requests)}/x",
        "trigger_id": "1.2.3",
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def test_the_shortcut_adds_a_message_in_the_cards_thread(slack: Slack) -> None:
    reply = {"ts": "1764237890.000100", "thread_ts": CARD_TS, "user": LAURA, "text": "DB failover."}
    for _ in range(2):
        assert slack.post("interactivity", shortcut(slack, "C0RADAR", reply)).status_code == 200
    _, timeline = slack.incident()
    assert [e.message for e in kinds(timeline, "slack_message")] == [
        "Laura Gómez in Slack: DB failover."
    ]
    assert sorted(slack.answers(2)) == [
        "Added to INC-1's timeline.",
        "That message is on INC-1's timeline already.",
    ]


def test_the_shortcut_elsewhere_says_it_cannot_tell_the_incident(slack: Slack) -> None:
    message = {"ts": "1764237895.000100", "user": LAURA, "text": "lunch?"}
    slack.post("interactivity", shortcut(slack, "C0RANDOM", message))
    (said,) = slack.answers(1)
    assert said.startswith("That message is not in an incident's Slack channel")
    assert kinds(slack.incident()[1], "slack_message") == []


def test_a_restricted_incident_takes_pins_only_from_its_participants(slack: Slack) -> None:
    account(slack.radar, "laura")
    slack.api.by_path["/api/conversations.create"] = Reply(
        body={"ok": True, "channel": {"id": "C0SECRET", "name": "inc-2"}}
    )
    secret = slack.radar.incidents.declare(
        ANA, Declaration("Card data exposed", "checkout", "sev2", restricted=True)
    )
    run_engine(slack.radar)
    message = {"ts": "1764237897.000100", "user": SAM, "text": "Keys rotated."}
    slack.post("interactivity", shortcut(slack, "C0SECRET", message, user=LAURA))
    assert kinds(slack.radar.incidents.get(ANA, secret.reference).timeline, "slack_message") == []
    slack.radar.incidents.add_participant(ANA, secret.reference, "laura")
    slack.post("interactivity", shortcut(slack, "C0SECRET", message, user=LAURA))
    timeline = slack.radar.incidents.get(ANA, secret.reference).timeline
    assert [e.message for e in kinds(timeline, "slack_message")] == [
        "Sam Ortega in Slack: Keys rotated."
    ]


def test_people_the_policy_knows_only_by_email_are_invited_by_it(
    db_url: str, clock: FrozenClock
) -> None:
    with slack_radar(db_url, clock, declare=False) as slack:
        without_id = POLICY.replace("    slack: U0SAM0002\n", "")  # Sam: an email address only
        slack.radar.policies.apply(without_id, filename="policy.yaml", author="test")
        slack.api.by_path["/api/conversations.create"] = OPENED
        slack.api.by_path["/api/users.lookupByEmail"] = Reply(
            body={"ok": True, "user": {"id": "U0SAMNEW1"}}
        )
        slack.radar.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
        run_engine(slack.radar)
        (looked_up,) = calls(slack, "users.lookupByEmail")
        assert looked_up["email"] == ["sam@example.com"]
        (invited,) = calls(slack, "conversations.invite")
        assert set(invited["users"][0].split(",")) == {ANA_SLACK, LAURA, MARIA, "U0SAMNEW1"}


def test_the_channel_is_archived_when_the_incident_is_closed(slack: Slack) -> None:
    slack.radar.incidents.resolve(ANA, "INC-1", summary="Rolled back.")
    run_engine(slack.radar)
    assert calls(slack, "conversations.archive") == []  # resolved: people still talk there
    slack.radar.incidents.close(ANA, "INC-1")
    slack.clock.advance(timedelta(seconds=5))
    run_engine(slack.radar)
    (archived,) = calls(slack, "conversations.archive")
    assert archived["channel"] == [CHANNEL]
    assert "closed" in calls(slack, "conversations.setTopic")[-1]["topic"][0]
    notes = [e.message for e in kinds(slack.incident()[1], "slack_channel")]
    assert notes[-1] == "Archived the Slack channel #inc-1-checkout-down: the incident is over"


def test_the_policy_can_keep_channels_open(db_url: str, clock: FrozenClock) -> None:
    with slack_radar(db_url, clock, declare=False) as slack:
        kept = POLICY + "    archive_when_closed: false\n"
        slack.radar.policies.apply(kept, filename="policy.yaml", author="test")
        slack.api.by_path["/api/conversations.create"] = OPENED
        slack.radar.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
        slack.radar.incidents.resolve(ANA, "INC-1", summary="Rolled back.")
        slack.radar.incidents.close(ANA, "INC-1")
        run_engine(slack.radar)
        assert calls(slack, "conversations.archive") == []


def test_the_incidents_page_links_to_its_channel(slack: Slack) -> None:
    slack.radar.accounts.create_user(
        "maria", role=UserRole.RESPONDER, display_name="María Ruiz", password=PASSWORD
    )
    with serve(create_server(slack.radar)) as url:
        web = sign_in(url)
        try:
            page = web.get("/incidents/INC-1").text
            assert (
                '<a href="https://slack.com/app_redirect?channel=C0INC0001" rel="noopener">'
                "#inc-1-checkout-down</a>"
            ) in page
            slack.radar.incidents.declare(ANA, Declaration("Search slow", "catalog", "sev3"))
            assert 'id="slack-channel"' not in web.get("/incidents/INC-2").text  # none: a Sev3
        finally:
            web.close()
