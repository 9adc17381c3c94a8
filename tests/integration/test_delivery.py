"""Delivery as people notice it: one Slack card per incident kept current, what piles up for a
recipient sent as one message, and every try on the incident's timeline and plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from radar.clock import FrozenClock
from radar.services.incidents import Declaration
from radar.settings import Settings
from tests.conftest import START
from tests.support.radar import ANA, radar_with, run_engine
from tests.support.recorder import Recorder, Reply, recording

POSTED = {"ok": True, "channel": "C0RADAR", "ts": "1764237600.000100"}


@pytest.fixture
def slack_api() -> Iterator[Recorder]:
    with recording() as rec:
        rec.default = Reply(body=POSTED)
        yield rec


def settings_for(tmp_path: Path, slack_api: Recorder) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'radar.db'}",
        slack_bot_token="xoxb-d",
        slack_api_url=slack_api.url + "/api/",
    )


def test_the_incidents_card_in_radar_is_updated_in_place(
    slack_api: Recorder, tmp_path: Path
) -> None:
    clock = FrozenClock(START)
    with radar_with(settings_for(tmp_path, slack_api), clock) as c:
        run_engine(c)
        assert slack_api.paths() == ["/api/chat.postMessage"]
        clock.advance(timedelta(minutes=2))
        c.incidents.acknowledge(ANA, "INC-1")
        run_engine(c)
        assert slack_api.paths() == ["/api/chat.postMessage", "/api/chat.update"]
        update = slack_api.requests[-1].json()
        assert (update["channel"], update["ts"]) == ("C0RADAR", "1764237600.000100")
        assert "acknowledged by Ana" in update["text"]
        fields = str(update["blocks"])
        assert "*Acknowledged*\\nby Ana" in fields
        assert "radar_resolve" in fields
        c.incidents.resolve(ANA, "INC-1", summary="Rolled back")
        run_engine(c)
        assert slack_api.paths()[2:] == ["/api/chat.update"]
        resolved = slack_api.requests[-1].json()
        assert "Status: resolved" in resolved["text"]
        assert "radar_resolve" not in str(resolved["blocks"])
        # Nothing new was posted: the channel still has the one message, now current.
        assert slack_api.paths().count("/api/chat.postMessage") == 1


def test_only_the_latest_card_is_sent_when_changes_pile_up(
    slack_api: Recorder, tmp_path: Path
) -> None:
    clock = FrozenClock(START)
    with radar_with(settings_for(tmp_path, slack_api), clock) as c:
        run_engine(c)
        c.incidents.acknowledge(ANA, "INC-1")
        clock.advance(timedelta(seconds=1))
        c.incidents.resolve(ANA, "INC-1", summary="Rolled back")
        run_engine(c)
        updates = [r.json() for r in slack_api.requests if r.path == "/api/chat.update"]
        assert [u["text"].splitlines()[-1] for u in updates] == [
            "Status: resolved · acknowledged by Ana"
        ]


def test_messages_that_pile_up_for_a_channel_go_as_one(slack_api: Recorder, tmp_path: Path) -> None:
    clock = FrozenClock(START)
    with radar_with(settings_for(tmp_path, slack_api), clock) as c:
        c.incidents.declare(ANA, Declaration("Search slow", "catalog", "sev2"))
        run_engine(c)
        # Two incidents for #radar at once: one message, both in it.
        (first,) = [r.json() for r in slack_api.requests]
        assert first["text"].startswith("2 notifications from Radar")
        assert "INC-1" in first["text"]
        assert "INC-2" in first["text"]
        # A third half a second later waits for the channel's window, then goes.
        clock.advance(timedelta(milliseconds=500))
        c.incidents.declare(ANA, Declaration("Login errors", "checkout", "sev2"))
        run_engine(c)
        assert len(slack_api.requests) == 1
        clock.advance(timedelta(milliseconds=500))
        run_engine(c)
        assert len(slack_api.requests) == 2
        assert "INC-3" in slack_api.requests[1].json()["text"]
        story = [e.message for e in c.incidents.get(ANA, "INC-2").timeline if e.kind == "delivery"]
        assert story == [
            "Posted in #radar on Slack, in one message with 1 other notification (about INC-1)"
        ]


def test_each_try_is_kept_with_the_provider_id(slack_api: Recorder, tmp_path: Path) -> None:
    clock = FrozenClock(START)
    slack_api.replies = [Reply(status=500, body={"ok": False, "error": "internal_error"})]
    with radar_with(settings_for(tmp_path, slack_api), clock) as c:
        run_engine(c)
        clock.advance(timedelta(seconds=40))
        run_engine(c)
        (n,) = c.engine.plan(ANA, "INC-1").notifications
        history = c.engine.plan(ANA, "INC-1").attempts[n.id]
        assert [(a.channel, a.outcome) for a in history] == [
            ("slack", "failed"),
            ("slack", "sent"),
        ]
        assert history[0].detail == "Slack: internal_error"
        assert n.provider_id == history[1].provider_id == "C0RADAR:1764237600.000100"
        story = [e.message for e in c.incidents.get(ANA, "INC-1").timeline if e.kind == "delivery"]
        assert story == ["Posted in #radar on Slack (40 s after Radar decided to)"]


def test_apprise_urls_reach_what_they_name(tmp_path: Path) -> None:
    with recording() as hook:
        named = json.dumps({"ops": [f"json://127.0.0.1:{hook.url.rsplit(':', 1)[1]}/hook"]})
        settings = Settings(database_url=f"sqlite:///{tmp_path / 'radar.db'}", apprise_urls=named)
        with radar_with(settings, declare=False) as c:
            sent = c.notifications.test("apprise:ops")
            assert (sent.sent_through, sent.problem) == ("apprise", None)
            missing = c.notifications.test("apprise:teams")
            assert (
                missing.problem
                == "not sent: apprise: RADAR_APPRISE_URLS names no 'teams'; it has: ops"
            )
    (request,) = hook.requests
    assert request.path == "/hook"
    body = request.json()
    assert body["title"] == "[TEST] Radar test notification"
    assert body["message"].startswith("If you can read this, Radar reaches ops this way.")


def test_apprise_urls_must_be_json_naming_urls() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        Settings(apprise_urls="teams=msteams://x")
    with pytest.raises(ValueError, match="ops: give an Apprise URL"):
        Settings(apprise_urls='{"ops": "not a url"}')
