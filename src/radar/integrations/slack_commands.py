"""The ``/radar`` slash command: Slack's form read into plain values, and its text parsed.

Slack posts a form (``command``, ``text``, ``user_id``, ``channel_id``, ``response_url``,
``trigger_id`` ...). The text is a subcommand, then an optional incident reference (``INC-42``,
any case; a bare number is not one, so ``update 3 nodes restarted`` stays text), then what the
subcommand needs:

    ack [INC-n]
    update [INC-n] [--public] <text>
    resolve [INC-n] <summary>
    severity [INC-n] <level> <reason>
    role [INC-n] commander|comms|deputy [<@mention or name>]   (without one: pick in a modal)
    status [INC-n]
    component [INC-n] [<service> <state>|release [--no-hold]]
    declare
    help

Parsing is pure: no policy, no database. What is wrong with the text is in ``problem``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qs

from radar.domain.errors import InvalidInput
from radar.domain.incident import parse_reference, reference_for
from radar.domain.roles import Role

SUBCOMMANDS = (
    "ack",
    "update",
    "resolve",
    "severity",
    "role",
    "status",
    "component",
    "declare",
    "help",
)
PUBLIC_FLAG = "--public"
NO_HOLD_FLAG = "--no-hold"
RELEASE = "release"
ROLES = {
    "commander": Role.COMMANDER,
    "ic": Role.COMMANDER,
    "comms": Role.COMMUNICATIONS_LEAD,
    "communications": Role.COMMUNICATIONS_LEAD,
    "communications_lead": Role.COMMUNICATIONS_LEAD,
    "deputy": Role.DEPUTY,
}
# Slack's mention of a user, escaped: ``<@U024BE7LH>`` or ``<@U024BE7LH|laura>``.
_MENTION = re.compile(r"^<@([UW][A-Z0-9]{1,20})(?:\|([^>]{0,80}))?>$")
_REFERENCE = re.compile(r"^inc-\d{1,18}$", re.IGNORECASE)

USAGE = {
    "ack": "ack [INC-n]",
    "update": f"update [INC-n] [{PUBLIC_FLAG}] <text>",
    "resolve": "resolve [INC-n] <summary>",
    "severity": "severity [INC-n] <level> <reason>",
    "role": "role [INC-n] commander|comms|deputy [<@person or name>]",
    "status": "status [INC-n]",
    "component": f"component [INC-n] [<service> <state>|{RELEASE} [{NO_HOLD_FLAG}]]",
    "declare": "declare",
    "help": "help",
}


@dataclass(frozen=True)
class Invocation:
    """One use of the slash command, as Slack posted it."""

    command: str  # "/radar" (whatever the app names it)
    text: str
    user: str  # Slack user id
    channel: str
    response_url: str
    trigger_id: str


@dataclass(frozen=True)
class Command:
    """What the text asks for. ``name`` is one of SUBCOMMANDS, or "unknown" (``word`` is then
    the word Radar did not understand). ``problem`` says what is missing; nothing is done then."""

    name: str
    reference: str | None = None  # "INC-42", normalised; None: not named
    text: str = ""  # the update, the summary, or the reason
    public: bool = False  # update: a public update (the status page)
    severity: str = ""
    role: Role | None = None
    assignee: str = ""  # a name, as typed (without a leading @)
    assignee_slack: str = ""  # the Slack id of a mentioned user
    word: str = ""
    problem: str = ""
    service: str = ""  # component: the status page component (a service id), "" to list them
    state: str = ""  # component: the state to show, as typed, or "release"
    hold: bool = True  # component: held until released (not with --no-hold)


def invocation(body: bytes) -> Invocation:
    """The slash command's form fields (missing ones are "")."""
    try:
        form = parse_qs(body.decode("utf-8"), max_num_fields=40)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the body is not a form Slack sends", field="body") from None

    def field(name: str, limit: int = 2000) -> str:
        return (form.get(name) or [""])[0][:limit]

    return Invocation(
        command=field("command", 40) or "/radar",
        text=field("text", 4000),
        user=field("user_id", 40),
        channel=field("channel_id", 40),
        response_url=field("response_url"),
        trigger_id=field("trigger_id", 200),
    )


def parse(text: str) -> Command:
    """The subcommand and its arguments in the text after ``/radar``. Free text (an update, a
    summary, a reason) keeps its line breaks."""
    spans = [(m.group(), m.start()) for m in re.finditer(r"\S+", text)]
    if not spans:
        return Command("help")
    name = spans[0][0].lower()
    if name not in SUBCOMMANDS:
        return Command("unknown", word=spans[0][0][:40])
    rest = spans[1:]
    reference: str | None = None
    public = False
    while rest and (
        (reference is None and _REFERENCE.match(rest[0][0]))
        or (name == "update" and not public and rest[0][0].lower() == PUBLIC_FLAG)
    ):
        if rest[0][0].lower() == PUBLIC_FLAG:
            public = True
        else:
            number = parse_reference(rest[0][0])
            assert number is not None  # the pattern made sure
            reference = reference_for(number)
        rest = rest[1:]

    def after(index: int) -> str:
        """The text from the ``index``-th remaining word on, as typed."""
        return _unescaped(text[rest[index][1] :].strip())

    found = Command(name, reference=reference, public=public)
    if name == "help":
        return found
    if name == "component":
        return _component(found, [word for word, _ in rest])
    if name in ("ack", "status", "declare"):
        return _needs(found, name, "nothing more") if rest else found
    if name in ("update", "resolve"):
        what = "the update's text" if name == "update" else "a summary"
        return replace(found, text=after(0)) if rest else _needs(found, name, what)
    if name == "severity":
        if len(rest) < 2:
            return _needs(found, name, "a level and a reason")
        return replace(found, severity=rest[0][0].lower(), text=after(1))
    # role
    if not rest or rest[0][0].lower() not in ROLES:
        return _needs(found, name, "a role (commander, comms or deputy) and who takes it")
    role, who = ROLES[rest[0][0].lower()], " ".join(word for word, _ in rest[1:])
    if not who:  # nobody named: Radar offers whom it knows, in a modal
        return replace(found, role=role)
    mention = _MENTION.match(who)
    if mention:
        label = (mention.group(2) or "").strip()
        return replace(found, role=role, assignee=label, assignee_slack=mention.group(1))
    name_given = _unescaped(who.removeprefix("@").strip())
    if not name_given:
        return _needs(found, "role", "a role (commander, comms or deputy) and who takes it")
    return replace(found, role=role, assignee=name_given)


def _component(found: Command, words: list[str]) -> Command:
    """``component``: nothing (list them), or a service and a state (or ``release``)."""
    hold = all(w.lower() != NO_HOLD_FLAG for w in words)
    words = [w for w in words if w.lower() != NO_HOLD_FLAG]
    if not words:
        return found if hold else _needs(found, "component", "a service and a state")
    if len(words) < 2:
        return _needs(found, "component", "a service and a state (or release)")
    return replace(found, service=words[0], state=_unescaped(" ".join(words[1:])), hold=hold)


def _unescaped(text: str) -> str:
    """Slack sends ``&``, ``<`` and ``>`` typed by people as ``&amp;``, ``&lt;``, ``&gt;``."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _needs(found: Command, name: str, what: str) -> Command:
    return replace(found, problem=f"`{name}` takes {what}: {USAGE[name]}")
