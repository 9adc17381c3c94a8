"""`radar policy` check/diff/schema and `radar triage`, as people run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from radar.cli.main import app
from tests.cli.test_cli import radar, runner
from tests.conftest import EXAMPLE_POLICY


def test_check_prints_warnings_and_strict_makes_them_fatal(tmp_path: Path) -> None:
    text = EXAMPLE_POLICY.read_text().replace('    phone: "+34600000002"\n', "")
    file = tmp_path / "p.yaml"
    file.write_text(text)
    code, out, err = radar("policy", "check", str(file), "--no-channels")
    assert code == 0
    assert "2 warning(s)" in out
    assert err.count("warning: team_lead -> sam has no phone for phone") == 1
    assert radar("policy", "check", str(file), "--strict", "--no-channels")[0] == 1


def test_check_warns_about_channels_this_server_has_not_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RADAR_SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("RADAR_SMTP_HOST", "smtp.example.com")
    code, _, err = radar("policy", "check", str(EXAMPLE_POLICY))
    assert code == 0
    # Slack and email are configured; phone and SMS are not.
    assert err.count("phone, sms not configured on this server") == 3
    assert (
        f"{EXAMPLE_POLICY}:178:15: warning: phone, sms not configured on this "
        "server: sev2 step 2 tells engineering_manager; it would go by email only"
    ) in err
    assert "slack not configured" not in err


def test_check_warns_that_incident_channels_need_slack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "p.yaml"
    file.write_text(
        EXAMPLE_POLICY.read_text() + "\nslack:\n  incident_channel:\n    levels: [sev2, sev1]\n"
    )
    monkeypatch.delenv("RADAR_SLACK_BOT_TOKEN", raising=False)
    code, _, err = radar("policy", "check", str(file))
    assert code == 0
    lines = EXAMPLE_POLICY.read_text().count("\n")
    assert (
        f"{file}:{lines + 4}:5: warning: slack not configured on this server: incidents of "
        "sev1, sev2 would get no channel of their own"
    ) in err
    monkeypatch.setenv("RADAR_SLACK_BOT_TOKEN", "xoxb-test")
    assert "incident_channel" not in radar("policy", "check", str(file))[2]


def test_check_refuses_an_incident_channel_for_an_unknown_level(tmp_path: Path) -> None:
    file = tmp_path / "p.yaml"
    file.write_text(
        EXAMPLE_POLICY.read_text() + "\nslack:\n  incident_channel:\n    levels: [sev9]\n"
    )
    code, _, err = radar("policy", "check", str(file))
    assert code == 1
    assert "unknown severity 'sev9'" in err


def test_check_counts_errors_and_applies_nothing(tmp_path: Path) -> None:
    file = tmp_path / "p.yaml"
    file.write_text(EXAMPLE_POLICY.read_text().replace("owner: discovery", "owner: discovry"))
    code, _, err = radar("policy", "check", str(file))
    assert code == 1
    assert "unknown team 'discovry'; did you mean 'discovery'?" in err
    assert err.strip().endswith("2 error(s)")


def test_diff_between_files_and_versions(fresh_db: Path, tmp_path: Path) -> None:
    newer = tmp_path / "new.yaml"
    newer.write_text(EXAMPLE_POLICY.read_text().replace("every: 2h", "every: 1h"))
    code, out, _ = radar("policy", "diff", str(EXAMPLE_POLICY), str(newer))
    assert (code, out) == (0, "severity sev3, updates.every: 2h -> 1h\n")
    radar("db", "upgrade")
    radar("policy", "apply", str(EXAMPLE_POLICY))
    code, out, _ = radar("policy", "apply", str(newer))
    assert "policy version 2 applied" in out
    assert "  severity sev3, updates.every: 2h -> 1h" in out
    assert radar("policy", "diff", "1", "v2")[1] == "severity sev3, updates.every: 2h -> 1h\n"
    assert radar("policy", "diff", "current", str(newer))[1] == "no change to the process\n"
    assert radar("policy", "diff", "7", "current")[0] == 1
    assert radar("policy", "diff", "latest", "current")[0] == 2


def test_schema_describes_the_file(tmp_path: Path) -> None:
    code, out, _ = radar("policy", "schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["title"] == "Radar policy"
    assert {"severities", "services", "teams", "calendars", "guide"} <= set(schema["properties"])
    target = tmp_path / "policy.schema.json"
    assert radar("policy", "schema", "--output", str(target))[0] == 0
    assert json.loads(target.read_text()) == schema


@pytest.mark.usefixtures("client_env")
def test_triage_with_answers_and_declare() -> None:
    code, out, _ = radar(
        "triage", "--answers", "2,1", "--service", "checkout", "--declare", "Site down"
    )
    assert code == 0
    assert "Suggested: Sev2 - Major (sev2)" in out
    assert "Laura Gómez (engineering manager, Payments) is called" in out
    assert out.strip().endswith("INC-1 [sev2] reported, not yet acknowledged: Site down")


@pytest.mark.usefixtures("client_env")
def test_triage_asks_question_by_question() -> None:
    result = runner.invoke(app, ["triage"], input="2\n2\n2\n2\n")
    assert result.exit_code == 0
    assert "Is customer data exposed" in result.stdout
    assert "Not an incident." in result.stdout
    assert "file a ticket" in result.stdout


@pytest.mark.usefixtures("client_env")
def test_triage_refuses_bad_answers_in_one_line() -> None:
    code, _, err = radar("triage", "--answers", "2,x")
    assert code == 2
    assert "--answers" in err
    code, _, err = radar("triage", "--answers", "5")
    assert code == 2
    assert "5 is not an answer to question 1 (Is customer data exposed" in err
    assert 'answer 1 ("Yes") or 2 ("No")' in err
    assert radar("triage", "--answers", "2")[0] == 2  # stops before the guide ends
    code, _, err = radar("triage", "--answers", "1", "--declare", "x")
    assert code == 2
    assert "--declare needs --service" in err


@pytest.mark.usefixtures("client_env")
def test_declaring_against_the_guide_from_the_cli_needs_a_reason() -> None:
    args = [
        "incident",
        "declare",
        "--title",
        "x",
        "--service",
        "catalog",
        "--severity",
        "sev2",
        "--triage-answers",
        "2,2,1",
    ]
    code, _, err = radar(*args)
    assert code == 2
    assert "severity_reason" in err
    code, out, _ = radar(*args, "--severity-reason", "Black Friday", "--json")
    assert code == 0
    assert json.loads(out)["severity"] == "sev2"


@pytest.mark.usefixtures("client_env")
def test_interactive_triage_with_json_keeps_stdout_for_the_json() -> None:
    result = runner.invoke(app, ["triage", "--json"], input="2\n1\n")
    assert result.exit_code == 0
    # CliRunner echoes typed answers into stdout; a terminal echoes them to the tty instead.
    found = json.loads(result.stdout[result.stdout.index("{") :])
    assert found["triage"]["severity"] == "sev2"
    assert "Is customer data exposed" in result.stderr


def test_schema_to_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    code, _, err = radar("policy", "schema", "--output", str(tmp_path / "no" / "such" / "dir.json"))
    assert code == 2
    assert "cannot write" in err


def test_simulate_shows_a_sev3_at_night_waiting_for_monday() -> None:
    code, out, _ = radar(
        "policy", "simulate", str(EXAMPLE_POLICY), "--severity", "sev3", "--service", "checkout",
        "--at", "2026-11-27 23:10", "--resolve-after", "14h",
    )  # fmt: skip
    assert code == 0
    assert "declared Fri 27 Nov 23:10 Europe/Madrid" in out
    assert "Step 1 of Sev3 - Minor held until Mon 30 Nov 09:00: outside working hours" in out
    assert "0 notification(s) would be sent." in out


def test_simulate_shows_the_sev2_call_after_10_minutes_and_the_upgrade() -> None:
    code, out, _ = radar(
        "policy", "simulate", str(EXAMPLE_POLICY), "--severity", "sev2", "--service", "checkout",
        "--at", "2026-11-27 23:10", "--ack-after", "25m",
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    call = next(
        line for line in lines if "Calling Laura Gómez (engineering manager, Payments)" in line
    )
    assert "Fri 27 Nov 23:20" in call
    upgrade = "Severity Sev2 - Major → Sev1 - Critical"
    assert any(upgrade in line and "Sat 28 Nov 03:10" in line for line in lines)


def test_simulate_proposes_the_upgrade_of_an_incident_being_worked_on() -> None:
    code, out, _ = radar(
        "policy", "simulate", str(EXAMPLE_POLICY), "--severity", "sev2", "--service", "checkout",
        "--at", "2026-11-27 23:10", "--ack-after", "12m", "--update-every", "25m",
        "--resolve-after", "4h30m",
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    proposal = next(line for line in lines if "Radar proposes Sev1 - Critical" in line)
    assert "Sat 28 Nov 03:10" in proposal
    assert "Messaging Laura Gómez (engineering manager, Payments) on Slack" in proposal
    assert not any("Severity Sev2 - Major → Sev1 - Critical" in line for line in lines)
    assert sum("Internal update: Still on it." in line for line in lines) == 10  # 23:47 to 03:32


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--update-every", "often"], "--update-every: 'often' is not a duration"),
        (["--at", "tomorrow"], "--at: 'tomorrow' is not a time"),
        (["--ack-after", "soon"], "--ack-after: 'soon' is not a duration"),
        (["--service", "nope"], "service: unknown service 'nope'"),
        (["--severity", "sev9"], "severity: unknown severity 'sev9'"),
    ],
)
def test_simulate_refuses_bad_input_in_one_line(args: list[str], message: str) -> None:
    base = {"--service": "checkout", "--severity": "sev2", "--at": "2026-11-27 23:10"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [x for pair in base.items() for x in pair]
    code, _, err = radar("policy", "simulate", str(EXAMPLE_POLICY), *flat)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_worker_refuses_an_unmigrated_database(fresh_db: Path) -> None:
    code, _, err = radar("worker")
    assert code == 2
    assert "radar db upgrade" in err


def test_notify_test_without_channels_says_why_and_exits_1(fresh_db: Path) -> None:
    radar("db", "upgrade")
    radar("policy", "apply", str(EXAMPLE_POLICY))
    code, _, err = radar("notify", "test", "slack:#radar")
    assert code == 1
    assert err.strip() == "radar: #radar: not sent: slack not configured"
    code, _, err = radar("notify", "test", "slack:#radar", "--via", "pigeon")
    assert code == 2
    assert "--via: channels are slack, email, phone, sms, webhook" in err
