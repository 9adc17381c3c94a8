"""`radar policy`: check, compare and apply the policy file, and show the running process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from radar.cli import simulate, times
from radar.cli.context import EXIT_USAGE, container, err, fail, out, settings
from radar.domain.errors import PolicyError, Problem

if TYPE_CHECKING:
    from radar.bootstrap import Container
    from radar.domain.policy import Policy

app = typer.Typer(help="The policy: the process as code.", no_args_is_help=True)
FileArg = Annotated[Path, typer.Argument(help="A policy YAML file.")]


def read_policy(path: Path) -> str:
    """The text of a policy file; exit 2 when it cannot be read, is not UTF-8, or is larger than
    the API accepts (judged before it is read, so a huge file costs nothing)."""
    from radar.api.limits import MAX_BODY  # one limit for both doors
    from radar.policyfile import source

    try:
        return source.read(path, limit=MAX_BODY)
    except OSError as exc:
        raise fail(f"{path}: cannot read: {exc}", EXIT_USAGE) from None
    except source.TooLarge as exc:
        raise fail(exc.message, EXIT_USAGE) from None
    except PolicyError as exc:  # a byte that is not UTF-8, at file:line:column
        _print(exc.problems)
        raise typer.Exit(EXIT_USAGE) from None


def _print(problems: tuple[Problem, ...] | list[Problem], label: str = "") -> None:
    for p in problems:
        where = f"{p.field}: " if p.field else ""
        err.print(f"{where}{label}{p.message}", markup=False, highlight=False)


def report(exc: PolicyError, *, applying: bool = False) -> typer.Exit:
    _print(exc.problems)
    tail = "; nothing was applied, the running version stays" if applying else ""
    err.print(f"{len(exc.problems)} error(s){tail}", markup=False)
    return typer.Exit(1)


@app.command()
def check(
    file: FileArg,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    channels: Annotated[
        bool,
        typer.Option(
            "--channels/--no-channels",
            help="Also warn about notifications whose channels this server has not configured "
            "(read from the RADAR_* settings).",
        ),
    ] = True,
) -> None:
    """Check FILE: every mistake with file:line:column, then readiness warnings.

    Exit 0 when there is no error (warnings are printed on stderr prefixed `warning:`), 1 when
    there are errors (or warnings with --strict), 2 when FILE cannot be read.
    """
    from radar.policyfile import load

    try:
        found = load.inspect(read_policy(file), str(file))
    except PolicyError as exc:
        raise report(exc) from None
    warnings = list(found.warnings)
    if channels:
        from radar.bootstrap import configured_channels
        from radar.domain import reach

        unreachable = reach.unconfigured(found.policy, configured_channels(settings()))
        warnings += [found.locate(w) for w in unreachable]
    _print(warnings, "warning: ")
    p = found.policy
    verdict = "not ok under --strict" if strict and warnings else "ok"
    summary = (
        f"{file}: {verdict} ({len(p.severities)} severities, {len(p.services)} services, "
        f"{len(p.teams)} teams, {len(p.people)} people"
        f"{', a severity guide' if p.guide else ''}; {len(warnings)} warning(s))"
    )
    out.print(summary, markup=False)
    if strict and warnings:
        raise typer.Exit(1)


@app.command()
def apply(
    file: FileArg,
    author: Annotated[str, typer.Option(help="Who applies it, for the history.")] = "cli",
    if_changed: Annotated[
        bool,
        typer.Option(
            "--if-changed/--always",
            help="--if-changed (the default): store nothing when FILE says what already runs "
            "(the same text, or only comments or layout differ). --always: store it as a new "
            "version even then.",
        ),
    ] = True,
) -> None:
    """Store FILE as the new policy version, unless it is the one that runs. A file with any
    error is refused whole."""
    text = read_policy(file)
    with container() as c:
        try:
            result = c.policies.apply(
                text, filename=str(file), author=author, if_changed=if_changed
            )
        except PolicyError as exc:
            raise report(exc, applying=True) from None
    _print(result.warnings, "warning: ")
    v = result.version
    if not result.created:
        if result.text_differs:
            out.print(
                f"policy version {v.id} already runs what {file} says (only comments or layout "
                "differ); nothing to do (--always stores it as a new version)",
                markup=False,
            )
        else:
            out.print(f"policy version {v.id} already runs {file}; nothing to do", markup=False)
        return
    out.print(f"policy version {v.id} applied from {file}")
    for line in result.changes:
        out.print(f"  {line}", markup=False)


def _load_side(c: Container, spec: str) -> tuple[Policy, str]:
    """A file path, or a stored version number (``3``, ``v3``) or ``current``: its policy, and
    its text (which a replay runs)."""
    from radar.policyfile import load

    path = Path(spec)
    if path.exists():
        text = read_policy(path)
        try:
            return load.load(text, spec), text
        except PolicyError as exc:
            raise report(exc) from None
    if spec == "current":
        running = c.policies.current()
        return running.policy, running.stored.content
    number = spec.removeprefix("v")
    if not number.isdigit():
        raise fail(f"{spec}: neither a file nor a policy version (3, v3 or current)", EXIT_USAGE)
    version = c.policies.version(int(number))
    return version.policy, version.stored.content


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="A file, a version (3 or v3), or `current`.")],
    new: Annotated[str, typer.Argument(help="A file, a version (3 or v3), or `current`.")],
    replay: Annotated[
        Path | None,
        typer.Option(
            help="Also replay this stream of incidents (JSON Lines) under both, and show the "
            "interruptions side by side."
        ),
    ] = None,
) -> None:
    """Say in words what changed between two policies; with --replay, what the change would
    cost the people it reaches."""
    from radar.policyfile.diff import describe

    with container() as c:
        (before, old_text), (after, new_text) = _load_side(c, old), _load_side(c, new)
    if replay is not None:
        from radar.cli.replay import check_stream

        check_stream(replay, before)  # a bad stream stops it before anything is printed
        check_stream(replay, after)
    lines = describe(before, after)
    for line in lines or ["no change to the process"]:
        out.print(line, markup=False)
    if replay is not None:
        from radar.cli import replay as replayed

        current = replayed.run(old_text, old, replay)
        proposed = replayed.run(new_text, new, replay)
        replayed.compare(current, proposed, (old, new))


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option(help="Write to this file instead.")] = None,
) -> None:
    """Print the policy file's JSON Schema, for editor completion and validation."""
    from radar.policyfile.jsonschema import policy_schema

    text = json.dumps(policy_schema(), indent=2) + "\n"
    if output is None:
        print(text, end="")
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise fail(f"{output}: cannot write: {exc.strerror}", EXIT_USAGE) from None
        out.print(f"JSON Schema written to {output}")


app.command("simulate")(simulate.simulate)


@app.command()
def history() -> None:
    """List the applied policy versions, newest first."""
    with container() as c:
        versions = c.policies.history()
    for v in versions:
        when = times.when(v.created_at)
        out.print(f"{v.id}  {when}  {v.author}  {v.filename}  sha256:{v.content_hash[:12]}")


@app.command()
def show() -> None:
    """Show the running policy as people read it: what an incident is, each level with its
    examples and response, services and their owners."""
    from radar.cli.process import render

    with container() as c:
        running = c.policies.current()
    out.print(f"[bold]Policy version {running.id}[/] (applied by {running.stored.author})\n")
    render(running.policy)
