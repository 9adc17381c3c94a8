"""`radar policy simulate --replay` and `radar policy diff --replay`: what a stream of incidents
would cost the people a policy reaches, per person and per cause."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from radar.cli.context import EXIT_USAGE, err, fail, out
from radar.domain import interruptions as cost
from radar.domain.calendar import WEEKDAYS
from radar.domain.errors import PolicyError
from radar.domain.interruptions import Cause, Counts, Interruption, When

if TYPE_CHECKING:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from radar.domain.policy import Policy
    from radar.replay import Replay, StreamError

SHOWN_SKIPPED = 10
COLUMNS = (When.BUSINESS_HOURS, When.EVENING, When.NIGHT)


def read_stream(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{path}: cannot read: {exc}", EXIT_USAGE) from None


def check_stream(stream: Path, policy: Policy) -> None:
    """Exit 2 for a stream that cannot be read, or has a line ``policy`` cannot replay."""
    from radar.replay import StreamError, parse

    try:
        parse(read_stream(stream), policy)
    except StreamError as exc:
        raise _bad_line(stream, exc) from None


def _bad_line(stream: Path, exc: StreamError) -> typer.Exit:
    if not exc.line:
        return fail(f"{stream}: {exc.detail}", EXIT_USAGE)
    return fail(f"{stream}:{exc.line}: {exc.field}: {exc.detail}", EXIT_USAGE)


def run(policy_text: str, policy_name: str, stream: Path) -> Replay:
    """Replay ``stream`` under the policy; exit 1 for a policy with mistakes, 2 for a stream
    that cannot be read or has a bad line (named with its field)."""
    from radar.replay import StreamError, replay

    text = read_stream(stream)
    try:
        return replay(policy_text, policy_name, text)
    except StreamError as exc:
        raise _bad_line(stream, exc) from None
    except PolicyError as exc:
        from radar.cli.policy import report

        raise report(exc) from None


def show(result: Replay, stream: Path, policy_name: str) -> None:
    """The interruptions per person and per cause, the totals, and what was skipped."""
    found = result.interruptions()
    zone = result.policy.calendar_of(None).zone
    out.print(
        f"Replayed {len(result.records)} incidents from {stream} under {policy_name}, "
        f"{_day(result.start, zone)} to {_day(result.end, zone)} ({zone.key}): "
        f"{len(found)} interruption(s) of people, {_calls(found)} of them calls.",
        markup=False,
        highlight=False,
    )
    out.print(_table("Interruptions per person", "Person", _per_person(result, found)))
    out.print(_table("Interruptions per cause", "Cause", _per_cause(found)))
    _actions(result)
    _late(result)


def compare(current: Replay, proposed: Replay, names: tuple[str, str]) -> None:
    """Two replays of one stream side by side: each cell says ``current → proposed``."""
    a, b = current.interruptions(), proposed.interruptions()
    out.print(
        f"\nReplayed {len(current.records)} incidents under {names[0]} and {names[1]}: "
        f"{len(a)} → {len(b)} interruption(s) of people, {_calls(a)} → {_calls(b)} calls.",
        markup=False,
        highlight=False,
    )
    people_a, people_b = _per_person(current, a), _per_person(proposed, b)
    out.print(
        _side_by_side(
            "Interruptions per person (current → proposed)",
            "Person",
            list(people_a | people_b),
            people_a,
            people_b,
        )
    )
    causes_a, causes_b = _per_cause(a), _per_cause(b)
    out.print(
        _side_by_side(
            "Interruptions per cause (current → proposed)",
            "Cause",
            [c.value for c in Cause if c.value in causes_a or c.value in causes_b],
            causes_a,
            causes_b,
        )
    )
    for label, result in (("current", current), ("proposed", proposed)):
        skipped = len(result.skipped)
        out.print(f"{label}: {result.applied} action(s) applied, {skipped} skipped")
        _late(result)


def _calls(found: list[Interruption]) -> int:
    return sum(1 for i in found if i.is_call)


def _day(at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone)
    return f"{WEEKDAYS[local.weekday()].capitalize()} {local:%d %b %Y}"


def _per_person(result: Replay, found: list[Interruption]) -> dict[str, Counts]:
    """Counts per person, labelled with their name, in the policy's order of people."""
    counted = cost.tally(found, "person")
    order = [p.id for p in result.policy.people] + sorted(
        set(counted) - {p.id for p in result.policy.people}
    )
    return {_person(result, pid): counted[pid] for pid in order if pid in counted}


