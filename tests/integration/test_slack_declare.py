"""``/radar declare`` opens a modal through Slack's ``views.open``; submitting it declares, as the
person who submitted it. Signed requests to the real endpoints of a real server; Slack's Web API
is the recording loopback server of ``test_slack_inbound``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlencode

import pytest

from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.errors import NotFound
from tests.integration.test_slack_commands import PUBLIC_URL, UNKNOWN, form
from tests.integration.test_slack_inbound import LAURA, Slack, account, kinds, slack_radar
from tests.support.radar import run_engine
from tests.support.recorder import Reply

TRIGGER = "13345224609.738474920.8088930838d88f008e0"  # the trigger id of ``form``
LINK = f"Declare an incident on Radar's report page, with the severity guide: {PUBLIC_URL}/report"


def declaring_radar(
    db_url: str, clock: FrozenClock, **overrides: Any
) -> AbstractContextManager[Slack]:
    """Radar with its Slack app and no incident yet."""
    return slack_radar(db_url, clock, declare=False, **{"public_url": PUBLIC_URL} | overrides)


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    with declaring_radar(db_url, clock) as s:
        yield s


def submit(slack: Slack, user: str = LAURA, **values: Any) -> dict[str, Any]:
    """The declare modal submitted by ``user``; Slack's answer (HTTP 200, JSON)."""
    state = {
        "title": {"value": {"type": "plain_text_input", "value": values.get("title")}},
        "service": {"value": {"selected_option": {"value": values.get("service", "checkout")}}},
        "severity": {"value": {"selected_option": {"value": values.get("severity", "sev2")}}},
        "description": {"value": {"value": values.get("description")}},
        "restricted": {"value": {"selected_options": []}},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": user, "username": user.lower()},
        "view": {"id": "V0DECLARE", "callback_id": "radar_declare", "state": {"values": state}},
    }
    answer = slack.post("interactivity", urlencode({"payload": json.dumps(payload)}).encode())
    assert answer.status_code == 200, answer.text
    said: dict[str, Any] = answer.json()
    return said


def no_incident(slack: Slack) -> bool:
    try:
        slack.incident("INC-1")
    except NotFound:
        return True
    return False


def test_declare_opens_the_modal_with_the_policys_services_and_levels(slack: Slack) -> None:
    account(slack.radar, "laura")
    answer = slack.post("commands", form("declare"))
    assert (answer.status_code, answer.content) == (200, b"")
    (opened,) = [r for r in slack.api.requests if r.path == "/api/views.open"]
    sent = opened.json()
    assert sent["trigger_id"] == TRIGGER
    view = sent["view"] if isinstance(sent["view"], dict) else json.loads(sent["view"])
    assert view["callback_id"] == "radar_declare"
    by_block = {b.get("block_id"): b for b in view["blocks"]}
    services = [o["value"] for o in by_block["service"]["element"]["options"]]
    levels = [o["value"] for o in by_block["severity"]["element"]["options"]]
    assert services == ["checkout", "accounts", "catalog", "notifications"]
    assert levels == ["sev1", "sev2", "sev3", "sev4"]


def test_slack_failing_views_open_answers_with_the_link(slack: Slack) -> None:
    account(slack.radar, "laura")
    slack.api.replies.append(Reply(status=500, body={"ok": False, "error": "internal_error"}))
    answer = slack.post("commands", form("declare"))
    assert answer.status_code == 200
    assert answer.json() == {"response_type": "ephemeral", "text": LINK}
    assert slack.api.paths() == ["/api/views.open"]


def test_a_submission_declares_as_the_person_and_the_card_goes_out(slack: Slack) -> None:
    account(slack.radar, "laura")
    said = submit(slack, title="Checkout down", service="checkout", severity="sev2")
    assert said == {"response_action": "clear"}
    incident, timeline = slack.incident("INC-1")
    assert (incident.title, incident.service, incident.severity) == (
        "Checkout down",
        "checkout",
        "sev2",
    )
    (declared,) = kinds(timeline, "declared")
    assert (declared.actor, declared.via) == ("Laura Gómez", "slack")
    assert slack.api.requests == []  # Slack hears of it through the outbox, not the request
    run_engine(slack.radar)
    posts = [r.json() for r in slack.api.requests if r.path == "/api/chat.postMessage"]
    assert any(p["channel"] == "#radar" and "Checkout down" in p["text"] for p in posts), posts


def test_a_submission_without_a_title_declares_nothing(slack: Slack) -> None:
    account(slack.radar, "laura")
    said = submit(slack, title=None)
    assert said["response_action"] == "errors"
    assert set(said["errors"]) == {"title"}
    assert no_incident(slack)


def test_an_unmapped_user_is_refused_on_the_modal(slack: Slack) -> None:
    said = submit(slack, user="U0NOBODY9", title="Checkout down")
    assert said == {"response_action": "errors", "errors": {"title": UNKNOWN}}
    assert no_incident(slack)


def test_a_viewer_declares_only_where_viewers_may_report(db_url: str, clock: FrozenClock) -> None:
    with declaring_radar(db_url, clock, viewers_may_report=False) as slack:
        account(slack.radar, "laura", UserRole.VIEWER)
        said = submit(slack, title="Checkout down")
        assert said["response_action"] == "errors"
        assert said["errors"]["title"].startswith("Radar did not let you do that: ")
        assert no_incident(slack)


def test_a_viewer_declares_by_default(slack: Slack) -> None:
    account(slack.radar, "laura", UserRole.VIEWER)
    assert submit(slack, title="Checkout down") == {"response_action": "clear"}
    assert slack.incident("INC-1")[0].title == "Checkout down"


def test_an_unknown_service_is_named_on_its_block(slack: Slack) -> None:
    account(slack.radar, "laura")
    said = submit(slack, title="Checkout down", service="nope")
    assert said["response_action"] == "errors"
    assert list(said["errors"]) == ["service"]
    assert no_incident(slack)
