"""`radar token`: API tokens. A token is shown once, when it is made, and never again."""

from __future__ import annotations

from typing import Annotated

import typer

from radar.cli.context import container, out
from radar.domain import duration

app = typer.Typer(help="API tokens.", no_args_is_help=True)


@app.command()
def create(
    user: Annotated[str, typer.Option(help="The user the token acts as.")] = "admin",
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    expires_in: Annotated[
        str | None, typer.Option(help="Lifetime such as 30d or 12h; default never.")
    ] = None,
) -> None:
    """Make an API token and print it once."""
    lifetime = duration.parse(expires_in, field="--expires-in") if expires_in else None
    with container() as c:
        made = c.accounts.create_token(user, name=name, expires_in=lifetime)
    expiry = made.token.expires_at.isoformat() if made.token.expires_at else "never"
    out.print(f"token {made.token.name!r} for {user} (expires {expiry}); it is shown only once:")
    print(made.secret)
