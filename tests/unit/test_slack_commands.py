"""The ``/radar`` slash command's text, parsed without a policy or a database."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from radar.domain.errors import InvalidInput
from radar.domain.roles import Role
from radar.integrations.slack_commands import Command, invocation, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command("help")),
        ("   ", Command("help")),
        ("help", Command("help")),
        ("HELP me", Command("help")),
        ("ack", Command("ack")),
        ("ack INC-42", Command("ack", reference="INC-42")),
        ("Ack inc-7", Command("ack", reference="INC-7")),
        ("status", Command("status")),
        ("status INC-3", Command("status", reference="INC-3")),
        ("declare", Command("declare")),
        (
            "update INC-4 Rolled back the deploy.",
            Command("update", reference="INC-4", text="Rolled back the deploy."),
        ),
        ("update 3 nodes restarted", Command("update", text="3 nodes restarted")),
        (
            "update --public Payments are back",
            Command("update", public=True, text="Payments are back"),
        ),
        (
            "update INC-4 --PUBLIC Payments are back",
            Command("update", reference="INC-4", public=True, text="Payments are back"),
        ),
        (
            "update --public INC-4 Payments are back",
            Command("update", reference="INC-4", public=True, text="Payments are back"),
        ),
        (
            "update INC-4 we tried --public flags",
            Command("update", reference="INC-4", text="we tried --public flags"),
        ),
        (
            "resolve INC-5 Fixed the pool.",
            Command("resolve", reference="INC-5", text="Fixed the pool."),
        ),
        ("resolve Fixed.", Command("resolve", text="Fixed.")),
        (
            "severity INC-6 SEV1 Spreading to EU.",
            Command("severity", reference="INC-6", severity="sev1", text="Spreading to EU."),
        ),
        (
            "role INC-1 comms <@U0LAURA01|laura>",
            Command(
                "role",
                reference="INC-1",
                role=Role.COMMUNICATIONS_LEAD,
                assignee="laura",
                assignee_slack="U0LAURA01",
            ),
        ),
        (
            "role commander <@U0SAM0002>",
            Command("role", role=Role.COMMANDER, assignee_slack="U0SAM0002"),
        ),
        ("role deputy @ana", Command("role", role=Role.DEPUTY, assignee="ana")),
        # Nobody named: Radar offers whom it knows in a modal.
        ("role INC-1 comms", Command("role", reference="INC-1", role=Role.COMMUNICATIONS_LEAD)),
        ("role ic Joan Soler", Command("role", role=Role.COMMANDER, assignee="Joan Soler")),
        ("frobnicate INC-1", Command("unknown", word="frobnicate")),
        (
            "update INC-4 Rolled back.\n\nNext: watch  the pool &amp; the &lt;queue&gt;",
            Command(
                "update",
                reference="INC-4",
                text="Rolled back.\n\nNext: watch  the pool & the <queue>",
            ),
        ),
    ],
)
def test_a_command_is_parsed(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("update INC-4", "`update` takes the update's text: update [INC-n] [--public] <text>"),
        ("update --public", "`update` takes the update's text: update [INC-n] [--public] <text>"),
        ("resolve", "`resolve` takes a summary: resolve [INC-n] <summary>"),
        ("severity INC-1 sev1", "`severity` takes a level and a reason: "),
        ("role INC-1 boss @ana", "`role` takes a role (commander, comms or deputy)"),
        ("role INC-1 comms @", "`role` takes a role (commander, comms or deputy)"),
        ("ack INC-1 now please", "`ack` takes nothing more: ack [INC-n]"),
        ("status INC-1 INC-2", "`status` takes nothing more: status [INC-n]"),
    ],
)
def test_what_is_missing_is_named(text: str, problem: str) -> None:
    assert parse(text).problem.startswith(problem)


def test_the_form_slack_posts_is_read() -> None:
    body = urlencode(
        {
            "token": "ignored",
            "command": "/radar",
            "text": "ack INC-1",
            "user_id": "U0LAURA01",
            "channel_id": "C0RADAR",
            "response_url": "https://hooks.slack.com/commands/T0/1/x",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    ).encode()
    got = invocation(body)
    assert (got.command, got.text, got.user, got.channel) == (
        "/radar",
        "ack INC-1",
        "U0LAURA01",
        "C0RADAR",
    )
    assert got.response_url == "https://hooks.slack.com/commands/T0/1/x"
    assert invocation(b"").command == "/radar"
    assert invocation(b"").text == ""
    with pytest.raises(InvalidInput):
        invocation(b"\xff\xfe")


def test_the_app_manifest_hints_at_every_subcommand() -> None:
    """What Slack shows under `/radar` as people type it names everything the command does."""
    from radar.integrations.slack_commands import SUBCOMMANDS
    from radar.integrations.slack_manifest import manifest

    (command,) = manifest("https://radar.example.com")["features"]["slash_commands"]
    hinted = {part.split()[0] for part in command["usage_hint"].split(" | ")}
    assert hinted == set(SUBCOMMANDS)
