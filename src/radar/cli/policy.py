"""`radar policy`: check and apply the policy file, and show the running process."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from radar.cli.context import EXIT_USAGE, container, err, fail, out
from radar.domain.errors import PolicyError
from radar.policyfile import load

app = typer.Typer(help="The policy: the process as code.", no_args_is_help=True)
FileArg = Annotated[Path, typer.Argument(help="A policy YAML file.")]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{path}: cannot read: {exc}", EXIT_USAGE) from None


def _report(exc: PolicyError) -> typer.Exit:
    for problem in exc.problems:
        where = f"{problem.field}: " if problem.field else ""
        err.print(f"{where}{problem.message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(1)


@app.command()
def check(file: FileArg) -> None:
    """Check FILE and report every mistake with file:line:column. Exit 0 clean, 1 errors."""
    try:
        policy = load.load(_read(file), str(file))
    except PolicyError as exc:
        raise _report(exc) from None
    out.print(f"{file}: ok ({len(policy.severities)} severities, {len(policy.services)} services)")


@app.command()
def apply(
    file: FileArg,
    author: Annotated[str, typer.Option(help="Who applies it, for the history.")] = "cli",
    if_changed: Annotated[
        bool, typer.Option("--if-changed", help="Do nothing when FILE already runs.")
    ] = False,
) -> None:
    """Store FILE as the new policy version. A file with any error is refused whole."""
    text = _read(file)
    with container() as c:
        try:
            result = c.policies.apply(
                text, filename=str(file), author=author, if_changed=if_changed
            )
        except PolicyError as exc:
            raise _report(exc) from None
    v = result.version
    if result.created:
        out.print(f"policy version {v.id} applied from {file}")
    else:
        out.print(f"policy version {v.id} already runs {file}; nothing to do")


@app.command()
def history() -> None:
    """List the applied policy versions, newest first."""
    with container() as c:
        versions = c.policies.history()
    for v in versions:
        when = v.created_at.strftime("%Y-%m-%d %H:%M UTC")
        out.print(f"{v.id}  {when}  {v.author}  {v.filename}  sha256:{v.content_hash[:12]}")


@app.command()
def show() -> None:
    """Show the running policy: severities and services."""
    with container() as c:
        running = c.policies.current()
    p = running.policy
    out.print(f"[bold]Policy version {running.id}[/] (applied by {running.stored.author})\n")
    out.print(p.incident_definition)
    out.print(f"[bold]Ask first:[/] {p.emergency_test}\n")
    for s in p.severities:
        out.print(f"[bold]{s.name}[/] ({s.id})")
        out.print(f"  {s.definition}")
        for example in s.examples:
            out.print(f"  - {example}")
        out.print(f"  Typical response: {s.typical_response}\n")
    out.print("[bold]Services[/]")
    for svc in p.services:
        out.print(f"  {svc.id}: {svc.name}. {svc.description}")
