"""How a timeline entry reads, for people: what changed first, then why.

``word(entry)`` is the one place that words an entry. The incident room, the API's ``text``,
``radar incident show``, ``radar policy simulate`` and Slack all show what it returns, so an
entry reads the same everywhere: "Severity Sev2 - Major → Sev1 - Critical: card numbers in the
logs", "Resolved: Rolled back the deploy", "Commander: Laura Gómez (was nobody)".

The domain does not know the reader's time zone. An instant the words refer to stays data
(``Worded.due``) for the surface to show in the reader's zone, right after ``what``; ``text``
shows it in UTC when the caller gives nothing better.

Entries are stored and never rewritten, so the words are made from what an entry holds (kind,
field, old, new, message), including entries written by older versions of Radar. A kind this
module does not know still reads sensibly (``fallback``): nothing here raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from radar.domain.events import TimelineEntry

if TYPE_CHECKING:
    from radar.domain.policy import Policy

NOBODY = "nobody"
ROLE_LABELS = {
    "commander": "Commander",
    "communications_lead": "Communications lead",
    "deputy": "Deputy",
}


def utc(at: datetime) -> str:
    """``2026-12-02 18:01 UTC``: an instant when the reader's zone is not known."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Worded:
    """One entry in words.

    ``what`` says what changed or happened, first; ``why`` the reason, summary or message
    that came with it. ``due``, when set, is the instant ``what`` ends with ("Next update due
    by" ``due``): each surface shows it in its reader's time zone. ``public``: the words were
    also published on the status page."""

    what: str
    why: str | None = None
    public: bool = False
    due: datetime | None = None

    def text(self, when: Callable[[datetime], str] = utc) -> str:
        """The entry in one line: ``what`` (with ``due`` shown by ``when``), then ``: why``."""
        head = f"{self.what} {when(self.due)}" if self.due is not None else self.what
        return f"{head}: {self.why}" if self.why else head


@dataclass(frozen=True)
class _Names:
    people: Mapping[str, str]
    severities: Mapping[str, str]

    def person(self, value: str | None) -> str:
        return self.people.get(value, value) if value else NOBODY

    def severity(self, value: str | None) -> str:
        return self.severities.get(value, value) if value else "no level"


Rule = Callable[[TimelineEntry, _Names], Worded]


def word(
    entry: TimelineEntry,
    *,
    names: Mapping[str, str] | None = None,
    severities: Mapping[str, str] | None = None,
) -> Worded:
    """``entry`` in words. ``names`` maps person ids (as role holders are stored) to their
    names, ``severities`` level ids to level names; an id missing from either is shown as is."""
    known = _Names(names or {}, severities or {})
    rule = WORDING.get(entry.kind, fallback)
    worded = rule(entry, known)
    return replace(worded, public=True) if entry.visibility == "public" else worded


def for_policy(policy: Policy) -> Callable[[TimelineEntry], Worded]:
    """``word`` with the names of ``policy``'s people and levels."""
    people = {p.id: p.name for p in policy.people}
    levels = {s.id: s.name for s in policy.severities}
    return lambda entry: word(entry, names=people, severities=levels)


def fallback(e: TimelineEntry, n: _Names) -> Worded:
    """A kind with no wording of its own: the kind in words, the change if any, the message."""
    what = _sentence(_words(e.kind) or "entry")
    if e.field:
        what += f": {_words(e.field)} {e.old or '—'} → {e.new or '—'}"
    return Worded(what, _clean(e.message))


def _words(value: str | None) -> str:
    """An identifier (``roles.communications_lead``, ``major_outage``) as words."""
    return (value or "").replace("_", " ").replace(".", " ").strip()


# What a report kept on record as not an incident says as its severity reason
# (services/incidents.py ``report_not_an_incident``): its level is a placeholder.
RECORDED_ONLY = "recorded only: not an incident"


def _declared(e: TimelineEntry, n: _Names) -> Worded:
    notes = [x for x in (_clean(e.message) or "").split("; ") if x]
    if any(x.endswith(RECORDED_ONLY) for x in notes):
        # Its level was only a placeholder: say nothing of it, nor of the guide's suggestion
        # (the decline that follows says it is not an incident), only who reported it.
        rest = [x for x in notes if x.startswith("reported by ")]
        return Worded("Reported, kept on record as not an incident", "; ".join(rest) or None)
    return Worded(f"Declared {n.severity(e.new)}", _clean(e.message))


def _acknowledged(e: TimelineEntry, n: _Names) -> Worded:
    return Worded("Acknowledged", _clean(e.message))


def _status_changed(e: TimelineEntry, n: _Names) -> Worded:
    if e.new == "closed":
        return Worded("Closed", _clean(e.message))
    moved = f"{e.old} → {e.new}" if e.old else f"{e.new}"
    return Worded(f"Status {moved}", _clean(e.message))


def _severity_changed(e: TimelineEntry, n: _Names) -> Worded:
    return Worded(f"Severity {n.severity(e.old)} → {n.severity(e.new)}", _clean(e.message))


_PROPOSED = re.compile(r"proposed \S+ instead of upgrading, as it is being worked on: (.*)", re.S)


def _upgrade_proposed(e: TimelineEntry, n: _Names) -> Worded:
    what = (
        f"Proposed an upgrade {n.severity(e.old)} → {n.severity(e.new)}, "
        "as the incident is being worked on"
    )
    found = _PROPOSED.fullmatch(e.message or "")
    return Worded(what, _clean(found.group(1) if found else e.message))


_DECLINED_UPGRADE = re.compile(r"declined the proposed upgrade to (\S+); (\S+) stays")


