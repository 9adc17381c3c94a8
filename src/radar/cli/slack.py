"""`radar slack manifest`: the Slack app manifest for this server's public URL."""

from __future__ import annotations

import json

import typer

from radar.cli.context import err, settings
from radar.integrations.slack_manifest import manifest

app = typer.Typer(help="Radar's Slack app.", no_args_is_help=True)


@app.command("manifest")
def show_manifest() -> None:
    """Print the app manifest (JSON) for RADAR_PUBLIC_URL: paste it into "Create New App → From
    an app manifest" at https://api.slack.com/apps."""
    configured = settings()
    public = configured.effective_public_url
    if not configured.public_url or not public.startswith("https://"):
        err.print(
            f"radar: warning: Slack calls Radar at {public}; it must be public and https "
            "(set RADAR_PUBLIC_URL)",
            markup=False,
            highlight=False,
        )
    typer.echo(json.dumps(manifest(public), indent=2, ensure_ascii=False))
