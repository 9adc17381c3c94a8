"""The incident lifecycle: statuses, the actions people take, and which action is allowed when.

``reported`` is triage. From there an incident is accepted (``investigating`` and on) or declined as
"not an incident". ``resolved`` can be reopened or closed; ``closed`` is final. A declined report
can still be reported anyway, at a level someone chooses, with a reason: back to ``reported``.

People read these choices in words (``ACTION_WORDS``, ``in_words``): the API's
``allowed_actions`` keeps the identifiers for machines.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    REPORTED = "reported"
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    CLOSED = "closed"
    DECLINED = "declined"


class Action(StrEnum):
    """What a person can do to an incident. Values appear in the API's ``allowed_actions``."""

    ACKNOWLEDGE = "acknowledge"
    POST_UPDATE = "post_update"
    CHANGE_STATUS = "change_status"
    CHANGE_SEVERITY = "change_severity"
    ASSIGN_ROLE = "assign_role"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"
    DECLINE = "decline"
    REPORT_ANYWAY = "report_anyway"


# What people read for each action: in refusals ("allowed now: ..."), never the identifiers.
ACTION_WORDS: dict[Action, str] = {
    Action.ACKNOWLEDGE: "acknowledge",
    Action.POST_UPDATE: "post an update",
    Action.CHANGE_STATUS: "change the status",
    Action.CHANGE_SEVERITY: "change the severity",
    Action.ASSIGN_ROLE: "assign a role",
    Action.RESOLVE: "resolve",
    Action.REOPEN: "reopen",
    Action.CLOSE: "close",
    Action.DECLINE: "decline it as not an incident",
    Action.REPORT_ANYWAY: "report it anyway",
}

OPEN_STATUSES = frozenset(
    {Status.REPORTED, Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING}
)
# Ended, with ``closed_at`` set. Nothing more happens to a closed incident; a declined report
# waits, in case someone reports it anyway.
FINAL_STATUSES = frozenset({Status.CLOSED, Status.DECLINED})

# Status changes a status update may carry. Resolving, reopening, closing and declining are
# their own actions because each needs its own text (summary, reason).
_WORKING = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING)
STATUS_CHANGES: dict[Status, frozenset[Status]] = {
    Status.REPORTED: frozenset(_WORKING),
    Status.INVESTIGATING: frozenset({Status.IDENTIFIED, Status.MONITORING}),
    Status.IDENTIFIED: frozenset({Status.INVESTIGATING, Status.MONITORING}),
    Status.MONITORING: frozenset({Status.INVESTIGATING, Status.IDENTIFIED}),
    Status.RESOLVED: frozenset(),
    Status.CLOSED: frozenset(),
    Status.DECLINED: frozenset(),
}

_OPEN_ACTIONS = frozenset(
    {
        Action.ACKNOWLEDGE,
        Action.POST_UPDATE,
        Action.CHANGE_STATUS,
        Action.CHANGE_SEVERITY,
        Action.ASSIGN_ROLE,
        Action.RESOLVE,
    }
)
ALLOWED_ACTIONS: dict[Status, frozenset[Action]] = {
    Status.REPORTED: _OPEN_ACTIONS | {Action.DECLINE},
    Status.INVESTIGATING: _OPEN_ACTIONS,
    Status.IDENTIFIED: _OPEN_ACTIONS,
    Status.MONITORING: _OPEN_ACTIONS,
    # After resolution people still write follow-ups and fix the record of who did what.
    Status.RESOLVED: frozenset(
        {Action.POST_UPDATE, Action.ASSIGN_ROLE, Action.REOPEN, Action.CLOSE}
    ),
    Status.CLOSED: frozenset(),
    Status.DECLINED: frozenset({Action.REPORT_ANYWAY}),
}


def allowed_actions(status: Status) -> list[str]:
    """The actions allowed from ``status``, in a stable order for people and machines."""
    return [a.value for a in Action if a in ALLOWED_ACTIONS[status]]


def in_words(actions: list[str]) -> str:
    """``["post_update", "reopen"]`` -> ``post an update, reopen``; none -> ``nothing``."""
    return ", ".join(ACTION_WORDS[Action(a)] for a in actions) or "nothing"


def status_changes(status: Status) -> list[Status]:
    """The statuses an update may move ``status`` to, in the lifecycle's order: what a form
    offers (nothing for a resolved incident, which is reopened instead)."""
    return [s for s in Status if s in STATUS_CHANGES[status]]


def is_allowed(status: Status, action: Action) -> bool:
    return action in ALLOWED_ACTIONS[status]


def can_change_status(current: Status, target: Status) -> bool:
    return target in STATUS_CHANGES[current]
