"""The error hierarchy shared by every layer. No HTTP or CLI knowledge lives here.

Entry points map these classes in one place each (``api/errors.py``, the CLI's error handler).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (``field``, dotted or ``file:line:col``) and what."""

    field: str | None
    message: str


class RadarError(Exception):
    """Base of every error Radar raises on purpose. ``code`` is a stable machine-readable name."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(RadarError):
    code = "not_found"


class InvalidInput(RadarError):
    """The caller sent something Radar cannot accept; ``problems`` lists every mistake found."""

    code = "invalid_input"

    def __init__(
        self, message: str, *, field: str | None = None, problems: Sequence[Problem] = ()
    ) -> None:
        super().__init__(message, field=field)
        self.problems: tuple[Problem, ...] = tuple(problems) or (Problem(field, message),)


class InvalidTransition(RadarError):
    """The lifecycle does not allow this action from the incident's current status."""

    code = "invalid_transition"

    def __init__(
        self, message: str, *, current_status: str, allowed_actions: Sequence[str]
    ) -> None:
        super().__init__(message, field="status")
        self.current_status = current_status
        self.allowed_actions = tuple(allowed_actions)


class Conflict(RadarError):
    code = "conflict"


class Expired(RadarError):
    """Something that worked once no longer does: an acknowledge link used or past its time."""

    code = "expired"


class Unavailable(RadarError):
    """Something Radar depends on (Slack, say) did not answer: the same request may work later,
    and nothing was changed."""

    code = "unavailable"


class PolicyError(InvalidInput):
    """A policy file was refused. Each problem's ``field`` is ``file:line:column``; with one
    problem, that is the error's ``field`` too."""

    code = "invalid_policy"

    def __init__(
        self, message: str, *, field: str | None = None, problems: Sequence[Problem] = ()
    ) -> None:
        if field is None and len(problems) == 1:
            field = problems[0].field
        super().__init__(message, field=field, problems=problems)


class Unauthenticated(RadarError):
    code = "unauthenticated"


class Forbidden(RadarError):
    code = "forbidden"
