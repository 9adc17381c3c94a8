"""`radar policy simulate`: the timeline one incident would have, before the policy runs it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from radar.cli.context import EXIT_USAGE, container, fail, out
from radar.domain import duration, wording
from radar.domain.calendar import WEEKDAYS
from radar.domain.errors import InvalidInput, PolicyError

if TYPE_CHECKING:
    from collections.abc import Callable

    from radar.domain.events import TimelineEntry
    from radar.domain.wording import Worded


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


ONE_INCIDENT = ("severity", "service", "at", "ack_after", "resolve_after", "update_every")


def simulate(
    ctx: typer.Context,
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
    update_every: Annotated[
        str | None,
        typer.Option(
            help="Someone posts an update this often from the acknowledgement on, e.g. 20m: "
            "the incident is being worked on."
        ),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(
            help="Replay a stream of incidents (JSON Lines) instead, and count the "
            "interruptions per person and per cause."
        ),
    ] = None,
) -> None:
    """Print who would be told what, when, and why anything is held, for one incident; or,
    with --replay, the interruptions a whole stream of incidents would cause.

    The production planner and engine run on a throw-away database with a frozen clock; nothing
    is sent. Without --resolve-after it runs until the response has nothing left to do (at most
    14 days).
    """
    from radar.policyfile import load
    from radar.simulation import Scenario
    from radar.simulation import simulate as run

    if replay is not None:
        given = ["--" + name.replace("_", "-") for name in ONE_INCIDENT if _typed(ctx, name)]
        if given:
            one = ", ".join(given)
            raise fail(f"--replay replays a whole stream: leave out {one}", EXIT_USAGE)
    elif not service:
        raise fail("--service is required (a service id from the policy)", EXIT_USAGE)
    text, name = policy_text(file)
    if replay is not None:
        from radar.cli import replay as replayed

        replayed.show(replayed.run(text, name, replay), replay, name)
        return
    scenario = Scenario(
        severity=severity,
        service=service,
        at=_at(at) if at else datetime.now().astimezone(),
        ack_after=_after(ack_after, "--ack-after"),
        resolve_after=_after(resolve_after, "--resolve-after"),
        update_every=_after(update_every, "--update-every"),
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
    words = wording.for_policy(load.load(text, name))  # it loaded once already: no error
    width = max((len(e.actor) for e in result.timeline), default=0)
    shown: set[tuple[datetime, str]] = set()
    for entry in result.timeline:
        if not _tells(entry) or (entry.at, entry.message or "") in shown:
            continue  # a bundle's members each record its one send: say it once
        if entry.kind == "delivery":
            shown.add((entry.at, entry.message or ""))
        when = _when(entry.at.astimezone(zone))
        said = _what(entry, words, zone)
        out.print(f"{when}  {entry.actor:<{width}}  {said}", markup=False, highlight=False)
    out.print(f"{len(result.notifications)} notification(s) would be sent.")


def _typed(ctx: typer.Context, name: str) -> bool:
    """Whether the option ``name`` was given on the command line (not left to its default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def policy_text(file: Path | None) -> tuple[str, str]:
    """The text and name of FILE, else of the running policy."""
    if file is not None:
        from radar.cli.policy import read_policy

        return read_policy(file), str(file)
    with container() as c:
        running = c.policies.current()
        return running.stored.content, running.stored.filename


def _when(local: datetime) -> str:
    return f"{WEEKDAYS[local.weekday()].capitalize()} {local:%d %b %H:%M}"


RECORDED = "Recorded the message to "  # how the record channel (nothing sent) words a send


def _tells(e: TimelineEntry) -> bool:
    """Whether a line says something the decision lines do not: a send is shown only when a
    send window held it or bundled it with others."""
    if e.kind != "delivery":
        return True
    text = e.message or ""
    return "after Radar decided" in text or "in one message with" in text


def _what(e: TimelineEntry, words: Callable[[TimelineEntry], Worded], zone: ZoneInfo) -> str:
    """The entry in the timeline's words (``domain/wording.py``), an instant in it local to the
    team; a send to the record channel (nothing is sent) as what it would have been."""
    if e.kind == "delivery" and (e.message or "").startswith(RECORDED):
        return "Sent to " + (e.message or "").removeprefix(RECORDED)
    return words(e).text(lambda at: _when(at.astimezone(zone)))
