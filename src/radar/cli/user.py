"""`radar user`: accounts."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from radar.cli import times
from radar.cli.context import EXIT_USAGE, container, fail, out
from radar.domain.access import UserRole
from radar.settings import ClientSettings

app = typer.Typer(help="User accounts.", no_args_is_help=True)
MIN_PASSWORD = 10  # services.accounts.MIN_PASSWORD, not imported: client commands stay light


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
    # The CLI talks to RADAR_URL (default http://127.0.0.1:8080): name it when this server is
    # elsewhere (RADAR_PORT=8090 make run), or the command to try would reach nothing.
    default = ClientSettings.model_fields["url"].default
    where = "" if url.rstrip("/") == default else f"RADAR_URL={url.rstrip('/')} "
    out.print(f"  Try: {where}RADAR_TOKEN={made.token.secret} radar incident list", markup=False)


@app.command()
def create(
    username: Annotated[str, typer.Argument(help="The new account's username.")],
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
    secret = _ask_password("Password") if password else None
    with container() as c:
        user = c.accounts.create_user(
            username, role=role, display_name=display_name, password=secret
        )
    out.print(f"user {user.username} created with role {user.role.value}")


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List accounts: username, name, role, whether disabled, when created."""
    with container() as c:
        accounts = c.accounts.users()
    if as_json:
        rows = [
            {
                "username": a.user.username,
                "display_name": a.user.display_name,
                "role": a.user.role.value,
                "disabled": a.user.disabled,
                "created_at": a.created_at.isoformat(),
            }
            for a in accounts
        ]
        print(json.dumps(rows, indent=2))
        return
    table = Table("Username", "Name", "Role", "Disabled", "Created")
    for a in accounts:
        created = times.when(a.created_at)
        disabled = "disabled" if a.user.disabled else ""
        name = Text(a.user.display_name)  # typed by people: not Rich markup
        table.add_row(a.user.username, name, a.user.role.value, disabled, created)
    out.print(table)


@app.command()
def disable(username: Annotated[str, typer.Argument(help="The account to disable.")]) -> None:
    """Disable an account: its web sessions end and its API tokens stop working at once."""
    with container() as c:
        user = c.accounts.disable_user(username)
    out.print(f"user {user.username} disabled; their sessions ended and their tokens stop working")


@app.command()
def enable(username: Annotated[str, typer.Argument(help="The account to enable.")]) -> None:
    """Enable a disabled account again (its tokens that have not expired work again)."""
    with container() as c:
        user = c.accounts.enable_user(username)
    out.print(f"user {user.username} enabled")


@app.command("set-role")
def set_role(
    username: Annotated[str, typer.Argument(help="The account.")],
    role: Annotated[UserRole, typer.Argument(help="admin, responder or viewer.")],
) -> None:
    """Change an account's role; it applies from the account's next request."""
    with container() as c:
        user = c.accounts.set_role(username, role)
    out.print(f"user {user.username} now has role {user.role.value}")


@app.command("reset-password")
def reset_password(
    username: Annotated[str, typer.Argument(help="The account.")],
    generate: Annotated[
        bool, typer.Option("--generate", help="Make a random password and print it once.")
    ] = False,
) -> None:
    """Set a new password for the web UI (asked twice, not shown); the account's web sessions
    end. With --generate, a random one is printed once instead."""
    with container() as c:
        c.accounts.user(username)  # an unknown name fails before any typing
        secret = None if generate else _ask_password("New password")
        chosen = c.accounts.reset_password(username, secret)
    if generate:
        out.print(f"password of {username} reset; it is shown only once:", markup=False)
        print(chosen)
    else:
        out.print(f"password of {username} reset; their web sessions ended", markup=False)


def _ask_password(prompt: str) -> str:
    secret: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    if len(secret) < MIN_PASSWORD:
        raise fail(f"a password needs at least {MIN_PASSWORD} characters", EXIT_USAGE)
    return secret
