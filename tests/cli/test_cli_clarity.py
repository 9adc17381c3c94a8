"""What the CLI says is clear: a declined report is kept, as on the web; help speaks words, not
Python types; empty lists, triage outcomes, bad answers and refusals say what to do next."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer.main
from typer.testing import CliRunner

import radar
from radar.cli.main import app
from radar.domain.lifecycle import Status
from tests.conftest import EXAMPLE_POLICY

runner = CliRunner()


def radar_cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("client_env")
def test_a_report_the_guide_finds_is_not_an_incident_is_kept_declined() -> None:
    code, out, err = radar_cli(
        "triage", "--answers", "2,2,2,2", "--service", "catalog", "--declare", "Typo on help page"
    )
    assert (code, err) == (0, "")
    assert "Not an incident." in out
    assert "Nothing was declared" not in out
    assert "INC-1 recorded as not an incident (declined): Typo on help page" in out
    assert "reason: the severity guide: No emergency response is needed" in out
    assert "radar incident show INC-1" in out
    shown = json.loads(radar_cli("incident", "show", "INC-1", "--json")[1])
    assert shown["status"] == "declined"
    assert shown["decline_reason"] == "the severity guide: No emergency response is needed"
    assert shown["acknowledgement"] is None
    assert [e["kind"] for e in shown["timeline"]] == ["declared", "declined"]
    assert shown["timeline"][0]["via"] == "cli"
    code, out, _ = radar_cli("incident", "list", "--ended")
    assert "INC-1" in out
    assert "Typo on help page" in out
    # With a reason and a ticket of one's own, as the web's form asks for.
    code, out, _ = radar_cli(
        "triage",
        "--answers",
        "2,2,2,2",
        "--service",
        "catalog",
        "--declare",
        "Wrong image",
        "--reason",
        "Cosmetic",
        "--ticket",
        "https://tickets.example/123",
        "--json",
    )
    assert code == 0
    made = json.loads(out)["incident"]
    assert (made["reference"], made["status"]) == ("INC-2", "declined")
    assert (made["decline_reason"], made["ticket_url"]) == (
        "Cosmetic",
        "https://tickets.example/123",
    )
    assert made["severity"] == "sev4"  # the policy's least severe level, as the web records it


@pytest.mark.usefixtures("client_env")
def test_reason_and_ticket_are_only_for_a_report_that_is_not_an_incident() -> None:
    code, _, err = radar_cli("triage", "--answers", "2,1", "--reason", "x")
    assert (code, err.strip()) == (2, "radar: --reason and --ticket go with --declare")
    code, _, err = radar_cli(
        "triage", "--answers", "2,1", "--service", "checkout", "--declare", "Down", "--reason", "x"
    )
    assert code == 2
    assert "this one is sev2: nothing was declared" in err
    assert radar_cli("incident", "list", "--json")[1].count('"reference"') == 0


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


def _command(tree: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        tree = tree.commands[name]
    return tree


def test_help_speaks_words_not_python_types() -> None:
    tree = typer.main.get_command(app)
    every = _commands(tree)
    assert ("incident", "list") in every
    undescribed = [
        f"radar {' '.join(path)} {param.name}"
        for path in every
        for param in _command(tree, path).params
        if not getattr(param, "help", None)
    ]
    assert undescribed == [], "each option and argument says what it is for"
    for path in every:
        code, out, _ = radar_cli(*path, "--help")
        assert code == 0, path
        for python in ("<bool>", "<str>", "<list[", "<int", "<path>"):
            assert python not in out, (path, python)
    _, out, _ = radar_cli("incident", "list", "--help")
    limit = next(line for line in out.splitlines() if "--limit" in line)
    assert "How many to show at most." in limit
    status = " ".join(line for line in out.splitlines() if "--status" in line)
    assert all(s.value in out for s in Status)
    assert "investigating" in status
    _, out, _ = radar_cli("incident", "assign", "--help")
    assert "commander|communications_lead|deputy" in out
    assert "INCIDENT" in out


def test_version() -> None:
    code, out, _ = radar_cli("--version")
    assert (code, out.strip()) == (0, f"radar {radar.__version__}")


@pytest.mark.usefixtures("client_env")
def test_an_empty_list_says_so_in_a_sentence() -> None:
    code, out, _ = radar_cli("incident", "list", "--open")
    assert (code, out.strip()) == (0, "No open incidents.")
    assert radar_cli("incident", "list")[1].strip() == "No incidents yet."
    radar_cli("incident", "declare", "--title", "x", "--service", "checkout", "--severity", "sev3")
    code, out, _ = radar_cli("incident", "list", "--open", "--severity", "sev1")
    assert (code, out.strip()) == (0, "No incidents match.")
    assert "INC-1" in radar_cli("incident", "list", "--open")[1]


@pytest.mark.usefixtures("client_env")
def test_triage_says_how_to_act_on_its_outcome() -> None:
    code, out, _ = radar_cli("triage", "--answers", "2,1", "--service", "checkout")
    assert code == 0
    assert (
        'To declare it sev2: radar triage --answers 2,1 --service checkout --declare "TITLE"' in out
    )
    result = runner.invoke(app, ["triage"], input="2\n2\n2\n2\n")
    assert result.exit_code == 0
    assert (
        "To keep it on record as not an incident: radar triage --answers 2,2,2,2 "
        '--service SERVICE --declare "TITLE" --reason "WHY"' in result.stdout
    )


@pytest.mark.usefixtures("client_env")
def test_an_answer_that_does_not_exist_names_the_ones_that_do() -> None:
    code, _, err = radar_cli("triage", "--answers", "9")
    assert code == 2
    assert "answer 1 does not exist" not in err
    assert "9 is not an answer to question 1 (Is customer data exposed" in err
    assert 'answer 1 ("Yes") or 2 ("No")' in err
    code, _, err = radar_cli("triage", "--answers", "2,2,2,3")
    assert code == 2
    assert "3 is not an answer to question 4 (Is it one customer" in err
    assert 'answer 1 ("Yes, it needs action in working hours") or 2' in err
    code, _, err = radar_cli("triage", "--answers", "2,1,1")
    assert (code, err.strip()) == (
        2,
        "radar: --answers: the guide ends at answer 2; leave out the 1 after it",
    )
    # Typed at the prompt: asked again, with the numbers that exist.
    result = runner.invoke(app, ["triage"], input="9\n1\n")
    assert result.exit_code == 0
    assert 'Type 1 ("Yes") or 2 ("No").' in result.stdout


def test_a_token_before_any_admin_says_to_bootstrap_one(fresh_db: Path) -> None:
    assert radar_cli("db", "upgrade")[0] == 0
    code, _, err = radar_cli("token", "create")
    assert code == 1
    assert "no user named" not in err
    assert "run `radar user bootstrap-admin` first" in err
    radar_cli("user", "bootstrap-admin")
    code, out, _ = radar_cli("token", "create", "--name", "ci")
    assert code == 0
    assert "token 'ci' for admin" in out


@pytest.mark.usefixtures("client_env")
def test_refused_input_is_said_in_words() -> None:
    code, _, err = radar_cli("incident", "list", "--status", "fixed")
    assert code == 2
    assert err.strip() == (
        "radar: status: 'fixed' is not one of reported, investigating, identified, monitoring, "
        "resolved, closed or declined"
    )
    code, _, err = radar_cli("incident", "list", "--severity", "sev9")
    assert code == 2
    assert err.strip() == (
        "radar: severity: unknown severity 'sev9'; the policy defines: sev1, sev2, sev3, sev4"
    )


@pytest.mark.usefixtures("client_env")
def test_the_api_says_what_was_wrong_in_words() -> None:
    with httpx.Client(
        base_url=os.environ["RADAR_URL"],
        headers={"Authorization": f"Bearer {os.environ['RADAR_TOKEN']}"},
        timeout=30,
    ) as api:
        answer = api.get("/api/v1/incidents", params={"status": ["resolved", "fixed"]})
        error = answer.json()["error"]
        assert (answer.status_code, error["field"]) == (422, "status")
        assert "Input should be" not in error["message"]
        assert error["message"].startswith("status: 'fixed' is not one of reported, ")
        body = {"title": "", "service": "checkout", "severity": 2, "ticket": 1}
        problems = api.post("/api/v1/incidents", json=body).json()["error"]["problems"]
        said = {p["field"]: p["message"] for p in problems}
        assert said == {
            "title": "must not be empty",
            "severity": "should be a valid string",
            "ticket": "unknown field",
        }
        body = {
            "title": "Typo",
            "service": "catalog",
            "not_an_incident": {"reason": "Cosmetic", "ticket_url": "tickets/123"},
        }
        answer = api.post("/api/v1/incidents", json=body)
        assert answer.status_code == 422
        assert answer.json()["error"]["message"] == (
            "not_an_incident.ticket_url: 'tickets/123' is not a link: "
            "give one starting with https:// or http://"
        )
        answer = api.post("/api/v1/incidents", json={"title": "x", "service": "catalog"})
        assert answer.status_code == 422
        assert answer.json()["error"]["field"] == "severity"


def test_a_policy_file_mistake_is_said_without_the_library_s_prefix(tmp_path: Path) -> None:
    typo = tmp_path / "typos.yaml"
    typo.write_text(EXAMPLE_POLICY.read_text().replace("Europe/Madrid", "Europe/Madird", 1))
    code, out, err = radar_cli("policy", "check", str(typo))
    assert code == 1
    said = out + err
    assert "timezone: an IANA time zone such as Europe/Madrid (found 'Europe/Madird')" in said
    assert "Value error" not in said


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["incident", "list", "--limit", "500"], "'500' must be at most 200"),
        (["incident", "list", "--limit", "0"], "'0' must be at least 1"),
        (["incident", "list", "--limit", "many"], "'many' is not a whole number"),
        (["incident", "assign", "INC-2", "cook", "laura"], "'cook' is not one of"),
        (["user", "create", "bob", "--role", "boss"], "'boss' is not one of"),
    ],
)
def test_values_the_cli_refuses_are_refused_in_words(args: list[str], said: str) -> None:
    """Typer checks values with pydantic; its phrasing must not reach people."""
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert said in text, text
    assert "Input should" not in text
    assert "Value error" not in text
