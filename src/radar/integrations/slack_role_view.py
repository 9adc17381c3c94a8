"""The role modal: ``/radar role INC-42 commander`` without a person opens it, with the people
Radar knows in a select Slack filters as one types (its completion); and the ``view_submission``
Slack sends back when the person presses *Assign*, read into plain values.

A static select holds at most 100 options: past that, the modal says how to name anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from radar.domain.roles import Holder, Role
from radar.integrations.slack_views import (
    ACTION,
    OPTIONS_MAX,
    _context,
    _Form,
    _plain,
    _user,
    _view,
)

ROLE = "radar_role"  # the role modal's callback_id
HOLDER = "holder"  # its one block: who takes the role


def role_view(
    reference: str, title: str, role: Role, role_name: str, known: Sequence[Holder]
) -> dict[str, Any]:
    """The modal that gives ``role`` of ``reference`` (the two kept in ``private_metadata``)
    to one of ``known``, listed by name with their id."""
    options = [{"text": _plain(h.label), "value": h.id} for h in known[:OPTIONS_MAX]]
    blocks: list[dict[str, Any]] = [
        _context([f"*{reference}* · {title}"]),
        {
            "type": "input",
            "block_id": HOLDER,
            "label": _plain(f"Who is the {role_name}?"),
            "element": {
                "type": "static_select",
                "action_id": ACTION,
                "placeholder": _plain("Type a name"),
                "options": options,
            },
        },
    ]
    if len(known) > OPTIONS_MAX:
        blocks.append(
            _context(
                [
                    f"Only the first {OPTIONS_MAX} of {len(known)} are listed: for anyone else, "
                    f"`/radar role {reference} {role.value} <their id or name>`."
                ]
            )
        )
    return {
        "type": "modal",
        "callback_id": ROLE,
        "private_metadata": f"{reference} {role.value}",
        "title": _plain("Assign a role", 24),
        "submit": _plain("Assign", 24),
        "close": _plain("Cancel", 24),
        "blocks": blocks,
    }


@dataclass(frozen=True)
class RoleSubmission:
    """The role modal, submitted (``view_submission``, ``radar_role``)."""

    user: str  # Slack user id
    reference: str
    role: str  # as the modal kept it; checked by whoever acts on it
    holder: str  # the picked holder's id, "" if none


def role_submission(payload: dict[str, Any]) -> RoleSubmission | None:
    """The role assignment in an interactivity payload; None for any other payload."""
    view = _view(payload, ROLE)
    if view is None:
        return None
    kept = view.get("private_metadata")
    reference, _, role = (kept if isinstance(kept, str) else "").partition(" ")
    return RoleSubmission(
        user=_user(payload),
        reference=reference[:40],
        role=role[:40],
        holder=_Form(view).selected(HOLDER),
    )
