"""`radar policy diff` says in words what changed."""

from __future__ import annotations

from pathlib import Path

from radar.policyfile import load
from radar.policyfile.diff import describe

EXAMPLE = (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text()


def changes(new_text: str) -> list[str]:
    return describe(load.load(EXAMPLE, "a"), load.load(new_text, "b"))


def test_same_process_no_changes() -> None:
    assert changes(EXAMPLE) == []
    assert changes(EXAMPLE.replace("# Radar policy", "# Our policy")) == []


def test_changes_read_as_sentences() -> None:
    new = (
        EXAMPLE.replace("every: 30m", "every: 15m")
        .replace("engineering_manager: laura", "engineering_manager: sam")
        .replace('fri: ["09:00-15:00"]', 'fri: ["09:00-14:00"]')
        .replace("    via: [phone, sms, email]\n", "    via: [phone, email]\n", 1)
    )
    assert changes(new) == [
        "severity sev1, response.steps 1.notify 1.via: removed sms",
        "severity sev2, updates.every: 30m -> 15m",
        "team payments, engineering_manager: 'laura' -> 'sam'",
        "calendar madrid-office, hours fri: [09:00-15:00] -> [09:00-14:00]",
    ]


def test_added_and_removed_things_are_named() -> None:
    new = (
        EXAMPLE.replace(
            "  - id: notifications\n",
            "  - id: search\n    name: Search\n    owner: discovery\n  - id: notifications\n",
        )
        .replace(
            "  - id: lucia\n    name: Lucía Prieto\n", "  - id: lucia2\n    name: Lucía Prieto\n"
        )
        .replace("product_owner: lucia", "product_owner: lucia2")
        .replace("members: [david, lucia, ana]", "members: [david, lucia2, ana]")
    )
    found = changes(new)
    assert "service search added" in found
    assert "person lucia2 added" in found
    assert "person lucia removed" in found


def test_the_slack_switch_reads_by_its_key() -> None:
    new = EXAMPLE + "\nslack:\n  thread_replies_acknowledge: false\n"
    assert changes(new) == ["slack.thread_replies_acknowledge: true -> false"]
