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

DECLARE = "radar_declare"  # the declare modal's callback_id
UPDATE = "radar_update"  # the status update modal's callback_id
# The blocks of the modal; a submission's errors name one of them.
TITLE, SERVICE, SEVERITY, DESCRIPTION, RESTRICTED = (
    "title",
    "service",
    "severity",
    "description",
    "restricted",
)
MESSAGE, VISIBILITY, STATUS = "message", "visibility", "status"
UNCHANGED = "unchanged"  # the status option that keeps the status as it is
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
    its option's description, its examples under the select), the severity guide (every
    question, its answers and their examples), an optional description and "restricted"."""
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
    blocks += guide_blocks(policy)
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


def update_view(reference: str, title: str, status: str, statuses: list[str]) -> dict[str, Any]:
    """The modal the *Post update* button opens for ``reference`` (kept in the view's
    ``private_metadata``): the update's text, internal or public, and a status to move to
    (``statuses``: those the incident may move to now)."""
    options = [{"text": _plain(f"Keep {status}"), "value": UNCHANGED}]
    options += [{"text": _plain(s.capitalize()), "value": s} for s in statuses]
    blocks: list[dict[str, Any]] = [
        _context([f"*{reference}* · {title}"]),
        {
            "type": "input",
            "block_id": MESSAGE,
            "label": _plain("Update"),
            "element": {
                "type": "plain_text_input",
                "action_id": ACTION,
                "multiline": True,
                "max_length": 3000,
                "placeholder": _plain("What we know, what we are doing, when the next update is"),
            },
        },
        {
            "type": "input",
            "block_id": VISIBILITY,
            "label": _plain("Who sees it"),
            "element": {
                "type": "radio_buttons",
                "action_id": ACTION,
                "initial_option": {"text": _plain("Internal"), "value": "internal"},
                "options": [
                    {"text": _plain("Internal"), "value": "internal"},
                    {
                        "text": _plain("Public"),
                        "value": "public",
                        "description": _plain("Stakeholders and the status page see it too"),
                    },
                ],
            },
        },
    ]
    if statuses:
        blocks.append(
            {
                "type": "input",
                "block_id": STATUS,
                "optional": True,
                "label": _plain("Status"),
                "element": {
                    "type": "static_select",
                    "action_id": ACTION,
                    "initial_option": options[0],
                    "options": options,
                },
            }
        )
    return {
        "type": "modal",
        "callback_id": UPDATE,
        "private_metadata": reference,
        "title": _plain("Post an update", 24),
        "submit": _plain("Post", 24),
        "close": _plain("Cancel", 24),
        "blocks": blocks,
    }


GUIDE_QUESTIONS_MAX = 20  # a modal holds at most 100 blocks


def guide_blocks(policy: Policy) -> list[dict[str, Any]]:
    """The severity guide, every question reachable from its first, in the order a reporter
    meets them, numbered; each answer says where it leads: a level, "not an incident", or the
    number of the next question to read."""
    guide = policy.guide
    if guide is None:
        return []
    order: list[str] = []
    waiting = [guide.start]
    while waiting and len(order) < GUIDE_QUESTIONS_MAX:
        qid = waiting.pop(0)
        if qid in order:
            continue
        order.append(qid)
        waiting += [a.next for a in guide.question(qid).answers if a.next]
    number = {qid: i + 1 for i, qid in enumerate(order)}
    out: list[dict[str, Any]] = []
    for qid in order:
        question = guide.question(qid)
        intro = "*Not sure of the level?* " if qid == guide.start else ""
        lines = [f"{intro}*{number[qid]}.* {question.text}"]
        for answer in question.answers:
            said = f"• {answer.label}"
            if answer.severity:
                said += f" → *{answer.severity}*"
            elif answer.not_an_incident:
                said += " → not an incident (Radar's report page records it)"
            elif answer.next in number:
                said += f" → see {number[answer.next]}"
            if answer.examples:
                said += ": " + "; ".join(answer.examples)
            lines.append(said)
        out.append(_context(["\n".join(lines)]))
    return out


@dataclass(frozen=True)
class UpdateSubmission:
    """The update modal, submitted (``view_submission``, ``radar_update``)."""

    user: str
    reference: str
    message: str
    public: bool
    status: str  # "" to keep it


def update_submission(payload: dict[str, Any]) -> UpdateSubmission | None:
    """The status update in an interactivity payload; None for any other payload."""
    view = _view(payload, UPDATE)
    if view is None:
        return None
    form = _Form(view)
    status = form.selected(STATUS)
    reference = view.get("private_metadata")
    return UpdateSubmission(
        user=_user(payload),
        reference=reference[:40] if isinstance(reference, str) else "",
        message=form.text(MESSAGE, 3000),
        public=form.selected(VISIBILITY) == "public",
        status="" if status == UNCHANGED else status,
    )


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
    view = _view(payload, DECLARE)
    if view is None:
        return None
    form = _Form(view)
    checked = form.element(RESTRICTED).get("selected_options")
    restricted = isinstance(checked, list) and any(
        isinstance(o, dict) and o.get("value") == "restricted" for o in checked
    )
    return Submission(
        user=_user(payload),
        title=form.text(TITLE, 200),
        service=form.selected(SERVICE),
        severity=form.selected(SEVERITY),
        description=form.text(DESCRIPTION, 3000),
        restricted=restricted,
    )


def _view(payload: dict[str, Any], callback_id: str) -> dict[str, Any] | None:
    """The submitted view when ``payload`` submits the modal ``callback_id``."""
    view = payload.get("view")
    if payload.get("type") != "view_submission" or not isinstance(view, dict):
        return None
    return view if view.get("callback_id") == callback_id else None


def _user(payload: dict[str, Any]) -> str:
    user = payload.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    return user_id[:40] if isinstance(user_id, str) else ""


class _Form:
    """The values of a submitted view, by block, read defensively: Slack sends them, but
    nothing from outside is trusted to have the expected shape."""

    def __init__(self, view: dict[str, Any]) -> None:
        state = view.get("state")
        values = state.get("values") if isinstance(state, dict) else None
        self._values = values if isinstance(values, dict) else {}

    def element(self, block: str) -> dict[str, Any]:
        found = self._values.get(block)
        inner = found.get(ACTION) if isinstance(found, dict) else None
        return inner if isinstance(inner, dict) else {}

    def text(self, block: str, limit: int) -> str:
        value = self.element(block).get("value")
        return value.strip()[:limit] if isinstance(value, str) else ""

    def selected(self, block: str) -> str:
        option = self.element(block).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value[:100] if isinstance(value, str) else ""
