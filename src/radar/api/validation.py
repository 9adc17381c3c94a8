"""Pydantic's validation errors, said in words: where (``status``, ``triage_answers.1``) and what
was wrong with the value, never the library's phrasing (``Input should be 'reported', …``,
``Value error, …``, a regular expression)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SHOWN = 60  # at most this many characters of a refused value are repeated back
_PREFIXES = ("Value error, ", "Assertion failed, ")
_LINKS = "^https?://"


def field(loc: Sequence[Any]) -> str:
    """``("query", "status", 0)`` -> ``status``: where the value was, as the caller named it.
    A query parameter given several times is named once (which repetition is beside the
    point); in a body, a list's position is kept (``triage_answers.1``)."""
    parts = list(loc)
    where = parts[0] if parts else None
    if where in ("body", "query", "path", "header"):
        parts = parts[1:]
    if where == "query" and len(parts) > 1 and isinstance(parts[-1], int):
        parts = parts[:-1]
    return ".".join(str(p) for p in parts) or "body"


def message(err: Mapping[str, Any]) -> str:
    """What was wrong with the value, in words."""
    kind = err.get("type")
    ctx = err.get("ctx") or {}
    given = err.get("input")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "this field is required"
    if kind in ("enum", "literal_error"):
        return f"{_shown(given)} is not one of {_choices(str(ctx.get('expected', '')))}"
    if kind == "string_too_short":
        least = int(ctx.get("min_length", 1))
        return "must not be empty" if least <= 1 else f"must have at least {least} characters"
    if kind == "string_too_long":
        return f"must have at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        if str(ctx.get("pattern", "")).startswith(_LINKS):
            return f"{_shown(given)} is not a link: give one starting with https:// or http://"
        return f"{_shown(given)} is not in the form expected here"
    if kind in ("too_short", "too_long"):
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        return f"must have {'at least' if kind == 'too_short' else 'at most'} {limit} items"
    bounds = {
        "less_than_equal": ("le", "must be at most"),
        "greater_than_equal": ("ge", "must be at least"),
        "less_than": ("lt", "must be less than"),
        "greater_than": ("gt", "must be more than"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        return f"{_shown(given)} {words} {ctx.get(key)}" if given is not None else words
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{_shown(given)} is not a whole number"
    said = str(err.get("msg", "not a valid value"))
    for prefix in _PREFIXES:
        said = said.removeprefix(prefix)
    if said.startswith("Input should be "):
        said = "should be " + said.removeprefix("Input should be ")
    return said


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _choices(expected: str) -> str:
    """Pydantic's ``'reported', 'investigating' or 'closed'`` -> ``reported, investigating or
    closed``."""
    return expected.replace("'", "")
