"""The `radar` command as people use it: output, exit codes, one-line errors, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from radar.bootstrap import Container, build
from radar.cli.main import app
from radar.domain.access import UserRole
from radar.settings import Settings
from tests.conftest import EXAMPLE_POLICY

runner = CliRunner()


def radar(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_first_run_sets_everything_up_and_second_run_prints_no_secrets(fresh_db: Path) -> None:
    assert radar("db", "upgrade")[1].startswith("database migrated from empty")
    assert "already at" in radar("db", "upgrade")[1]
    code, out, _ = radar("policy", "apply", str(EXAMPLE_POLICY), "--if-changed")
    assert code == 0
    assert "policy version 1 applied" in out
    assert "nothing to do" in radar("policy", "apply", str(EXAMPLE_POLICY), "--if-changed")[1]
    code, out, _ = radar("user", "bootstrap-admin")
    assert code == 0
    assert "password:" in out
    assert "API token: radar_" in out
    code, out, _ = radar("user", "bootstrap-admin")
    assert code == 0
    assert "radar_" not in out
    assert "no new credentials" in out


@pytest.mark.parametrize(
    ("port", "names_the_url"), [(None, False), ("8090", True)], ids=["default", "8090"]
)
def test_the_first_admins_hint_reaches_the_server_it_was_made_for(
    fresh_db: Path, monkeypatch: pytest.MonkeyPatch, port: str | None, names_the_url: bool
) -> None:
    """`RADAR_PORT=8090 make run` must not suggest a command that talks to port 8080."""
    if port is not None:
        monkeypatch.setenv("RADAR_PORT", port)
    radar("db", "upgrade")
    hint = radar("user", "bootstrap-admin")[1].split("Try: ")[1].splitlines()[0]
    assert hint.startswith("RADAR_URL=http://127.0.0.1:8090 RADAR_TOKEN=radar_") is names_the_url
    assert hint.endswith(" radar incident list")


def test_token_create_prints_the_secret_once(fresh_db: Path) -> None:
    radar("db", "upgrade")
    radar("user", "bootstrap-admin")
    code, out, _ = radar(
        "token", "create", "--user", "admin", "--name", "ci", "--expires-in", "30d"
    )
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("radar_")
    code, _, err = radar("token", "create", "--user", "nobody")
    assert (code, err.strip()) == (1, "radar: no user named 'nobody'")
    code, _, err = radar("token", "create", "--expires-in", "soon")
    assert code == 2
    assert "--expires-in" in err


def test_policy_check_reports_each_problem_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = EXAMPLE_POLICY.read_text().replace("typical_response:", "typical_reponse:", 1)
    bad.write_text(text)
    line = (
        text.splitlines().index(
            "    typical_reponse: Call the responsible engineering manager right away."
        )
        + 1
    )
    code, _, err = radar("policy", "check", str(bad))
    assert code == 1
    assert f"{bad}:{line}:5: unknown key 'severities.0.typical_reponse'" in err
    assert "did you mean 'typical_response'" in err
    code, out, _ = radar("policy", "check", str(EXAMPLE_POLICY))
    assert code == 0
    assert "4 severities" in out
    assert radar("policy", "check", str(tmp_path / "missing.yaml"))[0] == 2


def test_a_refused_policy_leaves_the_running_one_in_force(fresh_db: Path, tmp_path: Path) -> None:
    radar("db", "upgrade")
    radar("policy", "apply", str(EXAMPLE_POLICY))
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nincident: {}\n")
    assert radar("policy", "apply", str(bad))[0] == 1
    code, out, _ = radar("policy", "show")
    assert code == 0
    assert "Policy version 1" in out
    assert "Sev2 - Major" in out


def test_server_commands_on_an_unmigrated_database_say_what_to_do(fresh_db: Path) -> None:
    code, _, err = radar("policy", "apply", str(EXAMPLE_POLICY))
    assert code == 1
    assert "radar db upgrade" in err
    code, _, err = radar("serve", "--port", "1")
    assert code == 2
    assert "radar db upgrade" in err


def test_bad_settings_are_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADAR_PORT", "eighty")
    code, _, err = radar("db", "current")
    assert code == 2
    assert err.startswith("radar: RADAR_PORT:")


def test_trusted_proxies_are_addresses_or_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADAR_TRUSTED_PROXIES", "10.0.0.5, proxy.internal")
    code, _, err = radar("db", "current")
    assert code == 2
    assert err.startswith("radar: RADAR_TRUSTED_PROXIES:")
    assert "'proxy.internal' is not an IP address or network" in err
    monkeypatch.setenv("RADAR_TRUSTED_PROXIES", " 10.0.0.5,10.1.2.3/16 ,::1")
    assert Settings().trusted_proxies == ["10.0.0.5", "10.1.0.0/16", "::1"]
    monkeypatch.delenv("RADAR_TRUSTED_PROXIES")
    assert Settings().trusted_proxies == []


@pytest.mark.usefixtures("client_env")
def test_the_five_minute_tour_through_the_cli() -> None:
    code, out, _ = radar(
        "incident",
        "declare",
        "--title",
        "Checkout down",
        "--service",
        "checkout",
        "--severity",
        "sev2",
    )
    assert (code, out.strip()) == (0, "INC-1 [sev2] reported, not yet acknowledged: Checkout down")
    radar("incident", "severity", "INC-1", "sev1", "--reason", "Customer data exposed")
    assert "acknowledged by Ana" in radar("incident", "ack", "INC-1")[1]
    radar("incident", "update", "INC-1", "We are still investigating.", "--status", "investigating")
    radar("incident", "assign", "INC-1", "communications_lead", "Laura")
    code, out, _ = radar("incident", "resolve", "INC-1", "--summary", "Rolled back")
    assert code == 0
    assert "resolved" in out
    code, out, _ = radar("incident", "show", "INC-1", "--json")
    shown = json.loads(out)
    assert shown["roles"] == {"communications_lead": "laura"}  # the person's id
    assert shown["severity"] == "sev1"
    assert shown["acknowledgement"]["via"] == "cli"
    assert [e["kind"] for e in shown["timeline"]][-1] == "resolved"
    code, out, _ = radar("incident", "list", "--json")
    assert [i["reference"] for i in json.loads(out)["items"]] == ["INC-1"]
    code, out, _ = radar("incident", "list", "--ended")
    assert code == 0
    assert "INC-1" in out


@pytest.mark.usefixtures("client_env")
def test_refused_action_exits_1_and_bad_input_exits_2() -> None:
    radar("incident", "declare", "--title", "x", "--service", "checkout", "--severity", "sev3")
    radar("incident", "resolve", "INC-1", "--summary", "done")
    code, _, err = radar("incident", "ack", "INC-1")
    assert code == 1
    assert err.startswith("radar: cannot acknowledge INC-1: it is resolved")
    assert len(err.strip().splitlines()) == 1
    code, _, err = radar(
        "incident", "declare", "--title", "x", "--service", "billing", "--severity", "sev3"
    )
    assert code == 2
    assert "service" in err
    assert "billing" in err
    assert radar("incident", "show", "INC-9")[0] == 1
    assert radar("incident", "assign", "INC-1", "commander")[0] == 2


def test_client_without_a_token_or_server_fails_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RADAR_TOKEN", raising=False)
    code, _, err = radar("incident", "list")
    assert code == 2
    assert "RADAR_TOKEN" in err
    monkeypatch.setenv("RADAR_TOKEN", "radar_x")
    monkeypatch.setenv("RADAR_URL", "http://127.0.0.1:9")
    code, _, err = radar("incident", "list")
    assert code == 1
    assert "cannot reach Radar" in err


def test_unknown_migration_revision_is_one_line(fresh_db: Path) -> None:
    code, _, err = radar("db", "upgrade", "0099")
    assert code == 2
    assert err.startswith("radar: revision: cannot migrate to '0099'")


def test_tokens_are_listed_without_secrets_and_revoked(fresh_db: Path) -> None:
    radar("db", "upgrade")
    secret = radar("user", "bootstrap-admin")[1].split("API token: ")[1].split()[0]
    code, out, _ = radar("token", "list")
    assert code == 0
    assert "bootstrap" in out
    assert secret not in out
    assert secret[:12] in out
    assert radar("token", "revoke", "1") == (0, "token 1 revoked\n", "")
    assert radar("token", "revoke", "9")[0] == 1


def test_policy_history_lists_each_applied_version(fresh_db: Path, tmp_path: Path) -> None:
    radar("db", "upgrade")
    radar("policy", "apply", str(EXAMPLE_POLICY), "--author", "ana")
    changed = tmp_path / "policy.yaml"
    changed.write_text(EXAMPLE_POLICY.read_text().replace("Sev4 - Low", "Sev4 - Cosmetic"))
    radar("policy", "apply", str(changed), "--author", "laura")
    code, out, _ = radar("policy", "history")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[0].startswith("2 ")
    assert "laura" in lines[0]
    assert lines[1].startswith("1 ")
    assert "ana" in lines[1]


def test_a_user_made_with_a_password_can_sign_in_to_the_web_ui(fresh_db: Path) -> None:
    assert radar("db", "upgrade")[0] == 0
    short = runner.invoke(app, ["user", "create", "rosa", "--password"], input="short\nshort\n")
    assert short.exit_code == 2
    assert "at least 10 characters" in short.stderr
    made = runner.invoke(
        app, ["user", "create", "rosa", "--password"], input="long enough pw\nlong enough pw\n"
    )
    assert made.exit_code == 0, made.stderr
    assert "long enough pw" not in made.stdout
    c = build(Settings())
    try:
        assert c.sessions.sign_in("rosa", "long enough pw").principal.user.username == "rosa"
    finally:
        c.close()


def test_integration_keys_are_made_listed_and_revoked(fresh_db: Path) -> None:
    assert radar("db", "upgrade")[0] == 0
    assert radar("policy", "apply", str(EXAMPLE_POLICY))[0] == 0
    code, out, _ = radar("integration", "create", "--service", "checkout", "--kind", "alertmanager")
    assert code == 0
    lines = out.strip().splitlines()
    key = lines[-1]
    assert key.startswith("rk_")
    assert "/integrations/alertmanager/KEY" in out
    code, listed, _ = radar("integration", "list")
    assert code == 0
    assert key[:8] in listed
    assert key not in listed  # only its first characters are ever shown again
    assert "active" in listed
    assert radar("integration", "revoke", "1")[0] == 0
    assert "revoked" in radar("integration", "list")[1]
    code, _, err = radar("integration", "create", "--service", "nope", "--kind", "grafana")
    assert code != 0
    assert "unknown service 'nope'" in err


@pytest.mark.usefixtures("client_env")
def test_admins_read_the_audit_log_from_the_cli(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    radar("incident", "declare", "--title", "x", "--service", "checkout", "--severity", "sev3")
    assert radar("audit", "list")[0] == 1  # ana is a responder: refused, in one line
    container.accounts.create_user("root", role=UserRole.ADMIN, display_name="Root")
    monkeypatch.setenv("RADAR_TOKEN", container.accounts.create_token("root", name="cli").secret)
    code, out, _ = radar("audit", "list", "--json")
    assert code == 0
    entries = json.loads(out)["items"]
    assert [(e["actor"], e["method"], e["path"]) for e in entries] == [
        ("ana", "POST", "/api/v1/incidents")
    ]
    code, out, _ = radar("audit", "list", "--actor", "ana")
    assert code == 0
    assert "POST /api/v1/incidents" in out
