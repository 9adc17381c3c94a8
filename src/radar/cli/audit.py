"""`radar audit`: the audit log through the API (an admin's RADAR_TOKEN)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from radar.cli.context import out
from radar.cli.incident import Json, _when, client

app = typer.Typer(help="Who changed what, when, from where (admins).", no_args_is_help=True)


@app.command("list")
def list_(
    actor: Annotated[str | None, typer.Option(help="Only this username.")] = None,
    since: Annotated[
        str | None, typer.Option(help="From this time, ISO 8601 with a zone (2026-11-27T09:00Z).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Before this time.")] = None,
    path: Annotated[str | None, typer.Option(help="Paths starting with this.")] = None,
    refused: Annotated[
        bool | None, typer.Option("--refused/--done", help="Only refused, or only done.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many to show at most.")] = 50,
    cursor: Annotated[str | None, typer.Option(help="Next page, from a previous list.")] = None,
    as_json: Json = False,
) -> None:
    """Authenticated writes and refused attempts, newest first."""
    params: dict[str, Any] = {"limit": limit}
    for key, value in (("actor", actor), ("since", since), ("until", until), ("path", path)):
        if value:
            params[key] = value
    if refused is not None:
        params["refused"] = str(refused).lower()
    if cursor:
        params["cursor"] = cursor
    with client() as api:
        page = api.call("GET", "/api/v1/audit", params=params)
    if as_json:
        print(json.dumps(page, indent=2))
        return
    table = Table("When", "Who", "Token", "From", "Request", "Answer")
    for e in page["items"]:
        token = str(e["token_id"]) if e["token_id"] is not None else "web"
        request = f"{e['method']} {e['path']}"
        table.add_row(_when(e["at"]), e["actor"], token, e["source_ip"], request, str(e["status"]))
    out.print(table)
    if page["next_cursor"]:
        out.print(f"More: --cursor {page['next_cursor']}")
