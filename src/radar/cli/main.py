"""Entry point: ``radar <noun> <verb>``. Errors become one line on stderr and an exit code:
1 for a refused action, 2 for bad usage or a bad file. Never a traceback."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

import radar
from radar.api import validation
from radar.cli import (
    audit,
    db,
    helptext,
    incident,
    integration,
    notify,
    policy,
    serve,
    slack,
    status,
    times,
    token,
    triage,
    user,
    worker,
)
from radar.cli.client import ApiError
from radar.cli.context import EXIT_REFUSED, EXIT_USAGE, fail, out
from radar.domain.errors import InvalidInput, RadarError


class _Radar(TyperGroup):
    """Turns Radar's errors into one line on stderr, wherever in the command tree they rise;
    and gives the whole tree's help in words (cli/helptext.py), once it is built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        helptext.words_for(self)

    def invoke(self, ctx: Any) -> Any:  # a typer (click) Context
        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:
            # Typer checks values with pydantic and repeats its phrasing ("Input should be less
            # than or equal to 200", "Value error, …"): say what was wrong in words instead.
            if isinstance(exc.__cause__, ValidationError) and exc.__cause__.errors():
                exc.message = validation.message(exc.__cause__.errors()[0])
            raise
        except RadarError as exc:
            code = EXIT_USAGE if isinstance(exc, InvalidInput) else EXIT_REFUSED
            raise fail(_one_line(exc), code) from None
        except ApiError as exc:
            code = EXIT_USAGE if exc.status in (400, 422) else EXIT_REFUSED
            raise fail(exc.message, code) from None
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            hint = "is RADAR_DATABASE_URL right, and has `radar db upgrade` run?"
            cause = type(getattr(exc, "orig", exc)).__name__
            raise fail(f"database error ({cause}): {hint}") from None


def _is_database_error(exc: Exception) -> bool:
    """SQLAlchemy's connection and schema errors, without importing SQLAlchemy for every command."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return type(exc).__module__.startswith("sqlalchemy") and bool(
        names & {"OperationalError", "ProgrammingError"}
    )


def _one_line(exc: RadarError) -> str:
    if isinstance(exc, InvalidInput) and len(exc.problems) > 1:
        return "\n".join(f"{p.field}: {p.message}" if p.field else p.message for p in exc.problems)
    return (
        f"{exc.field}: {exc.message}"
        if isinstance(exc, InvalidInput) and exc.field
        else exc.message
    )


app = typer.Typer(
    name="radar",
    cls=_Radar,
    help="Radar: incident management. The process as code; a response that runs itself.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"radar {radar.__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _everywhere(
    ctx: typer.Context,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            envvar="RADAR_TZ",
            show_envvar=False,
            metavar="ZONE",
            help="Show times in this IANA time zone, such as Europe/Madrid or UTC "
            "(also RADAR_TZ; default: this machine's zone).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_version,
            expose_value=False,
            help="Print Radar's version and exit.",
        ),
    ] = False,
) -> None:
    """Options for every command."""
    source = ctx.get_parameter_source("tz")
    env = source is not None and source.name == "ENVIRONMENT"
    times.choose(tz, "RADAR_TZ" if env else "--tz")


app.command("serve")(serve.serve)
app.command("triage")(triage.triage)
app.command("worker")(worker.worker)
app.add_typer(db.app, name="db")
app.add_typer(policy.app, name="policy")
app.add_typer(token.app, name="token")
app.add_typer(user.app, name="user")
app.add_typer(incident.app, name="incident")
app.add_typer(notify.app, name="notify")
app.add_typer(integration.app, name="integration")
app.add_typer(audit.app, name="audit")
app.add_typer(slack.app, name="slack")
app.add_typer(status.app, name="status")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
