"""The ``/radar declare`` modal: its Block Kit view, built from the policy alone (a pure
function), and the ``view_submission`` Slack sends back when the reporter presses *Declare*,
read into plain values.

Block Kit's limits are kept here: a modal's title is at most 24 characters, an option's text and
description at most 75, a context element's text at most 3000, at most 100 options in a select
and 10 elements in a context block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from radar.domain.policy import Policy

DECLARE = "radar_declare"  # the modal's callback_id
# The blocks of the modal; a submission's errors name one of them.
TITLE, SERVICE, SEVERITY, DESCRIPTION, RESTRICTED = (
    "title",
    "service",
    "severity",
    "description",
    "restricted",
)
ACTION = "value"  # the action_id of every input element
OPTIONS_MAX = 100
OPTION_TEXT_MAX = 75
CONTEXT_TEXT_MAX = 3000
CONTEXT_ELEMENTS_MAX = 10


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int = OPTION_TEXT_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit) or " "}


def _context(lines: list[str]) -> dict[str, Any]:
    elements = [
        {"type": "mrkdwn", "text": _cut_lines(line, CONTEXT_TEXT_MAX)}
        for line in lines[:CONTEXT_ELEMENTS_MAX]
    ]
    return {"type": "context", "elements": elements}


def _cut_lines(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def declare_view(policy: Policy) -> dict[str, Any]:
    """The modal ``/radar declare`` opens: title, service, severity (each level's definition as
    its option's description, its examples under the select), the severity guide's first
    question with its answers and their examples, an optional description and "restricted"."""
    services = [
        {"text": _plain(s.name or s.id), "value": s.id} for s in policy.services[:OPTIONS_MAX]
    ]
    levels = [
        {
            "text": _plain(f"{s.id}: {s.name}" if s.name and s.name != s.id else s.id),
            "value": s.id,
            **({"description": _plain(s.definition)} if s.definition.strip() else {}),
        }
        for s in policy.severities[:OPTIONS_MAX]
    ]
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": TITLE,
            "label": _plain("Title"),
            "element": {
                "type": "plain_text_input",
                "action_id": ACTION,
                "max_length": 200,
                "placeholder": _plain("Checkout down"),
            },
        },
        {
            "type": "input",
            "block_id": SERVICE,
            "label": _plain("Service"),
            "element": {"type": "static_select", "action_id": ACTION, "options": services},
        },
        {
            "type": "input",
            "block_id": SEVERITY,
            "label": _plain("Severity"),
            "element": {"type": "static_select", "action_id": ACTION, "options": levels},
        },
    ]
    examples = [f"*{s.id}*: " + "; ".join(s.examples) for s in policy.severities if s.examples]
    if examples:
        blocks.append(_context(examples))
    guide = policy.guide
    if guide is not None:
        first = guide.question(guide.start)
        lines = [f"*Not sure?* {first.text}"]
        for answer in first.answers:
            said = f"• {answer.label}"
            if answer.severity:
                said += f" → {answer.severity}"
            elif answer.not_an_incident:
                said += " → not an incident (Radar's report page records it)"
            if answer.examples:
                said += ": " + "; ".join(answer.examples)
            lines.append(said)
        blocks.append(_context(lines))
    blocks += [
        {
            "type": "input",
            "block_id": DESCRIPTION,
            "optional": True,
            "label": _plain("Description"),
            "element": {
                "type": "plain_text_input",
                "action_id": ACTION,
                "multiline": True,
                "max_length": 3000,
            },
        },
        {
            "type": "input",
            "block_id": RESTRICTED,
            "optional": True,
            "label": _plain("Visibility"),
            "element": {
                "type": "checkboxes",
                "action_id": ACTION,
                "options": [
                    {
                        "text": _plain("Restricted"),
                        "value": "restricted",
                        "description": _plain("Only the people who take part see it"),
                    }
                ],
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": DECLARE,
        "title": _plain("Declare an incident", 24),
        "submit": _plain("Declare", 24),
        "close": _plain("Cancel", 24),
        "blocks": blocks,
    }


@dataclass(frozen=True)
class Submission:
    """The reporter pressed *Declare* on the modal (``view_submission``, ``radar_declare``)."""

    user: str  # Slack user id
    title: str
    service: str
    severity: str
    description: str
    restricted: bool


def submission(payload: dict[str, Any]) -> Submission | None:
    """The declaration in an interactivity payload; None for any other payload."""
    view = payload.get("view")
    if payload.get("type") != "view_submission" or not isinstance(view, dict):
        return None
    if view.get("callback_id") != DECLARE:
        return None
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    values = values if isinstance(values, dict) else {}

    def element(block: str) -> dict[str, Any]:
        found = values.get(block)
        inner = found.get(ACTION) if isinstance(found, dict) else None
        return inner if isinstance(inner, dict) else {}

    def text(block: str, limit: int) -> str:
        value = element(block).get("value")
        return value.strip()[:limit] if isinstance(value, str) else ""

    def selected(block: str) -> str:
        option = element(block).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value[:100] if isinstance(value, str) else ""

    checked = element(RESTRICTED).get("selected_options")
    restricted = isinstance(checked, list) and any(
        isinstance(o, dict) and o.get("value") == "restricted" for o in checked
    )
    user = payload.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    return Submission(
        user=user_id[:40] if isinstance(user_id, str) else "",
        title=text(TITLE, 200),
        service=selected(SERVICE),
        severity=selected(SEVERITY),
        description=text(DESCRIPTION, 3000),
        restricted=restricted,
    )
