"""The dashboard: what is open, the most severe first and the longest waiting first within a
level, with how many per level; what was resolved in the last 24 hours; and a cheap "has
anything changed?" for live pages.

What changed is judged from what the viewer may see, and only from that: the version is the
newest timeline entry among the incidents visible to them, so a change to a restricted incident
they take no part in leaves it as it was. It is handed out as an opaque token (an HMAC of that
id under a key kept in ``server_secrets``): the ids are global, and the gap between two of them
would count the entries written, in incidents hidden from the viewer, in between.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from radar.clock import Clock
from radar.domain.access import Permission, Principal
from radar.domain.acknowledgement import Words
from radar.domain.incident import Incident
from radar.domain.listing import IncidentFilter, Resolution
from radar.domain.policy import Policy
from radar.domain.roles import Role
from radar.services.access import require, seen_by, sees_as, visible
from radar.services.acknowledgements import worded
from radar.services.filters import refuse_unknown
from radar.services.incidents import incident_id
from radar.services.policies import PolicyService
from radar.services.server_keys import ServerKey
from radar.store.uow import UnitOfWorkProvider

OPEN_LIMIT = 200  # more open incidents than this is a page of its own: the list says so
RESOLVED_WINDOW = timedelta(hours=24)  # "resolved in the last 24 hours"
RESOLVED_LIMIT = 20  # of those, the last resolved; more is a page of its own
KEY_NAME = "live_versions"


@dataclass(frozen=True)
class Row:
    """An open incident as the dashboard shows it: its names already looked up."""

    incident: Incident
    update_due: datetime | None
    acknowledgement: Words | None = None  # in words, with what came before
    level: str = ""  # the severity's name ("Sev1 - Critical")
    service: str = ""  # the service's name
    commander: str | None = None  # by name, as the policy names people
    communications_lead: str | None = None

    def overdue(self, now: datetime) -> bool:
        return self.update_due is not None and self.update_due <= now

    @property
    def awaiting(self) -> bool:
        """Open, and nobody has acknowledged it as it is now."""
        if self.acknowledgement is not None:
            return self.acknowledgement.awaiting
        return self.incident.is_open and self.incident.acknowledgement is None


@dataclass(frozen=True)
class Count:
    """How many open incidents a level has, and how many of them nobody has acknowledged."""

    severity: str
    name: str
    open: int
    unacknowledged: int


@dataclass(frozen=True)
class Resolved:
    """An incident resolved in the last 24 hours (it may be closed since), with its names."""

    resolution: Resolution  # what it was, when and by whom it was resolved
    level: str
    service: str


@dataclass(frozen=True)
class Board:
    rows: list[Row]  # the most severe first; within a level, the longest open first
    counts: list[Count]  # every level of the policy, in its order, 0 included
    resolved: list[Resolved]  # the last resolved first
    more: bool  # there are more open incidents than shown
    version: str  # what ``BoardService.version`` answers for the same viewer, at the same time
    resolved_more: bool = False  # more were resolved in the last 24 hours than shown

    @property
    def open(self) -> int:
        return sum(c.open for c in self.counts)

    @property
    def unacknowledged(self) -> int:
        return sum(c.unacknowledged for c in self.counts)

    @property
    def highest(self) -> Count | None:
        """The most severe level with something open."""
        return next((c for c in self.counts if c.open), None)

    @property
    def title(self) -> str:
        """What the browser tab says, from across the room: "[SEV1] 3 open, 1 unacknowledged"."""
        top = self.highest
        if top is None:
            return "No open incidents"
        said = f"[{top.severity.upper()}] {self.open} open"
        if self.unacknowledged:
            said += f", {self.unacknowledged} unacknowledged"
        return said

    @property
    def alert(self) -> bool:
        """Something open awaits acknowledgement (the tab's icon is marked)."""
        return self.unacknowledged > 0 or any(r.awaiting for r in self.rows)


class BoardService:
    def __init__(self, uow: UnitOfWorkProvider, clock: Clock, policies: PolicyService) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._key = ServerKey(uow, clock, KEY_NAME)

    def board(self, principal: Principal, flt: IncidentFilter = IncidentFilter()) -> Board:
        require(principal, Permission.READ)
        wanted = seen_by(
            principal,
            IncidentFilter(
                severities=flt.severities, services=flt.services, text=flt.text, open=True
            ),
        )
        # Resolved (and maybe closed since), with the same filters and the same view of
        # restricted incidents as the open ones.
        ended = replace(wanted, open=None)
        key = self._key.get()
        since = self._clock.now() - RESOLVED_WINDOW
        with self._uow() as uow:
            refuse_unknown(uow, self._policies, wanted)
            # Read before the incidents: a change in between makes the page fetch itself again.
            version = _token(key, uow.incidents.last_entry(visible_to=wanted.visible_to))
            policy = self._policies.current_in(uow).policy
            names = _Names(policy)
            # The most severe first, in the policy's order; within a level the oldest first,
            # not the newest: the one that has waited longest needs someone's eyes first.
            found = uow.incidents.most_severe_first(wanted, names.order, OPEN_LIMIT)
            shown = found[:OPEN_LIMIT]
            more = len(found) > OPEN_LIMIT
            due = uow.timers.updates_due([i.id for i in shown if i.id is not None])
            acks = worded(uow, policy, shown)
            # Counted from the rows when they are all here; else one grouped query.
            counted = uow.incidents.count_by_severity(wanted) if more else _counted(shown)
            recent = uow.incidents.resolved_since(ended, since, RESOLVED_LIMIT + 1)
        return Board(
            rows=[names.row(i, due.get(i.id or 0), acks.get(i.id or 0)) for i in shown],
            counts=names.counts(counted),
            resolved=[
                Resolved(r, names.level(r.severity), names.service(r.service))
                for r in recent[:RESOLVED_LIMIT]
            ],
            more=more,
            version=version,
            resolved_more=len(recent) > RESOLVED_LIMIT,
        )

    def version(self, principal: Principal, reference: str | None = None) -> str:
        """A token that changes with every change ``principal`` may see (to one incident, or
        to any), and with nothing else: live pages poll this and compare it with the one their
        page was made with. It says nothing but "same" or "different"."""
        require(principal, Permission.READ)
        number = incident_id(reference) if reference else None
        key = self._key.get()
        with self._uow() as uow:
            if number is None:
                return _token(key, uow.incidents.last_entry(visible_to=sees_as(principal)))
            visible(uow, principal, uow.incidents.get(number))
            return _token(key, uow.incidents.last_entry(number))


def _token(key: bytes, last_entry: int) -> str:
    digest = hmac.new(key, str(last_entry).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:15]).decode()  # 120 bits, 20 characters, no "="


