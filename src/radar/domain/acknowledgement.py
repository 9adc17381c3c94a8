"""Who acknowledged an incident, at which level, and whether that still counts, in words.

The incident holds only the acknowledgement that counts now. One can stop counting: a move to a
level that asks for a fresh one (``fresh_acknowledgement``), or a reopen. What happened before is
on the timeline, so ``standing`` reads it from there (the ``acknowledged``, ``declared``,
``severity_changed``, ``reported_anyway`` and ``reopened`` entries, ``KINDS``) instead of storing
it twice. ``Standing.words`` says it the same way on every surface:

- "acknowledged by Laura Gómez (web)"
- "acknowledged at Sev2 - Major by Laura Gómez (web); Sev1 - Critical not yet acknowledged"
- "acknowledged at Sev2 - Major by Laura Gómez (web); Sev1 - Critical was not acknowledged",
  once it is resolved: a fact, not an alarm
- "not yet acknowledged" (open), "never acknowledged" (ended), "not needed: not an incident"

Only ``awaiting`` (open, and nobody has acknowledged it as it is now) is something to act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from radar.domain.events import TimelineEntry
from radar.domain.incident import Incident
from radar.domain.lifecycle import OPEN_STATUSES, Status

# The timeline entries the story of an incident's acknowledgements is read from.
KINDS = ("declared", "acknowledged", "severity_changed", "reported_anyway", "reopened")
_LEVEL_SET = ("declared", "severity_changed", "reported_anyway")


@dataclass(frozen=True)
class Acknowledged:
    """One acknowledgement: who, when, through which interface, and at which level."""

    by: str
    at: datetime
    via: str
    severity: str


@dataclass(frozen=True)
class Words:
    """The acknowledgement in words: ``done`` what people did (may be empty), ``pending`` what
    is missing or kept (may be empty); ``awaiting`` marks ``pending`` as something to act on."""

    done: str
    pending: str
    awaiting: bool

    @property
    def text(self) -> str:
        return "; ".join(part for part in (self.done, self.pending) if part)


@dataclass(frozen=True)
class Standing:
    """Where an incident's acknowledgement stands.

    ``current`` is the acknowledgement that counts now; ``earlier`` (when nothing counts) the
    latest one that stopped counting, because the incident was ``reopened`` since or moved to
    a level that asked for a fresh one."""

    severity: str
    status: Status
    current: Acknowledged | None
    earlier: Acknowledged | None = None
    reopened: bool = False

    @property
    def awaiting(self) -> bool:
        """Open, and nobody has acknowledged it at its level since it last needed it."""
        return self.status in OPEN_STATUSES and self.current is None

    def words(self, levels: Mapping[str, str] | None = None) -> Words:
        """In words; ``levels`` maps severity ids to their names (an id not in it is shown as
        it is)."""

        def name(severity: str) -> str:
            return (levels or {}).get(severity, severity)

        if self.status is Status.DECLINED:
            return Words("", "not needed: not an incident", False)
        ended = self.status not in OPEN_STATUSES
        if self.current is not None:
            ack = self.current
            if ack.severity == self.severity:
                return Words(f"acknowledged by {ack.by} ({ack.via})", "", False)
            done = f"acknowledged at {name(ack.severity)} by {ack.by} ({ack.via})"
            return Words(done, f"still counts at {name(self.severity)}", False)
        if self.earlier is None:
            return Words("", "never acknowledged" if ended else "not yet acknowledged", not ended)
        ack = self.earlier
        if self.reopened or ack.severity == self.severity:
            level = f" at {name(ack.severity)}" if ack.severity != self.severity else ""
            why = "before it was reopened" if self.reopened else "before its level changed"
            done = f"acknowledged{level} by {ack.by} ({ack.via}) {why}"
            pending = "not acknowledged since" if ended else "not yet acknowledged since"
            return Words(done, pending, not ended)
        done = f"acknowledged at {name(ack.severity)} by {ack.by} ({ack.via})"
        if ended:
            return Words(done, f"{name(self.severity)} was not acknowledged", False)
        return Words(done, f"{name(self.severity)} not yet acknowledged", True)


def standing(incident: Incident, entries: Iterable[TimelineEntry]) -> Standing:
    """Where ``incident``'s acknowledgement stands, from its timeline ``entries`` (oldest
    first; entries of other kinds are ignored, so the whole timeline will do).

    The incident says whether an acknowledgement counts now; the timeline says at which level
    each was made and what came after. Without entries (a page of incidents read without
    them), the level is taken to be the incident's own."""
    level = incident.severity
    made: list[Acknowledged] = []
    reopened_after = False
    for e in entries:
        if e.kind in _LEVEL_SET and e.new:
            level = e.new
        elif e.kind == "acknowledged":
            made.append(Acknowledged(e.actor, e.at, e.via, level))
            reopened_after = False
        elif e.kind == "reopened":
            reopened_after = True
    ack = incident.acknowledgement
    if ack is not None:
        last = made[-1] if made else None
        severity = last.severity if last is not None and last.at == ack.at else incident.severity
        current = Acknowledged(ack.by, ack.at, ack.via.value, severity)
        return Standing(incident.severity, incident.status, current)
    earlier = made[-1] if made else None
    return Standing(
        incident.severity,
        incident.status,
        None,
        earlier,
        reopened=earlier is not None and reopened_after,
    )
