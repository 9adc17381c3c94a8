"""`radar triage`: walk the severity guide, see what would happen, and declare if it is one."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

from radar.cli.client import RadarClient
from radar.cli.context import EXIT_USAGE, err, fail, guide_answers, out
from radar.cli.incident import client, emit


def _ask(question: dict[str, Any], say: Console) -> int:
    """Ask on ``say``: stderr when stdout is reserved for JSON."""
    say.print(f"\n[bold]{question['text']}[/]")
    if question["help"]:
        say.print(question["help"], markup=False)
    for a in question["answers"]:
        say.print(f"  {a['index'] + 1}. {a['label']}", markup=False)
        for example in a["examples"]:
            say.print(f"       e.g. {example}", markup=False)
    while True:
        raw = typer.prompt("Answer", err=say is err)
        if raw.isdigit() and 1 <= int(raw) <= len(question["answers"]):
            return int(raw) - 1
        say.print(f"Type a number from 1 to {len(question['answers'])}.")


def _walk(api: RadarClient, answers: list[int], service: str | None, ask_on: Console | None) -> Any:
    while True:
        found = api.call("POST", "/api/v1/triage", json={"answers": answers, "service": service})
        if found["complete"]:
            return found
        if ask_on is None:
            raise fail(
                "the answers stop before the guide ends; add more with --answers", EXIT_USAGE
            )
        answers.append(_ask(found["next_question"], ask_on))


def _show(found: dict[str, Any]) -> None:
    out.print()
    for step in found["path"]:
        out.print(f"  {step['question']} -> {step['answer']}", markup=False)
    if found["not_an_incident"]:
        out.print("\n[bold]Not an incident.[/] It needs no emergency response: file a ticket.")
    else:
        out.print(f"\n[bold]Suggested: {found['severity_name']}[/] ({found['severity']})")
    for example in found["examples"]:
        out.print(f"  like: {example}", markup=False)
    for line in found["response"]:
        out.print(f"  {line}", markup=False)


def triage(
    service: Annotated[
        str | None, typer.Option(help="Affected service, for who gets told.")
    ] = None,
    answers: Annotated[
        str | None, typer.Option(help="Answers as numbers, e.g. 2,1 (no questions asked).")
    ] = None,
    declare: Annotated[
        str | None, typer.Option(help="Declare with this title if it is an incident.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Walk the severity guide. When everything is urgent, nothing is."""
    if declare is not None and service is None:
        raise fail("--declare needs --service", EXIT_USAGE)
    given = guide_answers(answers, "--answers") if answers else []
    with client() as api:
        asker = None if answers else (err if as_json else out)
        found = _walk(api, given, service, asker)
        if not as_json:
            _show(found)
        if declare is None or found["not_an_incident"]:
            if as_json:
                print(json.dumps({"triage": found, "incident": None}, indent=2))
            elif declare is not None:
                out.print("Nothing was declared.")
            return
        body = {
            "title": declare,
            "service": service,
            "severity": found["severity"],
            "triage_answers": given,  # every answer, typed or asked: the server re-checks them
        }
        incident = api.call("POST", "/api/v1/incidents", json=body)
        if as_json:
            print(json.dumps({"triage": found, "incident": incident}, indent=2))
        else:
            emit(incident, False)
