"""The ``/radar declare`` modal, built from the policy, and its submission read back."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from radar.integrations.slack_views import DECLARE, Submission, declare_view, submission
from radar.policyfile import load

POLICY = load.load((Path(__file__).parents[2] / "examples" / "policy.yaml").read_text(), "p")


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    (found,) = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return found


def test_the_modal_offers_the_policys_services_and_levels() -> None:
    view = declare_view(POLICY)
    assert (view["type"], view["callback_id"]) == ("modal", DECLARE)
    services = block(view, "service")["element"]["options"]
    assert [o["value"] for o in services] == ["checkout", "accounts", "catalog", "notifications"]
    levels = block(view, "severity")["element"]["options"]
    assert [o["value"] for o in levels] == ["sev1", "sev2", "sev3", "sev4"]
    sev1 = POLICY.severities[0]
    assert levels[0]["description"]["text"].startswith(" ".join(sev1.definition.split())[:40])
    assert block(view, "title")["element"]["type"] == "plain_text_input"
    assert block(view, "description")["optional"] is True
    assert block(view, "restricted")["element"]["type"] == "checkboxes"


def test_the_modal_shows_each_levels_examples_and_the_whole_guide() -> None:
    view = declare_view(POLICY)
    context = [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]
    text = "\n".join(context)
    for level in POLICY.severities:
        for example in level.examples:
            assert example in text
    assert POLICY.guide is not None
    for question in POLICY.guide.questions:
        assert question.text in text
        for answer in question.answers:
            assert answer.label in text
    # Numbered in the order a reporter meets them; an answer that leads on says where.
    assert "*1.* " + POLICY.guide.question("harm").text in text
    assert "*2.* " + POLICY.guide.question("many").text in text
    assert "→ see 2" in text


def test_the_modal_keeps_within_block_kits_limits() -> None:
    long = "x" * 500
    level = replace(POLICY.severities[0], name=long, definition=long, examples=(long,) * 50)
    many = replace(POLICY, severities=(level,) * 3)
    view = declare_view(many)
    assert len(view["title"]["text"]) <= 24
    assert len(view["blocks"]) <= 100
    for option in block(view, "severity")["element"]["options"]:
        assert len(option["text"]["text"]) <= 75
        assert len(option["description"]["text"]) <= 75
    for b in view["blocks"]:
        if b["type"] == "context":
            assert 1 <= len(b["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in b["elements"])
    json.dumps(view)  # plain JSON, as views.open takes it


def payload(**values: Any) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": "U0LAURA01"},
        "view": {"callback_id": DECLARE, "state": {"values": values}},
    }


def test_a_submission_reads_back_its_values() -> None:
    got = submission(
        payload(
            title={"value": {"type": "plain_text_input", "value": "  Checkout down "}},
            service={"value": {"selected_option": {"value": "checkout"}}},
            severity={"value": {"selected_option": {"value": "sev2"}}},
            description={"value": {"value": None}},
            restricted={"value": {"selected_options": [{"value": "restricted"}]}},
        )
    )
    assert got == Submission("U0LAURA01", "Checkout down", "checkout", "sev2", "", True)


def test_other_payloads_and_missing_values() -> None:
    assert submission({"type": "block_actions"}) is None
    other = payload()
    other["view"]["callback_id"] = "something_else"
    assert submission(other) is None
    assert submission(payload(title="not a dict")) == Submission("U0LAURA01", "", "", "", "", False)
