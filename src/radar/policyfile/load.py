"""YAML text -> ``domain.Policy``, refusing the whole file on any mistake.

Every problem carries ``file:line:column``: YAML is composed into nodes first so that each value
keeps its position, then validated with the pydantic schema, then checked across references.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from pydantic import ValidationError

from radar.domain.errors import PolicyError, Problem
from radar.domain.policy import Policy
from radar.policyfile import build, check, source
from radar.policyfile.schema import PolicyFile

Path = tuple[str | int, ...]
MAX_NODES = 200_000
MAX_DEPTH = 64


class _Positions:
    """Maps a path inside the document to the ``line:column`` where its value starts."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.marks: dict[Path, yaml.Mark] = {}
        self.key_marks: dict[Path, yaml.Mark] = {}

    def where_key(self, path: Path) -> str:
        mark = self.key_marks.get(path)
        return (
            self.where(path)
            if mark is None
            else f"{self.filename}:{mark.line + 1}:{mark.column + 1}"
        )

    def where(self, path: Path) -> str:
        for cut in range(len(path), -1, -1):
            mark = self.marks.get(path[:cut])
            if mark is not None:
                return f"{self.filename}:{mark.line + 1}:{mark.column + 1}"
        return f"{self.filename}:1:1"


class _Builder:
    """Turns composed YAML nodes into plain Python values, remembering where each one started.

    Aliases are followed, but every visit counts against a node budget, so a "billion laughs"
    document is refused instead of exhausting memory.
    """

    def __init__(self, pos: _Positions) -> None:
        self.pos = pos
        self.scalars = yaml.SafeLoader("")
        self.budget = MAX_NODES
        self.open: set[int] = set()  # nodes being built: meeting one again is a cycle

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _refused(
                f"{self.pos.filename}:1:1", "the document is too large (aliases included)"
            )
        if len(path) > MAX_DEPTH or id(node) in self.open:
            raise _refused(
                _mark(self.pos, node), "nested too deeply (or an alias refers to itself)"
            )
        self.pos.marks[path] = node.start_mark
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.scalars.construct_object(node, deep=True)
            except ValueError as exc:  # int() past 4,300 digits, a date that does not exist
                raise _refused(_mark(self.pos, node), _unreadable(node, exc)) from None
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(n, (*path, i)) for i, n in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, (*path, "<key>"))
            if not isinstance(key, str):
                raise _refused(_mark(self.pos, key_node), f"keys must be text, found {key!r}")
            if key in out:
                raise _refused(_mark(self.pos, key_node), f"duplicate key {key!r}")
            self.pos.key_marks[(*path, key)] = key_node.start_mark
            out[key] = self.build(value_node, (*path, key))
        return out


def _refused(where: str, message: str) -> PolicyError:
    return PolicyError(f"{where}: {message}", problems=[Problem(where, message)])


