"""`radar triage`: walk the severity guide, see what would happen, and declare if it is one, or
keep a declined report when the guide finds it is not an incident (as the web's report form)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

from radar.cli.client import RadarClient
from radar.cli.context import EXIT_USAGE, err, fail, guide_answers, out
from radar.cli.incident import client, emit


def _numbers(answers: list[dict[str, Any]]) -> str:
    """``1 ("Yes") or 2 ("No")``: the numbers people type, with what each means."""
    shown = [f'{a["index"] + 1} ("{a["label"]}")' for a in answers]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


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
        say.print(f"Type {_numbers(question['answers'])}.", markup=False)


def _walk(
    api: RadarClient, given: list[int], service: str | None, ask_on: Console | None
) -> tuple[Any, list[int]]:
    """Follow the guide one question at a time: each answer given is checked against the
    question it answers (in the numbers people type), the rest are asked on ``ask_on``.
    The outcome, and every answer (0-based, as the API takes them)."""
    answers: list[int] = []
    while True:
        found = api.call("POST", "/api/v1/triage", json={"answers": answers, "service": service})
        if found["complete"]:
            if len(given) > len(answers):
                raise fail(
                    f"--answers: the guide ends at answer {len(answers)}; "
                    f"leave out the {len(given) - len(answers)} after it",
                    EXIT_USAGE,
                )
            return found, answers
        question = found["next_question"]
        if len(answers) < len(given):
            choice = given[len(answers)]
            if choice >= len(question["answers"]):
                raise fail(
                    f"--answers: {choice + 1} is not an answer to question {len(answers) + 1} "
                    f"({question['text']}); answer {_numbers(question['answers'])}",
                    EXIT_USAGE,
                )
            answers.append(choice)
        elif ask_on is None:
            raise fail(
                "the answers stop before the guide ends; add more with --answers", EXIT_USAGE
            )
        else:
            answers.append(_ask(question, ask_on))


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


def _hint(found: dict[str, Any], answers: list[int], service: str | None) -> None:
    """The command that acts on this outcome: the same walk, with --declare."""
    typed = ",".join(str(a + 1) for a in answers)
    again = f'radar triage --answers {typed} --service {service or "SERVICE"} --declare "TITLE"'
    if found["not_an_incident"]:
        out.print(
            f'\nTo keep it on record as not an incident: {again} --reason "WHY" [--ticket URL]',
            markup=False,
        )
    else:
        out.print(f"\nTo declare it {found['severity']}: {again}", markup=False)


def _declined(incident: dict[str, Any]) -> None:
    ref = incident["reference"]
    out.print(f"{ref} recorded as not an incident (declined): {incident['title']}", markup=False)
    out.print(f"  reason: {incident['decline_reason']}", markup=False)
    if incident["ticket_url"]:
        out.print(f"  ticket: {incident['ticket_url']}", markup=False)
    out.print(
        f"No response starts. See it with `radar incident show {ref}`; "
        "`radar incident list --ended` lists it with the others.",
        markup=False,
    )


def triage(
    service: Annotated[
        str | None, typer.Option(help="Affected service, for who gets told.")
    ] = None,
    answers: Annotated[
        str | None, typer.Option(help="Answers as numbers, e.g. 2,1 (no questions asked).")
    ] = None,
    declare: Annotated[
        str | None,
        typer.Option(
            help="Declare with this title if it is an incident; if the guide finds it is not "
            "one, keep it on record as a declined report."
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            help="Why it is not an incident, for the declined report (default: the guide's "
            "last answer)."
        ),
    ] = None,
    ticket: Annotated[
        str | None, typer.Option(help="Link to the ticket filed instead, for the declined report.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Walk the severity guide. When everything is urgent, nothing is."""
    if declare is not None and service is None:
        raise fail("--declare needs --service", EXIT_USAGE)
    if (reason is not None or ticket is not None) and declare is None:
        raise fail("--reason and --ticket go with --declare", EXIT_USAGE)
    given = guide_answers(answers, "--answers") if answers else []
    with client() as api:
        asker = None if answers else (err if as_json else out)
        found, walked = _walk(api, given, service, asker)
        if not as_json:
            _show(found)
        if declare is None:
            if as_json:
                print(json.dumps({"triage": found, "incident": None}, indent=2))
            else:
                _hint(found, walked, service)
            return
        body: dict[str, Any] = {
            "title": declare,
            "service": service,
            "triage_answers": walked,  # every answer, typed or asked: the server re-checks them
        }
        if found["not_an_incident"]:
            why = reason or f"the severity guide: {found['path'][-1]['answer']}"
            body["not_an_incident"] = {"reason": why, "ticket_url": ticket}
        elif reason is not None or ticket is not None:
            raise fail(
                "--reason and --ticket are for a report the guide finds is not an incident; "
                f"this one is {found['severity']}: nothing was declared",
                EXIT_USAGE,
            )
        else:
            body["severity"] = found["severity"]
        incident = api.call("POST", "/api/v1/incidents", json=body)
        if as_json:
            print(json.dumps({"triage": found, "incident": incident}, indent=2))
        elif found["not_an_incident"]:
            _declined(incident)
        else:
            emit(incident, False)
