"""`radar incident`: declare and work incidents through the API (RADAR_URL, RADAR_TOKEN)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Column, Table

from radar.cli import times
from radar.cli.client import ApiError, RadarClient
from radar.cli.context import EXIT_REFUSED, EXIT_USAGE, client_settings, fail, guide_answers, out
from radar.domain.lifecycle import Status
from radar.domain.roles import Role
from radar.domain.wording import ROLE_LABELS, Worded

app = typer.Typer(help="Declare and work incidents through the API.", no_args_is_help=True)
Ref = Annotated[str, typer.Argument(help="INC-42 or 42.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@contextmanager
def client() -> Iterator[RadarClient]:
    s = client_settings()
    if not s.token:
        raise fail("set RADAR_TOKEN to an API token (`radar token create` makes one)", EXIT_USAGE)
    client = RadarClient(s.url, s.token)
    try:
        yield client
    finally:
        client.close()


def _when(value: str | datetime | None) -> str:
    """``2026-12-02 18:41 CET``: in the zone of ``--tz``/``RADAR_TZ`` (``cli/times.py``)."""
    return times.when(value)


def emit(data: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, indent=2))
    elif data["status"] == "declined":  # its level was only recorded: it means nothing
        out.print(f"{data['reference']} declined, not an incident: {data['title']}", markup=False)
    else:
        state = _acknowledged(data)
        out.print(
            f"{data['reference']} [{data['severity']}] {data['status']}, {state}: {data['title']}",
            markup=False,
        )


def _acknowledged(data: dict[str, Any]) -> str:
    """The acknowledgement in the API's words, with what came before ("acknowledged at Sev2 -
    Major by Laura Gómez (web); Sev1 - Critical not yet acknowledged"); a server too old to
    word it gets the plain fact."""
    if data.get("acknowledgement_text"):
        return str(data["acknowledgement_text"])
    ack = data["acknowledgement"]
    return f"acknowledged by {ack['by']}" if ack else "not acknowledged"


def _call(method: str, path: str, as_json: bool, **kwargs: Any) -> None:
    with client() as api:
        emit(api.call(method, path, **kwargs), as_json)


@app.command()
def declare(
    title: Annotated[str, typer.Option(help="What is wrong, in one line.")],
    service: Annotated[str, typer.Option(help="Affected service id from the policy.")],
    severity: Annotated[str, typer.Option(help="Severity id from the policy, e.g. sev2.")],
    description: Annotated[str, typer.Option(help="More detail.")] = "",
    reporter: Annotated[str | None, typer.Option(help="Reported on behalf of.")] = None,
    restricted: Annotated[bool, typer.Option("--restricted", help="Participants only.")] = False,
    drill: Annotated[bool, typer.Option("--drill", help="A practice incident.")] = False,
    triage_answers: Annotated[
        str | None, typer.Option(help="Your answers to the severity guide, e.g. 2,1.")
    ] = None,
    severity_reason: Annotated[
        str | None, typer.Option(help="Why, when the severity differs from the guide's.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Declare an incident."""
    body = {
        "title": title,
        "service": service,
        "severity": severity,
        "description": description,
        "restricted": restricted,
        "drill": drill,
    }
    if reporter:
        body["reporter"] = reporter
    if triage_answers:
        body["triage_answers"] = guide_answers(triage_answers, "--triage-answers")
    if severity_reason:
        body["severity_reason"] = severity_reason
    _call("POST", "/api/v1/incidents", as_json, json=body)


_NONE = {True: "No open incidents.", False: "No ended incidents.", None: "No incidents yet."}


