"""The public status page and its feed: for anyone, signed in or not.

Nothing here asks who is looking, so nothing here may return what only some may see: the
repository reads only incidents that are neither restricted nor drills, and only their public
updates (``store/status.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from radar.clock import Clock
from radar.domain import status
from radar.domain.status import Component, PublicIncident, PublicUpdate
from radar.services.policies import PolicyService
from radar.store.uow import UnitOfWorkProvider


@dataclass(frozen=True)
class StatusPage:
    components: list[Component]
    current: list[PublicIncident]  # open, the most recently updated first
    past: list[PublicIncident]  # resolved within ``status.PAST_WINDOW``
    names: dict[str, str]  # service id -> the name the page shows
    past_days: int = status.PAST_WINDOW.days

    @property
    def all_operational(self) -> bool:
        return all(c.state is status.ComponentState.OPERATIONAL for c in self.components)

    def component_of(self, incident: PublicIncident) -> str:
        return self.names.get(incident.service, incident.service)


@dataclass(frozen=True)
class FeedEntry:
    incident: PublicIncident
    update: PublicUpdate


@dataclass(frozen=True)
class Feed:
    entries: list[FeedEntry]  # newest first, at most ``status.FEED_LIMIT``
    updated: datetime  # the newest entry's time; now when there is none


class StatusService:
    def __init__(self, uow: UnitOfWorkProvider, clock: Clock, policies: PolicyService) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies

    def page(self) -> StatusPage:
        since = self._clock.now() - status.PAST_WINDOW
        with self._uow() as uow:
            found = uow.status.incidents(since)
            policy = self._policies.current_in(uow).policy
        current = [i for i in found if i.is_open]
        affecting = [(i.service, i.severity) for i in current]
        return StatusPage(
            components=status.components(policy, affecting),
            current=current,
            past=[i for i in found if not i.is_open],
            names=status.component_names(policy),
        )

    def feed(self) -> Feed:
        now = self._clock.now()
        with self._uow() as uow:
            found = uow.status.incidents(now - status.PAST_WINDOW, limit=status.FEED_LIMIT)
        entries = [FeedEntry(i, u) for i in found for u in i.updates]
        entries.sort(key=lambda e: (e.update.at, e.update.id), reverse=True)
        return Feed(entries, entries[0].update.at if entries else now)
