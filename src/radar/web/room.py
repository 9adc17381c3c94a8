"""What the incident room draws beyond the incident itself: its timeline grouped by time, who
wrote each entry (a person, or Radar and the monitoring that feeds it), when the next update is
due, and what the browser tab says.

Groups are bursts of activity, not calendar days: entries less than ``GAP`` apart belong
together, and each group is headed by the instant it started (a ``<time>`` the browser shows in
the reader's own zone). Days in UTC would split a night's work at the wrong hour for most
readers, and the server does not know the reader's zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from radar.domain.escalation import TimerKind
from radar.domain.events import TimelineEntry
from radar.domain.incident import Incident, Via
from radar.domain.lifecycle import Status
from radar.domain.plan import PlanItem
from radar.domain.wording import Worded

GAP = timedelta(minutes=15)
# Entries Radar wrote itself, or the monitoring that feeds it: "Radar" in the room's filter.
MACHINE_VIAS = frozenset({Via.ENGINE.value, Via.INTEGRATION.value})
UPDATE_TIMERS = frozenset({TimerKind.UPDATE_DUE, TimerKind.UPDATE_OVERDUE})


@dataclass(frozen=True)
class Entry:
    entry: TimelineEntry
    words: Worded

    @property
    def by_person(self) -> bool:
        return self.entry.via not in MACHINE_VIAS


@dataclass
class Group:
    """Entries close together, newest first: ``start`` is the oldest one's time."""

    entries: list[Entry] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        return self.entries[-1].entry.at

    @property
    def end(self) -> datetime:
        return self.entries[0].entry.at

    @property
    def kinds(self) -> set[str]:
        """What the group holds, for the timeline's filters: person, radar, public."""
        found = {"person" if e.by_person else "radar" for e in self.entries}
        return found | ({"public"} if any(e.words.public for e in self.entries) else set())


def grouped(newest_first: Iterable[Entry], gap: timedelta = GAP) -> list[Group]:
    """The timeline as groups, newest first; a new group wherever two neighbouring entries are
    ``gap`` or more apart."""
    groups: list[Group] = []
    for e in newest_first:
        if groups and groups[-1].start - e.entry.at < gap:
            groups[-1].entries.append(e)
        else:
            groups.append(Group([e]))
    return groups


def update_due(items: Sequence[PlanItem]) -> datetime | None:
    """When the next update is due: the earliest pending update timer, as the dashboard says."""
    return min((i.timer.due_at for i in items if i.timer.kind in UPDATE_TIMERS), default=None)


ENDED_WORDS = {
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
    Status.DECLINED: "Not an incident",
}


def tab_title(i: Incident) -> str:
    """What the browser tab says, so it reads from across the room: ``[SEV1] INC-42 Checkout
    down`` while open; ``[Resolved] ...``, ``[Closed] ...``, ``[Not an incident] ...`` after."""
    state = ENDED_WORDS.get(i.status) or i.severity.upper()
    return f"[{state}] {i.reference} {i.title}"
