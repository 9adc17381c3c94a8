"""`radar incident show` prints the timeline in words (what changed, then why, as the API words
it), marks public updates, and prints no raw kinds, field paths or ISO instants. A live server,
the example policy, a frozen clock at Friday 2026-11-27 10:00 UTC."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from radar.cli.main import app

runner = CliRunner()


def radar(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def worked(client_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """INC-1, declared, given a communications lead, updated in public, upgraded, resolved."""
    monkeypatch.setenv("RADAR_TZ", "Europe/Madrid")
    radar(
        "incident", "declare", "--title", "Card numbers in the logs", "--service", "checkout",
        "--severity", "sev2",
    )  # fmt: skip
    radar("incident", "assign", "INC-1", "communications_lead", "laura")
    radar("incident", "update", "INC-1", "We are investigating.", "--public")
    radar("incident", "severity", "INC-1", "sev1", "--reason", "Card numbers visible in the logs")
    radar("incident", "resolve", "INC-1", "--summary", "Rolled back the deploy")


def test_show_prints_words_not_kinds_or_fields(worked: None) -> None:
    shown = radar("incident", "show", "INC-1")
    for words in (
        "Declared Sev2 - Major",
        "Communications lead: Laura Gómez (was nobody)",
        "Public update: We are investigating.",
        "Severity Sev2 - Major → Sev1 - Critical: Card numbers visible in the logs",
        "Resolved: Rolled back the deploy",
    ):
        assert words in shown, words
    assert "Communications lead: Laura Gómez (laura)" in shown  # the roles, above the timeline
    for raw in (
        "update_expected",
        "severity_changed",
        "roles.communications_lead",
        "next_update_at",
    ):
        assert raw not in shown
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", shown), "a raw ISO instant"
    # The promised update, in the reader's zone: 30 minutes after 11:00 in Madrid.
    assert "Next update due by 2026-11-27 11:30 CET" in shown


def test_the_api_gives_each_entry_its_text(worked: None) -> None:
    timeline = json.loads(radar("incident", "show", "INC-1", "--json"))["timeline"]
    texts = [e["text"] for e in timeline]
    assert "Communications lead: Laura Gómez (was nobody)" in texts
    assert "Next update due by 2026-11-27 10:30 UTC" in texts  # in the API, instants are UTC
    (update,) = [e for e in timeline if e["kind"] == "update_posted"]
    assert (update["what"], update["why"], update["public"]) == (
        "Public update",
        "We are investigating.",
        True,
    )
