"""`radar policy simulate`: the timeline one incident would have, before the policy runs it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from radar.cli.context import EXIT_USAGE, container, fail, out
from radar.domain import duration
from radar.domain.calendar import WEEKDAYS
from radar.domain.errors import InvalidInput, PolicyError

if TYPE_CHECKING:
    from radar.domain.events import TimelineEntry


def _at(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise fail(
            f"--at: {text!r} is not a time; write it like '2026-11-27 23:10' (local to the "
            "service's team) or '2026-11-27T22:10Z'",
            EXIT_USAGE,
        ) from None


def _after(text: str | None, option: str) -> timedelta | None:
    if text is None:
        return None
    try:
        return duration.parse(text, field=option)
    except InvalidInput as exc:
        raise fail(f"{option}: {exc.message}", EXIT_USAGE) from None


def simulate(
    file: Annotated[
        Path | None, typer.Argument(help="A policy file; default: the running policy.")
    ] = None,
    severity: Annotated[str, typer.Option(help="Severity id, e.g. sev2.")] = "sev2",
    service: Annotated[str, typer.Option(help="Service id from the policy.")] = "",
    at: Annotated[
        str, typer.Option(help="When it is declared: local time of the service's team.")
    ] = "",
    ack_after: Annotated[
        str | None, typer.Option(help="Someone acknowledges this long after, e.g. 15m.")
    ] = None,
    resolve_after: Annotated[
        str | None, typer.Option(help="It is resolved this long after, e.g. 3h.")
    ] = None,
) -> None:
    """Print who would be told what, when, and why anything is held, for one incident.

    The production planner and engine run on a throw-away database with a frozen clock; nothing
    is sent. Without --resolve-after it runs until the response has nothing left to do (at most
    14 days).
    """
    from radar.simulation import Scenario
    from radar.simulation import simulate as run

    if not service:
        raise fail("--service is required (a service id from the policy)", EXIT_USAGE)
    if file is not None:
        from radar.cli.policy import read_policy

        text, name = read_policy(file), str(file)
    else:
        with container() as c:
            running = c.policies.current()
            text, name = running.stored.content, running.stored.filename
    scenario = Scenario(
        severity=severity,
        service=service,
        at=_at(at) if at else datetime.now().astimezone(),
        ack_after=_after(ack_after, "--ack-after"),
        resolve_after=_after(resolve_after, "--resolve-after"),
    )
    try:
        result = run(text, name, scenario)
    except PolicyError as exc:
        from radar.cli.policy import report

        raise report(exc) from None
    zone = ZoneInfo(result.timezone)
    start = result.declared_at.astimezone(zone)
    out.print(
        f"{severity} on {service}, declared {_when(start)} {result.timezone} ({name})",
        markup=False,
    )
    width = max((len(e.actor) for e in result.timeline), default=0)
    for entry in result.timeline:
        when = _when(entry.at.astimezone(zone))
        out.print(f"{when}  {entry.actor:<{width}}  {_what(entry)}", markup=False, highlight=False)
    out.print(f"{len(result.notifications)} notification(s) would be sent.")


def _when(local: datetime) -> str:
    return f"{WEEKDAYS[local.weekday()].capitalize()} {local:%d %b %H:%M}"


def _what(e: TimelineEntry) -> str:
    if e.kind == "declared":
        return f"declared {e.new}" + (f" ({e.message})" if e.message else "")
    if e.kind == "severity_changed":
        return f"severity {e.old} → {e.new}: {e.message}"
    if e.kind in ("acknowledged", "resolved"):
        return e.kind
    return e.message or e.kind
