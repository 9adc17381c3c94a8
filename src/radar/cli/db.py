"""`radar db`: schema migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from radar.cli.context import container, out

app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision; default the newest.")] = "head",
) -> None:
    """Migrate the database to the newest schema (or REVISION). Safe to run again."""
    with container() as c:
        before, after = c.database.upgrade(revision)
    if before == after:
        out.print(f"database already at {after}")
    else:
        out.print(f"database migrated from {before or 'empty'} to {after}")


@app.command()
def downgrade(revision: Annotated[str, typer.Argument(help="Target, or `base`.")]) -> None:
    """Migrate the database back to REVISION (`base` removes every table)."""
    with container() as c:
        before, after = c.database.downgrade(revision)
    out.print(f"database migrated from {before} to {after or 'empty'}")


@app.command()
def current() -> None:
    """Show the database's schema revision."""
    with container() as c:
        out.print(c.database.current() or "empty (run `radar db upgrade`)")