def _person(result: Replay, pid: str) -> str:
    person = result.policy.person(pid)
    return f"{person.name} ({pid})" if person else pid


def _per_cause(found: list[Interruption]) -> dict[str, Counts]:
    counted = cost.tally(found, "cause")
    return {c.value: counted[c.value] for c in Cause if c.value in counted}


def _cell(counts: Counts, when: When | None) -> str:
    n = counts.total if when is None else counts.by_when.get(when, 0)
    calls = counts.total_calls if when is None else counts.calls.get(when, 0)
    return f"{n} ({calls} call{'' if calls == 1 else 's'})" if calls else str(n)


def _table(title: str, label: str, rows: dict[str, Counts]) -> Table:
    table = Table(label, *(w.value.capitalize() for w in COLUMNS), "Total", title=title)
    for name, counts in rows.items():
        table.add_row(name, *(_cell(counts, w) for w in (*COLUMNS, None)))
    whole = cost.total(rows.values())
    table.add_row("Total", *(_cell(whole, w) for w in (*COLUMNS, None)), style="bold")
    return table


def _side_by_side(
    title: str, label: str, names: list[str], a: dict[str, Counts], b: dict[str, Counts]
) -> Table:
    columns: list[tuple[str, Callable[[Counts], int]]] = [
        (w.value.capitalize(), _part(w)) for w in COLUMNS
    ]
    columns += [("Calls", lambda c: c.total_calls), ("Total", lambda c: c.total)]
    table = Table(label, *(name for name, _ in columns), title=title)
    for name in [*names, "Total"]:
        if name == "Total":
            left, right = cost.total(a.values()), cost.total(b.values())
        else:
            left, right = a.get(name, cost.Counts()), b.get(name, cost.Counts())
        cells = [_change(f(left), f(right)) for _, f in columns]
        table.add_row(name, *cells, style="bold" if name == "Total" else None)
    return table


def _part(when: When) -> Callable[[Counts], int]:
    return lambda c: c.by_when.get(when, 0)


def _change(a: int, b: int) -> str:
    return str(a) if a == b else f"{a} → {b}"


def _actions(result: Replay) -> None:
    beyond = f", {result.unreached} after the horizon" if result.unreached else ""
    out.print(
        f"{result.applied} action(s) applied, {len(result.skipped)} skipped because they were "
        f"no longer allowed when their time came{beyond}.",
        markup=False,
    )
    zone = result.policy.calendar_of(None).zone
    for s in result.skipped[:SHOWN_SKIPPED]:
        when = s.at.astimezone(zone)
        out.print(
            f"  line {s.line}, {s.do} at {when:%d %b %H:%M}: {s.why}", markup=False, highlight=False
        )
    if len(result.skipped) > SHOWN_SKIPPED:
        out.print(f"  … and {len(result.skipped) - SHOWN_SKIPPED} more", markup=False)


def _late(result: Replay) -> None:
    """Anything sent for an incident after it was resolved or declined: there should be none."""
    for f in result.facts():
        for s in f.sent_after_end:
            line = result.line_of.get(f.incident_id, "?")
            err.print(
                f"warning: line {line}: {s.label} was sent a message at {s.at:%Y-%m-%d %H:%M} "
                "UTC, after the incident ended",
                markup=False,
                highlight=False,
            )