def _mark(pos: _Positions, node: yaml.Node) -> str:
    return f"{pos.filename}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def parse(text: str, filename: str = "policy.yaml") -> tuple[PolicyFile, _Positions]:
    """Parse and validate against the schema; ``PolicyError`` lists every problem found."""
    source.check_characters(text, filename)
    pos = _Positions(filename)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = None if root is None else _Builder(pos).build(root, ())
    except yaml.MarkedYAMLError as exc:  # syntax, and values no safe constructor accepts
        mark = exc.problem_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else f"{filename}:1:1"
        raise PolicyError(
            f"{where}: not valid YAML: {exc.problem}",
            problems=[Problem(where, f"not valid YAML: {exc.problem}")],
        ) from None
    except yaml.YAMLError as exc:
        raise _refused(f"{filename}:1:1", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise _refused(f"{filename}:1:1", "nested too deeply to be a policy file") from None
    if root is None:
        raise _refused(f"{filename}:1:1", "the file is empty; expected a policy mapping")
    if not isinstance(data, dict):
        raise _refused(pos.where(()), "expected a mapping at the top of the file")
    try:
        return PolicyFile.model_validate(data), pos
    except ValidationError as exc:
        problems = list(_problems(exc, data, pos))
        raise PolicyError(_summary(problems), problems=problems) from None


def _problems(exc: ValidationError, data: Any, pos: _Positions) -> Iterator[Problem]:
    for err in exc.errors():
        loc: Path = tuple(err["loc"])
        where = pos.where(loc)
        dotted = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            yield Problem(pos.where_key(loc), f"unknown key {dotted!r}{_did_you_mean(loc, data)}")
        else:
            found = err.get("input")
            shown = "" if isinstance(found, dict | list) else f" (found {found!r})"
            said = str(err["msg"]).removeprefix("Value error, ")  # pydantic's, not ours
            yield Problem(where, f"{dotted}: {said}{shown}")


def _did_you_mean(loc: Path, data: Any) -> str:
    """Suggest the closest key of the model the unknown key sits in, following the path through
    lists (``severities.0``), mappings (``calendars.office``) and optional sections."""
    model: Any = PolicyFile
    parts = list(loc[:-1])
    while parts:
        part = parts.pop(0)
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return ""
        model = _inner(field.annotation)
        if model is dict or getattr(field.annotation, "__origin__", None) is dict:
            model = _inner(getattr(field.annotation, "__args__", (None, None))[1])
            if parts:
                parts.pop(0)  # the mapping's own key, such as a calendar id
        while parts and isinstance(parts[0], int):
            parts.pop(0)
    if not hasattr(model, "model_fields"):
        return ""
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; expected one of: {', '.join(model.model_fields)}"


def _inner(annotation: Any) -> Any:
    """The model inside ``list[M]``, ``M | None`` or ``M``."""
    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if hasattr(arg, "model_fields"):
            return arg
    return annotation


def _summary(problems: list[Problem]) -> str:
    lines = [f"{p.field}: {p.message}" if p.field else p.message for p in problems]
    return f"the policy has {len(problems)} problem(s):\n" + "\n".join(lines)


def load(text: str, filename: str = "policy.yaml", *, years: Iterable[int] | None = None) -> Policy:
    """The validated domain policy, or ``PolicyError`` naming every mistake with its position.

    ``years`` are the years whose public holidays are resolved (default: last year to three
    years ahead).
    """
    return inspect(text, filename, years=years).policy


@dataclass(frozen=True)
class Inspection:
    """A policy that loaded, and the warnings about it (readiness, not mistakes)."""

    policy: Policy
    warnings: tuple[Problem, ...]
    where: Callable[[Path], str] = field(default=lambda _: "", repr=False, compare=False)

    def locate(self, problem: Problem) -> Problem:
        """``problem`` with its field, a path into the file as the domain names one
        (``severities.0.response.steps.1.notify.0``), turned into ``file:line:column``."""
        if not problem.field:
            return problem
        path = tuple(int(p) if p.isdigit() else p for p in problem.field.split("."))
        return Problem(self.where(path), problem.message)


def inspect(
    text: str, filename: str = "policy.yaml", *, years: Iterable[int] | None = None
) -> Inspection:
    if years is None:
        this_year = date.today().year
        years = range(this_year - 1, this_year + 4)
    years = list(years)
    spec, pos = parse(text, filename)
    found = check.check(spec, pos.where, years)
    if found.errors:
        raise PolicyError(_summary(found.errors), problems=found.errors)
    return Inspection(build.policy(spec, years), tuple(found.warnings), pos.where)


def _unreadable(node: yaml.ScalarNode, exc: ValueError) -> str:
    """Why YAML could not read a scalar it recognised (as a number, a date ...), in words."""
    if "digits" in str(exc):
        return f"a number of {len(node.value):,} digits is too long (at most 4,300)"
    return f"{node.value[:40]!r} cannot be read as {node.tag.rpartition(':')[2]}: {exc}"
