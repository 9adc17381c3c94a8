"""`radar integration`: keys through which monitoring tools send alerts. Runs on the server, with
the database, as its operator (an admin)."""

from __future__ import annotations

from typing import Annotated

import typer

from radar.cli import times
from radar.cli.context import container, local_admin, out
from radar.domain import duration
from radar.domain.alerts import Kind

app = typer.Typer(help="Integration keys for monitoring tools.", no_args_is_help=True)

ENDPOINTS = {
    Kind.PAGERDUTY: "POST {url}/v2/enqueue with the key as routing_key",
    Kind.ALERTMANAGER: "webhook_configs url: {url}/integrations/alertmanager/KEY",
    Kind.GRAFANA: "contact point (webhook) URL: {url}/integrations/grafana/KEY",
    Kind.HEARTBEAT: "ping GET or POST {url}/integrations/heartbeat/KEY at least every {every}",
    Kind.GENERIC: "POST JSON to {url}/integrations/generic/KEY",
}


@app.command()
def create(
    service: Annotated[str, typer.Option(help="The service whose alerts these are.")],
    kind: Annotated[
        Kind, typer.Option(help="pagerduty, alertmanager, grafana, heartbeat, generic.")
    ],
    name: Annotated[str, typer.Option(help="A name shown on incidents it opens.")] = "",
    rate: Annotated[
        int | None, typer.Option(min=1, help="Most events a minute; more get 429.")
    ] = None,
    every: Annotated[
        str | None, typer.Option(help="Heartbeats: a ping is expected this often (5m, 1h).")
    ] = None,
    mapping: Annotated[
        str | None, typer.Option(help="Generic webhooks: the policy's alerts.webhooks id.")
    ] = None,
) -> None:
    """Make an integration key; it is printed once, on the last line."""
    interval = duration.parse(every, field="every") if every else None
    with container() as c:
        made = c.ingest.create(
            local_admin(),
            service=service,
            kind=kind,
            name=name,
            per_minute=rate,
            every=interval,
            mapping=mapping,
        )
        url = c.settings.effective_public_url
    out.print(
        f"integration {made.integration.id} ({made.integration.name}) for {service}", markup=False
    )
    out.print(ENDPOINTS[kind].format(url=url, every=every), markup=False)
    out.print(made.key, markup=False)


@app.command("list")
def list_() -> None:
    """Every integration key (by its first characters), its service and whether it is revoked."""
    with container() as c:
        found = c.ingest.integrations(local_admin())
    for i in found:
        state = f"revoked {times.day(i.revoked_at)}" if i.revoked_at else "active"
        out.print(
            f"{i.id}\t{i.prefix}…\t{i.kind.value}\t{i.service}\t{i.name}\t{state}", markup=False
        )


@app.command()
def revoke(
    integration_id: Annotated[int, typer.Argument(help="The key's id from `integration list`.")],
) -> None:
    """Stop accepting events with this key."""
    with container() as c:
        c.ingest.revoke(local_admin(), integration_id)
    out.print(f"integration {integration_id} revoked")