def _upgrade_declined(e: TimelineEntry, n: _Names) -> Worded:
    found = _DECLINED_UPGRADE.fullmatch(e.message or "")
    proposed = e.old or (found.group(1) if found else None)
    what = f"Declined the proposed upgrade to {n.severity(proposed)}"
    if found:
        return Worded(f"{what}; stays {n.severity(found.group(2))}")
    return Worded(what, _clean(e.message))


def _role_assigned(e: TimelineEntry, n: _Names) -> Worded:
    role = (e.field or "").removeprefix("roles.")
    label = ROLE_LABELS.get(role) or _sentence(role.replace("_", " ") or "role")
    return Worded(f"{label}: {n.person(e.new)} (was {n.person(e.old)})", _clean(e.message))


def _update_posted(e: TimelineEntry, n: _Names) -> Worded:
    public = e.visibility == "public"
    return Worded("Public update" if public else "Internal update", _clean(e.message), public)


def _resolved(e: TimelineEntry, n: _Names) -> Worded:
    public = e.visibility == "public"
    return Worded("Resolved (public summary)" if public else "Resolved", _clean(e.message), public)


def _reopened(e: TimelineEntry, n: _Names) -> Worded:
    return Worded("Reopened", _clean(e.message))


def _declined(e: TimelineEntry, n: _Names) -> Worded:
    reason, _, ticket = (e.message or "").partition("\nTicket: ")
    why = _clean(reason)
    if ticket.strip():
        why = f"{why} (ticket {ticket.strip()})" if why else f"ticket {ticket.strip()}"
    return Worded("Declined as not an incident", why)


def _reported_anyway(e: TimelineEntry, n: _Names) -> Worded:
    return Worded(f"Reported as an incident after all, at {n.severity(e.new)}", _clean(e.message))


def _update_expected(e: TimelineEntry, n: _Names) -> Worded:
    due = _instant(e.new)
    if due is None:  # the instant is the point: without it, the engine's own words
        return Worded(_sentence(_clean(e.message) or "next update expected"))
    return Worded("Next update due by", due=due)


_HELD = re.compile(r"(.+?) held until .+?: (.+)", re.S)


def _held(e: TimelineEntry, n: _Names) -> Worded:
    until = _instant(e.new)
    found = _HELD.fullmatch(e.message or "")
    if until is None or found is None:
        return Worded(_sentence(_clean(e.message) or "held until working hours"))
    return Worded(f"{_sentence(found.group(1))} held until", _clean(found.group(2)), due=until)


def _engine_sentence(e: TimelineEntry, n: _Names) -> Worded:
    """The engine's notes are already one sentence saying what it did, then why."""
    return Worded(_sentence(_clean(e.message) or e.kind.replace("_", " ")))


def _labelled(label: str) -> Rule:
    """Entries whose message starts ``<label>: ``: the label is what, the rest is why."""

    def rule(e: TimelineEntry, n: _Names) -> Worded:
        text = _clean(e.message) or ""
        head, sep, rest = text.partition(": ")
        if sep and head == label:
            return Worded(label, rest or None)
        return Worded(label, text or None)

    return rule


_ADDED = " was added to the incident's participants"


def _participant_added(e: TimelineEntry, n: _Names) -> Worded:
    text = e.message or ""
    if text.endswith(_ADDED):
        return Worded(f"Added {n.person(text.removesuffix(_ADDED))} to the participants")
    return Worded("Participant added", _clean(text))


def _slack_message(e: TimelineEntry, n: _Names) -> Worded:
    writer, sep, said = (e.message or "").partition(" in Slack: ")
    if sep:
        return Worded(f"Slack message from {writer}", _clean(said))
    return Worded("Slack message", _clean(e.message))


def _slack_reply(e: TimelineEntry, n: _Names) -> Worded:
    text = _clean(e.message) or ""
    if text.endswith(": a response"):
        return Worded(_sentence(text.removesuffix(": a response")), "taken as a response")
    return Worded("Reply in Slack", text or None)


WORDING: dict[str, Rule] = {
    # people's changes (domain/events.py)
    "declared": _declared,
    "acknowledged": _acknowledged,
    "status_changed": _status_changed,
    "severity_changed": _severity_changed,
    "upgrade_proposed": _upgrade_proposed,
    "upgrade_declined": _upgrade_declined,
    "role_assigned": _role_assigned,
    "update_posted": _update_posted,
    "resolved": _resolved,
    "reopened": _reopened,
    "declined": _declined,
    "reported_anyway": _reported_anyway,
    # the engine (domain/events.py, services/engine.py, services/phone.py)
    "update_expected": _update_expected,
    "held": _held,
    "escalated": _engine_sentence,
    "reminded": _engine_sentence,
    "delivery": _engine_sentence,
    "delivery_failed": _engine_sentence,
    "not_sent": _engine_sentence,
    "slack_channel": _engine_sentence,
    # monitoring (services/ingest.py), people around the incident, Slack
    "alert_joined": _labelled("Alert joined"),
    "alert_resolved": _labelled("Alert resolved"),
    "participant_added": _participant_added,
    "slack_message": _slack_message,
    "slack_reply": _slack_reply,
    # the status page's components, set for an incident (domain/status.py)
    "component_set": _labelled("Status page"),
    "component_released": _labelled("Status page"),
}
KINDS = frozenset(WORDING)


def _instant(value: str | None) -> datetime | None:
    """An instant as entries store it (``2026-11-27T10:30:00Z``), else None."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _clean(text: str | None) -> str | None:
    """Text as one line: people's messages keep their words, not their line breaks."""
    if text is None:
        return None
    joined = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return joined or None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
