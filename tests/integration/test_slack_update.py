"""*Post update* on Radar's card opens the update modal (``views.open``); submitting it posts the
update as the person, with its visibility and an optional status change. Signed requests to
the real endpoints of a real server; Slack's Web API is the recording loopback server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest

from radar.clock import FrozenClock
from radar.domain.access import UserRole
from tests.integration.test_slack_inbound import LAURA, Slack, account, kinds, slack_radar
from tests.support.radar import run_engine
from tests.support.recorder import Reply

TRIGGER = "13345224609.738474920.8088930838d88f008e0"


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    """INC-1, a Sev2, with its card in #radar."""
    with slack_radar(db_url, clock) as s:
        yield s


def press_update(slack: Slack, user: str = LAURA, reference: str = "INC-1") -> int:
    """*Post update* pressed on the card, with the trigger id that lets Radar open a modal."""
    body = slack.click("radar_update", reference, user)
    data = json.loads(parse_qs(body.decode())["payload"][0])
    data["trigger_id"] = TRIGGER
    return slack.post(
        "interactivity", urlencode({"payload": json.dumps(data)}).encode()
    ).status_code


def opened(slack: Slack) -> list[dict[str, Any]]:
    views = []
    for r in slack.api.requests:
        if r.path == "/api/views.open":
            sent = r.json()
            views.append(
                sent["view"] if isinstance(sent["view"], dict) else json.loads(sent["view"])
            )
    return views


def submit(
    slack: Slack,
    message: str | None,
    *,
    public: bool = False,
    status: str = "unchanged",
    user: str = LAURA,
    reference: str = "INC-1",
) -> dict[str, Any]:
    state = {
        "message": {"value": {"type": "plain_text_input", "value": message}},
        "visibility": {"value": {"selected_option": {"value": "public" if public else "internal"}}},
        "status": {"value": {"selected_option": {"value": status}}},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": user},
        "view": {
            "id": "V0UPDATE",
            "callback_id": "radar_update",
            "private_metadata": reference,
            "state": {"values": state},
        },
    }
    answer = slack.post("interactivity", urlencode({"payload": json.dumps(payload)}).encode())
    assert answer.status_code == 200, answer.text
    said: dict[str, Any] = answer.json()
    return said


def test_post_update_opens_the_modal_for_that_incident(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert press_update(slack) == 200
    (view,) = opened(slack)
    assert (view["callback_id"], view["private_metadata"]) == ("radar_update", "INC-1")
    by_block = {b.get("block_id"): b for b in view["blocks"]}
    statuses = [o["value"] for o in by_block["status"]["element"]["options"]]
    assert statuses == ["unchanged", "identified", "investigating", "monitoring"]
    assert slack.answers(0) == []  # the modal is the answer


def test_submitting_posts_the_update_as_the_person_once(slack: Slack) -> None:
    account(slack.radar, "laura")
    said = submit(
        slack, "Payments provider degraded; failing over.", public=True, status="identified"
    )
    assert said == {"response_action": "clear"}
    incident, timeline = slack.incident()
    assert incident.status == "identified"
    (update,) = kinds(timeline, "update_posted")
    assert (update.actor, update.via, update.visibility) == ("Laura Gómez", "slack", "public")
    assert update.message == "Payments provider degraded; failing over."
    run_engine(slack.radar)  # the card in #radar is brought up to date
    assert "identified" in slack.api.requests[-1].json()["text"]


def test_the_modal_names_what_is_wrong_and_nothing_is_posted(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert submit(slack, "  ") == {
        "response_action": "errors",
        "errors": {"message": "Write the update."},
    }
    assert submit(slack, "ok", status="exploded")["errors"] == {
        "status": "Radar has no status 'exploded'."
    }
    said = submit(slack, "ok", status="closed")  # not from "reported"
    assert list(said["errors"]) == ["status"]
    assert kinds(slack.incident()[1], "update_posted") == []


def test_a_viewer_is_told_and_no_modal_opens(slack: Slack) -> None:
    account(slack.radar, "laura", UserRole.VIEWER)
    press_update(slack)
    assert opened(slack) == []
    (said,) = slack.answers(1)
    assert said.startswith("Radar did not let you do that: laura is a viewer")


def test_slack_failing_to_open_the_modal_says_so(slack: Slack) -> None:
    account(slack.radar, "laura")
    slack.api.by_path["/api/views.open"] = Reply(body={"ok": False, "error": "expired_trigger_id"})
    press_update(slack)
    (said,) = slack.answers(1)
    assert said == "Slack did not open the form: post the update in Radar (INC-1)."