@app.command("list")
def list_(
    status: Annotated[
        list[str] | None,
        typer.Option(help=f"Only this status (repeatable): {', '.join(Status)}."),
    ] = None,
    severity: Annotated[list[str] | None, typer.Option(help="Only this severity.")] = None,
    service: Annotated[list[str] | None, typer.Option(help="Only this service.")] = None,
    open_: Annotated[
        bool | None, typer.Option("--open/--ended", help="Only open, or only ended.")
    ] = None,
    drill: Annotated[
        bool | None, typer.Option("--drill/--real", help="Only drills, or only real incidents.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            help="Text, in any case, in the title, description, updates, resolution summary "
            "or reasons given."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many to show at most.")] = 50,
    cursor: Annotated[str | None, typer.Option(help="Next page, from a previous list.")] = None,
    as_json: Json = False,
) -> None:
    """List incidents, newest first."""
    params: dict[str, Any] = {"limit": limit}
    for key, value in (("status", status), ("severity", severity), ("service", service)):
        if value:
            params[key] = value
    if open_ is not None:
        params["open"] = str(open_).lower()
    if drill is not None:
        params["drill"] = str(drill).lower()
    if search:
        params["q"] = search
    if cursor:
        params["cursor"] = cursor
    with client() as api:
        page = api.call("GET", "/api/v1/incidents", params=params)
    if as_json:
        print(json.dumps(page, indent=2))
        return
    if not page["items"]:
        filtered = len(params) > (1 if open_ is None else 2)  # more than limit (and --open)
        out.print("No incidents match." if filtered or cursor else _NONE.get(open_, ""))
        return
    # The acknowledgement is said in words; its column keeps room for "acknowledged" whole, so
    # even 80 columns wrap the words rather than cut them.
    ack = Column("Ack", min_width=14)
    table = Table("Ref", "Sev", "Status", ack, "Service", "Title", "Declared")
    for i in page["items"]:
        level = "-" if i["status"] == "declined" else i["severity"]  # not an incident
        first = (i["reference"], level, i["status"], _acknowledged(i))
        table.add_row(*first, i["service"], i["title"], _when(i["declared_at"]))
    out.print(table)
    if page["next_cursor"]:
        out.print(f"more: radar incident list --cursor {page['next_cursor']}")


@app.command()
def show(incident: Ref, as_json: Json = False) -> None:
    """Show one incident with its timeline."""
    with client() as api:
        data = api.call("GET", f"/api/v1/incidents/{incident}")
        if as_json:
            print(json.dumps(data, indent=2))
            return
        # Role holders are stored by id: shown by name, as the timeline and `assign` show them.
        named = {}
        if data["roles"]:
            found = api.call("GET", f"/api/v1/incidents/{incident}/role-candidates")
            named = {h["id"]: f"{h['name']} ({h['id']})" for h in found["items"]}
    emit(data, False)
    out.print(f"service {data['service']}, reported by {data['reporter']}", markup=False)
    for role, who in data["roles"].items():
        out.print(f"{ROLE_LABELS.get(role, role)}: {named.get(who, who)}", markup=False)
    if data.get("proposed_severity"):
        ref = data["reference"]
        out.print(
            f"Radar proposes {data['proposed_severity']} (since {_when(data['proposed_at'])}): "
            f"radar incident answer-upgrade {ref} --accept (or --decline)",
            markup=False,
        )
    table = Table("When", "Who", "What")
    for e in data["timeline"]:
        table.add_row(_when(e["at"]), e["actor"], _words(e))
    out.print(table)


def _words(entry: dict[str, Any]) -> str:
    """An entry in the API's words (what changed, then why), an instant in it in local time."""
    due = datetime.fromisoformat(entry["due"]) if entry.get("due") else None
    worded = Worded(entry["what"], entry.get("why"), entry.get("public", False), due)
    return worded.text(_when)


@app.command()
def plan(incident: Ref, as_json: Json = False) -> None:
    """What the response will do next, when and why (held steps included)."""
    with client() as api:
        data = api.call("GET", f"/api/v1/incidents/{incident}/plan")
    if as_json:
        print(json.dumps(data, indent=2))
        return
    out.print(f"{data['incident']} [{data['severity']}] {data['status']}", markup=False)
    if not data["pending"]:
        out.print("Nothing pending: the response has nothing left to do.")
    table = Table("When", "What", "Action", "Unless / held")
    for i in data["pending"]:
        note = " ".join(x for x in (i["condition"], i["held"]) if x)
        table.add_row(_when(i["runs_at"]), i["what"], i["action"], note)
    if data["pending"]:
        out.print(table)
    sent = sum(1 for n in data["notifications"] if n["state"] == "sent")
    out.print(f"{len(data['notifications'])} notification(s) queued so far, {sent} sent.")


@app.command()
def ack(incident: Ref, as_json: Json = False) -> None:
    """Acknowledge: you are responding."""
    _call("POST", f"/api/v1/incidents/{incident}/acknowledge", as_json)


@app.command("add-participant")
def add_participant(
    incident: Ref,
    username: Annotated[str, typer.Argument(help="An account, or a person of the policy.")],
    as_json: Json = False,
) -> None:
    """Let someone see and follow the incident (what opens a restricted incident to them)."""
    with client() as api:
        found = api.call(
            "POST", f"/api/v1/incidents/{incident}/participants", json={"username": username}
        )
    if as_json:
        print(json.dumps(found, indent=2))
        return
    taking_part = ", ".join(f"{p['username']} ({p['why']})" for p in found["participants"])
    out.print(f"{incident} participants: {taking_part}", markup=False)


@app.command()
def update(
    incident: Ref,
    message: Annotated[str, typer.Argument(help="The update, e.g. 'We are still investigating.'")],
    status: Annotated[str | None, typer.Option(help="Also move to this status.")] = None,
    public: Annotated[bool, typer.Option("--public", help="Visible to stakeholders.")] = False,
    as_json: Json = False,
) -> None:
    """Post a status update."""
    body: dict[str, Any] = {"message": message, "visibility": "public" if public else "internal"}
    if status:
        body["status"] = status
    _call("POST", f"/api/v1/incidents/{incident}/updates", as_json, json=body)


@app.command()
def resolve(
    incident: Ref,
    summary: Annotated[str, typer.Option(help="What happened and what fixed it.")],
    public: Annotated[bool, typer.Option("--public", help="Visible to stakeholders.")] = False,
    as_json: Json = False,
) -> None:
    """Resolve with a summary."""
    body = {"summary": summary, "visibility": "public" if public else "internal"}
    _call("POST", f"/api/v1/incidents/{incident}/resolve", as_json, json=body)


@app.command()
def severity(
    incident: Ref,
    level: Annotated[str, typer.Argument(help="New severity id, e.g. sev1.")],
    reason: Annotated[str, typer.Option(help="Why the level changes (required).")],
    as_json: Json = False,
) -> None:
    """Change the severity, with a reason."""
    body = {"severity": level, "reason": reason}
    _call("POST", f"/api/v1/incidents/{incident}/severity", as_json, json=body)


@app.command("answer-upgrade")
def answer_upgrade(
    incident: Ref,
    accept: Annotated[
        bool, typer.Option("--accept", help="Move to the level Radar proposes.")
    ] = False,
    decline: Annotated[
        bool, typer.Option("--decline", help="Keep the level; Radar asks again later.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Answer the upgrade Radar proposed: --accept or --decline."""
    if accept == decline:
        raise fail("give exactly one of --accept and --decline", EXIT_USAGE)
    with client() as api:
        before = api.call("GET", f"/api/v1/incidents/{incident}")
        try:
            after = api.call(
                "POST", f"/api/v1/incidents/{incident}/upgrade-proposal", json={"accept": accept}
            )
        except ApiError as exc:
            if exc.status == 422:  # nothing proposed: refused, not a mistake in the command
                raise fail(exc.message.removeprefix("accept: "), EXIT_REFUSED) from None
            raise
    if as_json:
        print(json.dumps(after, indent=2))
    elif accept:
        out.print(
            f"{after['reference']} is now {after['severity']}: you accepted Radar's proposal",
            markup=False,
        )
    else:
        declined = before.get("proposed_severity") or "the proposed level"
        out.print(
            f"{after['reference']} stays {after['severity']}: "
            f"you declined the upgrade to {declined}",
            markup=False,
        )


@app.command()
def assign(
    incident: Ref,
    role: Annotated[Role, typer.Argument(help="commander, communications_lead or deputy.")],
    person: Annotated[
        str | None,
        typer.Argument(
            help="Who: the id of a person of the policy or of an account (their name or Slack "
            "id also finds them); leave out with --clear."
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Leave the role unassigned.")] = False,
    as_json: Json = False,
) -> None:
    """Assign an incident role to someone Radar knows, and say who holds it now."""
    if (person is None) != clear:
        raise fail("give a PERSON, or --clear to unassign the role", EXIT_USAGE)
    body = {"assignee": None if clear else person}
    with client() as api:
        done = api.call("PUT", f"/api/v1/incidents/{incident}/roles/{role.value}", json=body)
    if as_json:
        print(json.dumps(done, indent=2))
        return
    holder, held = done.get("holder"), done["roles"].get(role.value)
    who = f"{holder['name']} ({holder['id']})" if holder else held or "nobody"
    if holder and holder["name"] == holder["id"]:
        who = holder["id"]
    out.print(f"{done['reference']} {role.value.replace('_', ' ')}: {who}", markup=False)


@app.command()
def reopen(
    incident: Ref, reason: Annotated[str, typer.Option(help="Why.")], as_json: Json = False
) -> None:
    """Reopen a resolved incident."""
    _call("POST", f"/api/v1/incidents/{incident}/reopen", as_json, json={"reason": reason})


@app.command()
def close(incident: Ref, as_json: Json = False) -> None:
    """Close a resolved incident."""
    _call("POST", f"/api/v1/incidents/{incident}/close", as_json)


@app.command()
def decline(
    incident: Ref,
    reason: Annotated[str, typer.Option(help="Why this is not an incident.")],
    ticket: Annotated[str | None, typer.Option(help="Link to the ticket filed instead.")] = None,
    as_json: Json = False,
) -> None:
    """Not an incident: decline it from triage, with a reason."""
    body: dict[str, Any] = {"reason": reason}
    if ticket:
        body["ticket_url"] = ticket
    _call("POST", f"/api/v1/incidents/{incident}/decline", as_json, json=body)


@app.command("report-anyway")
def report_anyway(
    incident: Ref,
    level: Annotated[str, typer.Argument(help="The severity it is reported at, e.g. sev3.")],
    reason: Annotated[str, typer.Option(help="Why it is an incident after all (required).")],
    as_json: Json = False,
) -> None:
    """A declined report is an incident after all: report it at LEVEL; its response starts."""
    body = {"severity": level, "reason": reason}
    _call("POST", f"/api/v1/incidents/{incident}/report-anyway", as_json, json=body)
