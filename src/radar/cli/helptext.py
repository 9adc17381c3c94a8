"""Help that reads as words. Typer shows each option's Python type (`--json <bool>`, `--service
<str>`, `--status <list[str]>`); Radar's help says what to type instead: nothing after a flag,
TEXT, NUMBER, FILE, or the choices (`commander|communications_lead|deputy`). Applied once to
the whole command tree when it is built (``words_for``), so a new command needs nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


def words_for(command: TyperCommand | TyperGroup) -> None:
    """Give every parameter of ``command`` and its subcommands (``--help`` too) help in words."""
    params = list(command.params)
    helper = command.get_help_option(typer.Context(command))  # made here, then kept by click
    if helper is not None:
        params.append(helper)
    for param in params:
        if isinstance(param, TyperOption) and param.metavar is None:
            param.metavar = "" if param.is_flag else _word(param)
        elif isinstance(param, TyperArgument):
            # An argument's name says what it is (INCIDENT, in capitals as usage lines write
            # it): its type column shows only the choices, if it has any.
            if param.metavar is None and param.name:
                param.metavar = param.name.upper()
            # An instance attribute: Typer offers no other way to say what this column shows.
            setattr(param, "display_type_rich", _showing(_choices(param)))  # noqa: B010
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            if isinstance(sub, TyperCommand | TyperGroup):
                words_for(sub)


def _showing(text: str | None) -> Callable[[Any], str | None]:
    def display_type_rich(ctx: Any) -> str | None:
        return text

    return display_type_rich


def _choices(param: Any) -> str | None:
    desc = param.type_descriptor
    if not desc.is_choice:
        return None
    return "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())


def _word(param: TyperOption) -> str:
    desc = param.type_descriptor
    if desc.is_choice:
        return _choices(param) or "TEXT"
    if desc.is_path or desc.is_file:
        return "FILE"
    if desc.is_datetime:
        return "TIME"
    if param.bare_type().removeprefix("list[").rstrip("]") in ("int", "float"):
        return "NUMBER"
    return "TEXT"
