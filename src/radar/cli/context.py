"""What CLI commands share: settings read once, the container, and one way to fail."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.console import Console

from radar.api import validation
from radar.domain.access import Principal, User, UserRole
from radar.settings import ClientSettings, Settings

if TYPE_CHECKING:
    from radar.bootstrap import Container

# soft_wrap: long lines (tokens, commands to copy) must not be cut when output is piped.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
if not out.is_terminal and "COLUMNS" not in os.environ:
    out.width = 200  # piped into a file or another program: don't fold tables at 80 columns

EXIT_REFUSED = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_REFUSED) -> typer.Exit:
    """Print one line on stderr and return the exit to raise: ``raise fail(...)``."""
    err.print(f"radar: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def guide_answers(text: str, option: str) -> list[int]:
    """``2,1`` as people type it (1-based) -> ``[1, 0]`` as the API takes it."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() and int(p) >= 1 for p in parts):
        raise fail(f"{option} takes numbers from 1, such as 2,1", EXIT_USAGE)
    return [int(p) - 1 for p in parts]


def setup_logging(level: str) -> None:
    import logging

    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the readiness check reads revisions


def require_database(c: Container) -> None:
    """Refuse to start (exit 2) on a database that cannot be reached or is not migrated."""
    checks = c.health.readiness().checks
    if checks.get("database") != "ok":
        raise fail(f"database {checks.get('database')}: is RADAR_DATABASE_URL right?", EXIT_USAGE)
    if checks.get("migrations") != "ok":
        raise fail("the database is not migrated; run `radar db upgrade` first", EXIT_USAGE)


def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "RADAR_" + str(first["loc"][0]).upper() if first["loc"] else "RADAR_*"
        raise fail(f"{name}: {validation.message(first)}", EXIT_USAGE) from None


def client_settings() -> ClientSettings:
    try:
        return ClientSettings()
    except ValidationError as exc:
        raise fail(f"client settings: {validation.message(exc.errors()[0])}", EXIT_USAGE) from None


@contextmanager
def container() -> Iterator[Container]:
    """The wired application. Imported lazily: client commands never pay for the server."""
    from radar.bootstrap import build

    built = build(settings())
    try:
        yield built
    finally:
        built.close()


def settle_memory() -> None:
    """Move everything loaded at start-up out of the garbage collector's way: a long-running
    process otherwise pauses for tens of milliseconds, now and then, to scan objects that
    live until it stops (measured in bench/web.py)."""
    gc.collect()
    gc.freeze()


def local_admin() -> Principal:
    """Who a server-side command acts as: its operator, who can reach the database."""
    return Principal(User(id=0, username="cli", display_name="radar CLI", role=UserRole.ADMIN))