def _counted(incidents: list[Incident]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for i in incidents:
        n, u = found.get(i.severity, (0, 0))
        found[i.severity] = (n + 1, u + (i.acknowledgement is None))
    return found


class _Names:
    """The policy's names for levels, services and people, looked up once per board."""

    def __init__(self, policy: Policy) -> None:
        self.order = [s.id for s in policy.severities]
        self.levels = {s.id: s.name for s in policy.severities}
        self.services = {s.id: s.name for s in policy.services}
        self.people = {p.id: p.name for p in policy.people if p.name}

    def level(self, severity: str) -> str:
        return self.levels.get(severity, severity)

    def service(self, service: str) -> str:
        return self.services.get(service, service)

    def row(self, i: Incident, due: datetime | None, ack: Words | None) -> Row:
        commander = i.roles.get(Role.COMMANDER)
        lead = i.roles.get(Role.COMMUNICATIONS_LEAD)
        # A role holder by the policy's name for them; anyone else (an account) as stored.
        return Row(  # the look-ups written out: this runs for each of 200 rows
            i,
            due,
            ack,
            level=self.levels.get(i.severity, i.severity),
            service=self.services.get(i.service, i.service),
            commander=None if commander is None else self.people.get(commander, commander),
            communications_lead=None if lead is None else self.people.get(lead, lead),
        )

    def counts(self, counted: dict[str, tuple[int, int]]) -> list[Count]:
        """Every level of the policy, in its order, with 0 where nothing is open; then any
        level an older policy named that still has something open."""
        order = self.order + sorted(set(counted) - set(self.order))
        return [Count(s, self.level(s), *counted.get(s, (0, 0))) for s in order]
