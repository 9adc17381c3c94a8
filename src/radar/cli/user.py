"""`radar user`: accounts."""

from __future__ import annotations

from typing import Annotated

import typer

from radar.cli.context import EXIT_USAGE, container, fail, out
from radar.domain.access import UserRole

app = typer.Typer(help="User accounts.", no_args_is_help=True)
MIN_PASSWORD = 10


@app.command("bootstrap-admin")
def bootstrap_admin() -> None:
    """Create the first admin and an API token, printed once. Does nothing once users exist."""
    with container() as c:
        made = c.accounts.bootstrap_admin(c.settings.admin_username)
        url = c.settings.effective_public_url
    if made is None:
        out.print("users already exist; no new credentials were made")
        return
    out.print("[bold green]First admin created.[/] These secrets are shown once, never again:")
    out.print(f"  URL:       {url}")
    out.print(f"  username:  {made.user.username}")
    out.print(f"  password:  {made.password}", markup=False)
    out.print(f"  API token: {made.token.secret}", markup=False)
    out.print(f"  Try: RADAR_TOKEN={made.token.secret} radar incident list", markup=False)


@app.command()
def create(
    username: str,
    role: Annotated[
        UserRole, typer.Option(help="admin, responder or viewer.")
    ] = UserRole.RESPONDER,
    display_name: Annotated[str, typer.Option(help="Name shown to people.")] = "",
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help="Ask for a password (typed twice, not shown) to sign in to the web UI.",
        ),
    ] = False,
) -> None:
    """Create an account; with --password it can sign in to the web UI."""
    secret = None
    if password:
        secret = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(secret) < MIN_PASSWORD:
            raise fail(f"--password: use at least {MIN_PASSWORD} characters", EXIT_USAGE)
    with container() as c:
        user = c.accounts.create_user(
            username, role=role, display_name=display_name, password=secret
        )
    out.print(f"user {user.username} created with role {user.role.value}")
