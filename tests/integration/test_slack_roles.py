"""Roles from Slack, through the real endpoints of a real server with Slack's signatures: a
person Radar knows takes the role and the answer names them; a typo, markup or an outsider is
refused with the closest matches, shown as typed; and ``/radar role INC-1 commander`` without a
person opens a modal whose select lists, by name, whom Radar knows (Slack filters it as one
types), which assigns when submitted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from radar.clock import FrozenClock
from radar.domain.roles import Role
from tests.integration.test_slack_commands import PUBLIC_URL, form, say
from tests.integration.test_slack_inbound import Slack, account, kinds, slack_radar
from tests.integration.test_slack_update import opened
from tests.support.recorder import Reply


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    """INC-1 (Checkout down, Sev2) with its card in #radar; Laura may act in Radar."""
    with slack_radar(db_url, clock, public_url=PUBLIC_URL) as s:
        account(s.radar, "laura")
        yield s


def submit(slack: Slack, holder: str | None, kept: str = "INC-1 commander") -> dict[str, Any]:
    picked = {"selected_option": {"value": holder}} if holder is not None else {}
    payload = {
        "type": "view_submission",
        "user": {"id": "U0LAURA01"},
        "view": {
            "id": "V0ROLE",
            "callback_id": "radar_role",
            "private_metadata": kept,
            "state": {"values": {"holder": {"value": picked}}},
        },
    }
    answer = slack.post("interactivity", urlencode({"payload": json.dumps(payload)}).encode())
    assert answer.status_code == 200, answer.text
    said: dict[str, Any] = answer.json()
    return said


def test_the_answer_names_who_now_holds_the_role(slack: Slack) -> None:
    assert say(slack, "role INC-1 commander laura") == (
        "Laura Gómez (laura) is now the commander of INC-1 (Checkout down)."
    )
    assert say(slack, "role deputy <@U0DAVID05>") == (
        "David Costa (david) is now the deputy of INC-1 (Checkout down)."
    )
    assert dict(slack.incident()[0].roles) == {Role.COMMANDER: "laura", Role.DEPUTY: "david"}


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("lara", "INC-1: no person or account 'lara'; did you mean laura (Laura Gómez)? ("),
        ("nobody_here", "INC-1: no person or account 'nobody_here'; who can hold a role: "),
        # Slack sends "<" and ">" typed by people escaped; Radar shows them as typed.
        ("&lt;b&gt;x&lt;/b&gt;", "INC-1: no person or account '&lt;b&gt;x&lt;/b&gt;'; who "),
        ("<@U0STRANGER|joan>", "INC-1: no person or account 'joan'; who can hold a role: "),
    ],
    ids=["typo", "unknown", "markup", "unknown-mention"],
)
def test_someone_radar_does_not_know_is_refused_with_close_matches(
    slack: Slack, typed: str, said: str
) -> None:
    answer = say(slack, f"role INC-1 commander {typed}")
    assert answer.startswith(said)
    assert answer.endswith("(`/radar role INC-1 commander` lists whom Radar knows).")
    incident, timeline = slack.incident()
    assert dict(incident.roles) == {}
    assert kinds(timeline, "role_assigned") == []


def test_without_a_person_a_modal_offers_whom_radar_knows(slack: Slack) -> None:
    asked = slack.post("commands", form("role INC-1 comms"))
    assert (asked.status_code, asked.text) == (200, "")  # the modal is the answer
    (view,) = opened(slack)
    assert (view["callback_id"], view["private_metadata"]) == (
        "radar_role",
        "INC-1 communications_lead",
    )
    (select,) = [b for b in view["blocks"] if b.get("block_id") == "holder"]
    assert select["label"]["text"] == "Who is the communications lead?"
    offered = {o["value"]: o["text"]["text"] for o in select["element"]["options"]}
    assert select["element"]["type"] == "static_select"  # Slack filters it as one types
    assert offered["laura"] == "Laura Gómez (laura)"
    assert offered["sam"] == "Sam Ortega (sam)"

    assert submit(slack, None) == {
        "response_action": "errors",
        "errors": {"holder": "Pick someone."},
    }
    forged = submit(slack, "nobody_here")
    assert forged["errors"]["holder"].startswith("no person or account 'nobody_here'")
    assert submit(slack, "sam", "INC-1 communications_lead") == {"response_action": "clear"}
    incident, timeline = slack.incident()
    assert dict(incident.roles) == {Role.COMMUNICATIONS_LEAD: "sam"}
    (given,) = kinds(timeline, "role_assigned")
    assert (given.actor, given.via) == ("Laura Gómez", "slack")


def test_slack_failing_to_open_the_modal_says_how_to_name_someone(slack: Slack) -> None:
    slack.api.by_path["/api/views.open"] = Reply(body={"ok": False, "error": "expired_trigger_id"})
    assert say(slack, "role commander") == (
        "Slack did not open the form: name who takes it: `/radar role INC-1 commander <@person>`."
    )
