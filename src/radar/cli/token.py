"""`radar token`: API tokens. A token is shown once, when it is made, and never again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from radar.cli import times
from radar.cli.context import container, fail, out
from radar.domain import duration
from radar.domain.access import Permission, UserRole

if TYPE_CHECKING:
    from radar.bootstrap import Container

app = typer.Typer(help="API tokens.", no_args_is_help=True)


@app.command()
def create(
    user: Annotated[
        str | None, typer.Option(help="The user the token acts as (default: the first admin).")
    ] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    expires_in: Annotated[
        str | None, typer.Option(help="Lifetime such as 30d or 12h; default never.")
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="Only this permission: read, report, respond or admin. Repeat it, or give "
            "several as read,respond. Default: everything the user's role grants."
        ),
    ] = None,
) -> None:
    """Make an API token and print it once."""
    lifetime = duration.parse(expires_in, field="--expires-in") if expires_in else None
    scopes = ",".join(scope) if scope else None
    with container() as c:
        owner = user or _first_admin(c)
        made = c.accounts.create_token(owner, name=name, expires_in=lifetime, scopes=scopes)
    expiry = times.when(made.token.expires_at) if made.token.expires_at else "never"
    allowed = "scopes: " + _scopes(made.token.scopes, "all the role grants")
    out.print(
        f"token {made.token.name!r} for {owner} ({allowed}; expires {expiry}); "
        "it is shown only once:",
        markup=False,
    )
    print(made.secret)


@app.command("list")
def list_(
    user: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
) -> None:
    """List tokens: id, owner, name, prefix, scopes, dates. Secrets are never shown again."""
    with container() as c:
        found = c.accounts.tokens_with_owners(user)
    table = Table(
        "Id", "User", "Name", "Prefix", "Scopes", "Created", "Expires", "Last used", "Revoked"
    )
    for token, owner in found:
        dates = (token.created_at, token.expires_at, token.last_used_at, token.revoked_at)
        shown = [times.when(d) for d in dates]
        allowed = _scopes(token.scopes, f"all of {owner.role.value}")
        table.add_row(
            str(token.id), owner.username, token.name, token.prefix + "...", allowed, *shown
        )
    out.print(table)


def _first_admin(c: Container) -> str:
    """The admin a token is for when --user is left out: RADAR_ADMIN_USERNAME's account if it is
    an active admin, else the first active admin. Before any account exists, say how to make one."""
    accounts = [a.user for a in c.accounts.users()]
    if not accounts:
        raise fail(
            "no users yet: run `radar user bootstrap-admin` first "
            "(it makes the first admin and prints an API token)"
        )
    admins = [u for u in accounts if u.role is UserRole.ADMIN and not u.disabled]
    named = [u for u in admins if u.username == c.settings.admin_username]
    if not admins:
        raise fail("no active admin to make the token for: give --user NAME (`radar user list`)")
    return (named or admins)[0].username


def _scopes(scopes: frozenset[Permission] | None, otherwise: str) -> str:
    return ", ".join(sorted(p.value for p in scopes)) if scopes else otherwise


@app.command()
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id from `token list`.")],
) -> None:
    """Revoke a token at once."""
    with container() as c:
        c.accounts.revoke_token(token_id)
    out.print(f"token {token_id} revoked")
