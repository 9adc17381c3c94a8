"""The ``/radar`` slash command: signed forms, as Slack posts them, sent to the real endpoint of a
real server; the answer is Slack's ephemeral JSON, and cards hear of changes through the outbox
(Slack's Web API is the recording loopback server of ``test_slack_inbound``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

import httpx
import pytest

from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.roles import Role
from radar.services.incidents import Declaration
from tests.integration.test_slack_inbound import LAURA, Slack, account, kinds, slack_radar
from tests.support.radar import ANA, run_engine
from tests.support.recorder import Reply

PUBLIC_URL = "https://radar.example.com"
SAM = "U0SAM0002"
ANA_SLACK = "U0ANA0004"
UNKNOWN = (
    "Radar does not know you: ask an admin to add your Slack id, or the email address your "
    "Slack profile shows, to your person in the policy."
)


@pytest.fixture
def slack(db_url: str, clock: FrozenClock) -> Iterator[Slack]:
    """Radar with its Slack app, INC-1 (Checkout down, Sev2) open and its card in #radar."""
    with slack_radar(db_url, clock, public_url=PUBLIC_URL) as s:
        yield s


def form(
    text: str, user: str = LAURA, response_url: str = "https://hooks.slack.com/commands/T0RADAR/1/x"
) -> bytes:
    return urlencode(
        {
            "token": "deprecated",
            "team_id": "T0RADAR",
            "channel_id": "C0RADAR",
            "channel_name": "radar",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/radar",
            "text": text,
            "api_app_id": "A0RADAR",
            "response_url": response_url,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    ).encode()


def say(slack: Slack, text: str, user: str = LAURA) -> str:
    """``/radar TEXT`` typed by ``user``: the answer only they see."""
    answer = slack.post("commands", form(text, user))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    text_said: str = body["text"]
    return text_said


def test_ack_without_a_reference_acts_on_the_only_open_incident(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert say(slack, "ack") == "You acknowledged INC-1 (Checkout down)."
    incident, _ = slack.incident()
    assert incident.acknowledgement is not None
    assert (incident.acknowledgement.by, incident.acknowledgement.via) == ("Laura Gómez", "slack")
    assert (
        say(slack, "ack INC-1") == "INC-1 (Checkout down) was already acknowledged by Laura Gómez."
    )
    assert len(kinds(slack.incident()[1], "acknowledged")) == 1
    # The card hears of it through the outbox, brought up to date in place.
    slack.clock.advance(timedelta(seconds=2))
    run_engine(slack.radar)
    (update,) = [r.json() for r in slack.api.requests if r.path == "/api/chat.update"]
    assert "acknowledged by Laura Gómez" in update["text"]


def test_without_a_reference_several_open_incidents_must_be_named(slack: Slack) -> None:
    account(slack.radar, "laura")
    slack.radar.incidents.declare(ANA, Declaration("Search is slow", "catalog", "sev3"))
    said = say(slack, "ack")
    assert said.startswith("Several incidents are open (INC-2, INC-1): name the one you mean")
    assert "`/radar ack INC-2`" in said
    assert slack.incident()[0].acknowledgement is None
    slack.radar.incidents.resolve(ANA, "INC-1", summary="Fixed.")
    slack.radar.incidents.resolve(ANA, "INC-2", summary="Fixed.")
    assert say(slack, "resolve Done").startswith("No incident is open: name the one you mean")


def test_update_is_internal_unless_public(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert say(slack, "update INC-1 Rolled back the deploy.") == (
        "You posted an internal update on INC-1 (Checkout down)."
    )
    assert say(slack, "update --public Payments are back.") == (
        "You posted a public update on INC-1 (Checkout down)."
    )
    posted = kinds(slack.incident()[1], "update_posted")
    assert [(e.message, e.visibility, e.actor, e.via) for e in posted] == [
        ("Rolled back the deploy.", "internal", "Laura Gómez", "slack"),
        ("Payments are back.", "public", "Laura Gómez", "slack"),
    ]


def test_resolve_then_a_refused_transition(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert say(slack, "resolve INC-1 Restarted the pool.") == "You resolved INC-1 (Checkout down)."
    incident, _ = slack.incident()
    assert (incident.status, incident.resolution_summary) == ("resolved", "Restarted the pool.")
    refused = say(slack, "severity INC-1 sev1 Spreading.")
    assert refused.startswith("INC-1: cannot change the severity of INC-1")
    assert slack.incident()[0].severity == "sev2"


def test_severity_changes_and_a_bad_level_is_refused(slack: Slack) -> None:
    account(slack.radar, "laura")
    assert say(slack, "severity sev1 Spreading to the EU.") == "INC-1 (Checkout down) is now sev1."
    (changed,) = kinds(slack.incident()[1], "severity_changed")
    assert (changed.old, changed.new, changed.message) == ("sev2", "sev1", "Spreading to the EU.")
    said = say(slack, "severity INC-1 sev9 Worse.")
    assert said.startswith("INC-1: unknown severity 'sev9'; the policy defines: sev1")
    assert slack.incident()[0].severity == "sev1"


def test_role_by_mention_maps_the_slack_id_to_the_person(slack: Slack) -> None:
    account(slack.radar, "laura")
    said = say(slack, "role INC-1 comms <@U0SAM0002|sam.ortega>")
    assert said == "Sam Ortega (sam) is now the communications lead of INC-1 (Checkout down)."
    # Someone Radar does not know is refused (tests/integration/test_slack_roles.py).
    assert say(slack, "role commander @Joan Soler").startswith(
        "INC-1: no person or account 'Joan Soler'"
    )
    incident, _ = slack.incident()
    assert dict(incident.roles) == {Role.COMMUNICATIONS_LEAD: "sam"}
    participants = slack.radar.incidents.get(ANA, "INC-1").participants
    assert ("sam", "role") in participants
    said = say(slack, "role INC-1 deputy <@U0STRANGER>")
    assert said.startswith("Radar does not know <@U0STRANGER>")
    assert Role.DEPUTY not in slack.incident()[0].roles


def test_status_lists_what_the_person_may_see(slack: Slack) -> None:
    account(slack.radar, "laura")
    account(slack.radar, "ana", UserRole.ADMIN)
    secret = slack.radar.incidents.declare(
        ANA, Declaration("Card data exposed", "checkout", "sev2", restricted=True)
    )
    slack.radar.incidents.declare(ANA, Declaration("Search is slow", "catalog", "sev3"))
    slack.radar.incidents.resolve(ANA, "INC-1", summary="Fixed.")
    assert say(slack, "status") == (
        "Open incidents, newest first:\n"
        "• INC-3 Search is slow: sev3, reported, not yet acknowledged"
    )
    seen_by_admin = say(slack, "status", user=ANA_SLACK).splitlines()
    assert [line.split(":")[0] for line in seen_by_admin[1:]] == [
        "• INC-3 Search is slow",
        f"• {secret.reference} Card data exposed",
    ]
    assert say(slack, "status INC-1") == (
        "INC-1 Checkout down: sev2, resolved, never acknowledged.\n"
        "Service checkout; roles: none yet.\n"
        "Latest, newest first:\n"
        "• Ana: Resolved: Fixed.\n"
        "• Ana: Declared Sev2 - Major\n"
        f"{PUBLIC_URL}/incidents/INC-1"
    )


def test_status_lists_at_most_ten(slack: Slack) -> None:
    account(slack.radar, "laura")
    for n in range(11):
        slack.radar.incidents.declare(ANA, Declaration(f"Slow {n}", "catalog", "sev3"))
    lines = say(slack, "status").splitlines()
    assert len(lines) == 12  # the heading, ten incidents, and the link to the rest
    assert lines[1].startswith("• INC-12 Slow 10:")
    assert lines[-1] == f"… and more: {PUBLIC_URL}/incidents"


def test_help_and_an_unknown_subcommand(slack: Slack) -> None:
    helped = say(slack, "help", user="U0NOBODY")
    assert helped.startswith("Radar's slash command.")
    for usage in ("ack [INC-n]", "update [INC-n] [--public] <text>", "role [INC-n] commander"):
        assert f"`/radar {usage}" in helped
    assert say(slack, "") == helped
    unknown = say(slack, "frobnicate INC-1")
    assert unknown == "Radar does not know `frobnicate`.\n" + helped
    assert say(slack, "update INC-1").startswith("`update` takes the update's text")


def test_declare_links_to_the_report_page(slack: Slack) -> None:
    assert say(slack, "declare") == (
        f"Declare an incident on Radar's report page, with the severity guide: {PUBLIC_URL}/report"
    )


@pytest.mark.parametrize(
    ("user", "role", "said"),
    [
        ("U0NOBODY", None, UNKNOWN),
        (
            LAURA,
            UserRole.VIEWER,
            "Radar did not let you do that: laura is a viewer; changing incidents needs the "
            "responder or admin role.",
        ),
    ],
    ids=["unmapped", "viewer"],
)
def test_who_may_not_act_is_told_and_nothing_changes(
    slack: Slack, user: str, role: UserRole | None, said: str
) -> None:
    if role is not None:
        account(slack.radar, "laura", role)
    for text in ("ack", "update INC-1 Hello.", "resolve INC-1 Done.", "severity sev1 Worse."):
        assert say(slack, text, user=user) == said
    assert say(slack, "role INC-1 comms <@U0SAM0002>", user=user) == said
    incident, timeline = slack.incident()
    assert (incident.status, incident.severity, incident.acknowledgement) == (
        "reported",
        "sev2",
        None,
    )
    assert dict(incident.roles) == {}
    assert kinds(timeline, "update_posted") == []
    if role is UserRole.VIEWER:  # a viewer may still read
        assert say(slack, "status INC-1", user=user).startswith("INC-1 Checkout down: sev2")
    else:
        assert say(slack, "status", user=user) == UNKNOWN


def test_a_restricted_incident_is_not_there_for_a_non_participant(slack: Slack) -> None:
    account(slack.radar, "laura")
    slack.radar.incidents.resolve(ANA, "INC-1", summary="Fixed.")
    secret = slack.radar.incidents.declare(
        ANA, Declaration("Card data exposed", "checkout", "sev2", restricted=True)
    )
    ref = secret.reference
    nothing = f"There is no incident {ref} in Radar."
    assert say(slack, f"ack {ref}") == nothing
    assert say(slack, f"status {ref}") == nothing
    assert say(slack, f"update {ref} Looking.") == nothing
    assert say(slack, "ack").startswith("No incident is open")  # not even counted
    assert say(slack, "status") == "No incident is open."
    assert slack.incident(ref)[0].acknowledgement is None
    # Once she takes part, the same command works.
    slack.radar.incidents.add_participant(ANA, ref, "laura")
    assert say(slack, "ack") == f"You acknowledged {ref} (Card data exposed)."


def test_requests_not_signed_by_slack_are_refused_and_change_nothing(slack: Slack) -> None:
    account(slack.radar, "laura")
    body = form("ack INC-1")
    now = slack.clock.now()
    refused = [
        slack.post("commands", body, secret="not the signing secret"),
        slack.post("commands", body, at=now - timedelta(minutes=6)),  # stale
        slack.post("commands", body, headers={"X-Slack-Signature": "v0=" + "0" * 64}),
        httpx.post(f"{slack.url}/integrations/slack/commands", content=body),  # unsigned
    ]
    assert [r.status_code for r in refused] == [401] * 4
    assert refused[1].json()["error"]["code"] == "unauthenticated"
    assert "five minutes" in refused[1].json()["error"]["message"]
    incident, timeline = slack.incident()
    assert incident.acknowledgement is None
    assert kinds(timeline, "acknowledged") == []
    # The same request, signed now: it acts.
    assert slack.post("commands", body).json()["text"] == "You acknowledged INC-1 (Checkout down)."


def test_without_a_signing_secret_the_command_is_not_served(
    db_url: str, clock: FrozenClock
) -> None:
    with slack_radar(db_url, clock, slack_signing_secret="") as slack:
        answer = slack.post("commands", form("ack"))
        assert answer.status_code == 404
        assert slack.incident()[0].acknowledgement is None


def test_a_slow_command_is_answered_at_once_and_its_answer_follows(
    db_url: str, clock: FrozenClock
) -> None:
    with slack_radar(db_url, clock, slack_answer_within_seconds=0.05) as slack:
        account(slack.radar, "laura")
        # Slack is slow to say who U0OTHER is (their email is Laura's): past Radar's limit.
        profile = {"id": "U0OTHER", "profile": {"email": "laura@example.com"}}
        slack.api.by_path["/api/users.info"] = Reply(body={"ok": True, "user": profile}, hang=0.5)
        later = f"{slack.api.url}/actions/T0RADAR/1/x"
        answer = slack.post("commands", form("ack", user="U0OTHER", response_url=later))
        assert answer.json() == {
            "response_type": "ephemeral",
            "text": "Radar is on it: the answer follows.",
        }
        assert slack.answers(1) == ["You acknowledged INC-1 (Checkout down)."]
        incident, _ = slack.incident()
        assert incident.acknowledgement is not None
        assert incident.acknowledgement.by == "Laura Gómez"
