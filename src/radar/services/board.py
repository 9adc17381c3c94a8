"""The dashboard: open incidents grouped by severity, each with when its next update is due;
and a cheap "has anything changed?" for live pages.

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
from dataclasses import dataclass
from datetime import datetime

from radar.clock import Clock
from radar.domain.access import Permission, Principal
from radar.domain.acknowledgement import Words
from radar.domain.incident import Incident
from radar.domain.listing import IncidentFilter, Page
from radar.services.access import require, seen_by, sees_as, visible
from radar.services.acknowledgements import worded
from radar.services.filters import refuse_unknown
from radar.services.incidents import incident_id
from radar.services.policies import PolicyService
from radar.services.server_keys import ServerKey
from radar.store.uow import UnitOfWorkProvider

OPEN_LIMIT = 200  # more open incidents than this is a page of its own: the list says so
KEY_NAME = "live_versions"


@dataclass(frozen=True)
class Row:
    incident: Incident
    update_due: datetime | None
    acknowledgement: Words | None = None  # in words, with what came before

    def overdue(self, now: datetime) -> bool:
        return self.update_due is not None and self.update_due <= now


@dataclass(frozen=True)
class Group:
    severity: str
    name: str
    rows: list[Row]


@dataclass(frozen=True)
class Board:
    groups: list[Group]
    more: bool  # there are more open incidents than shown
    version: str  # what ``BoardService.version`` answers for the same viewer, at the same time


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
        key = self._key.get()
        with self._uow() as uow:
            refuse_unknown(uow, self._policies, wanted)
            # Read before the incidents: a change in between makes the page fetch itself again.
            version = _token(key, uow.incidents.last_entry(visible_to=wanted.visible_to))
            found = uow.incidents.search(wanted, Page(limit=OPEN_LIMIT))
            shown = found[:OPEN_LIMIT]
            due = uow.timers.updates_due([i.id for i in shown if i.id is not None])
            policy = self._policies.current_in(uow).policy
            acks = worded(uow, policy, shown)
        names = {s.id: s.name for s in policy.severities}
        order = [s.id for s in policy.severities]
        order += sorted({i.severity for i in shown} - set(order))
        groups = []
        for sev in order:
            rows = [
                Row(i, due.get(i.id or 0), acks.get(i.id or 0)) for i in shown if i.severity == sev
            ]
            if rows:
                groups.append(Group(sev, names.get(sev, sev), rows))
        return Board(groups, len(found) > OPEN_LIMIT, version)

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
        with self._lock:
            if self._key is None:
                with self._uow(write=True) as uow:
                    value = uow.secrets.get_or_create(KEY_NAME, self._clock.now())
                    uow.commit()
                self._key = value.encode()
            return self._key


def _token(key: bytes, last_entry: int) -> str:
    digest = hmac.new(key, str(last_entry).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:15]).decode()  # 120 bits, 20 characters, no "="
