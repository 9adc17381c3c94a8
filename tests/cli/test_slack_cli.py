"""`radar slack manifest`: the app manifest for the configured public URL."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from radar.cli.main import app

runner = CliRunner()


def test_the_manifest_names_the_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADAR_PUBLIC_URL", "https://radar.example.com")
    result = runner.invoke(app, ["slack", "manifest"])
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert made["settings"]["interactivity"]["request_url"] == (
        "https://radar.example.com/integrations/slack/interactivity"
    )
    assert made["settings"]["event_subscriptions"]["request_url"] == (
        "https://radar.example.com/integrations/slack/events"
    )
    assert made["features"]["slash_commands"][0]["url"] == (
        "https://radar.example.com/integrations/slack/commands"
    )
    assert result.stderr == ""


def test_a_url_slack_cannot_call_is_warned_about(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RADAR_PUBLIC_URL", raising=False)
    result = runner.invoke(app, ["slack", "manifest"])
    assert result.exit_code == 0
    made = json.loads(result.stdout)
    assert made["settings"]["interactivity"]["request_url"].startswith("http://127.0.0.1:8080/")
    assert "must be public and https" in result.stderr
