"""`radar status`: the public status page's components, and the state people set for them,
through the API (RADAR_URL, RADAR_TOKEN)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from radar.cli import times
from radar.cli.context import out
from radar.cli.incident import client

app = typer.Typer(help="The public status page's components.", no_args_is_help=True)
component = typer.Typer(
    help="Set the state a component shows, or hand it back to its incidents.",
    no_args_is_help=True,
)
app.add_typer(component, name="component")

Service = Annotated[
    str, typer.Argument(help="A service id of the policy (or its component's name).")
]
Incident = Annotated[
    str | None,
    typer.Option(
        "--incident", metavar="INC-n", help="The incident it is done for: it goes on its timeline."
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command()
def show(as_json: Json = False) -> None:
    """Each component: the state the status page shows, and why."""
    with client() as api:
        found = api.call("GET", "/api/v1/status/components")
    if as_json:
        print(json.dumps(found, indent=2))
        return
    table = Table("Service", "Component", "State", "Why")
    for c in found["items"]:
        table.add_row(c["service"], c["name"], c["label"], _why(c))
    out.print(table)


@component.command("set")
def set_state(
    service: Service,
    state: Annotated[
        str,
        typer.Argument(
            help="operational, degraded_performance, partial_outage, major_outage or "
            "under_maintenance."
        ),
    ],
    hold: Annotated[
        bool,
        typer.Option(
            "--hold/--no-hold",
            help="Hold it until released, whatever the incidents do (the default); "
            "--no-hold: until the open incidents on it change.",
        ),
    ] = True,
    incident: Incident = None,
    as_json: Json = False,
) -> None:
    """Show STATE for a component on the status page."""
    body: dict[str, Any] = {"state": state, "hold": hold, "incident": incident}
    with client() as api:
        done = api.call("PUT", f"/api/v1/status/components/{service}", json=body)
    if as_json:
        print(json.dumps(done, indent=2))
        return
    out.print(f"{done['name']}: {done['label']}, {_why(done)}.", markup=False)


@component.command("release")
def release(service: Service, incident: Incident = None, as_json: Json = False) -> None:
    """Hand a component back to its incidents: it shows what they imply again."""
    params = {"incident": incident} if incident else None
    with client() as api:
        done = api.call("DELETE", f"/api/v1/status/components/{service}", params=params)
    if as_json:
        print(json.dumps(done, indent=2))
        return
    out.print(f"{done['name']}: {done['label']}, {_why(done)}.", markup=False)


def _why(c: dict[str, Any]) -> str:
    """``held by Laura Gómez since 2026-12-02 18:41 CET for INC-3 (its incidents: Partial
    outage)``, or ``from its incidents``."""
    s = c.get("setting")
    if s is None:
        return "from its incidents"
    by, at = s["set_by"], times.when(s["set_at"])
    said = f"held by {by} since {at}" if s["held"] else f"set by {by} at {at}"
    if s.get("incident"):
        said += f" for {s['incident']}"
    if not s["held"]:
        said += ", until its incidents change"
    implied = c["implied"].replace("_", " ").capitalize()
    return f"{said} (its incidents: {implied})"
