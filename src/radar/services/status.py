"""The public status page and its feed, for anyone, signed in or not; and the states people set
for its components.

Nothing that serves the page asks who is looking, so nothing there may return what only some
may see: the repository reads only incidents that are neither restricted nor drills, and only
their public updates (``store/status.py``). Setting a component's state, holding it against
what the incidents imply, and releasing it are changes like any other: they need the respond
permission, and they go on the timeline of the incident they were made for, when one is named.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from radar.clock import Clock
from radar.domain import status
from radar.domain.access import Permission, Principal
from radar.domain.errors import NotFound
from radar.domain.incident import Via
from radar.domain.policy import Policy
from radar.domain.status import (
    Component,
    ComponentSetting,
    ComponentState,
    PublicIncident,
    PublicUpdate,
)
from radar.services.access import actor, require, visible
from radar.services.incidents import incident_id
from radar.services.policies import PolicyService
from radar.store.uow import UnitOfWork, UnitOfWorkProvider


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
        with self._uow() as uow:
            found, policy, components = self._read(uow)
        return StatusPage(
            components=components,
            current=[i for i in found if i.is_open],
            past=[i for i in found if not i.is_open],
            names=status.component_names(policy),
        )

    def feed(self) -> Feed:
        now = self._clock.now()
        with self._uow() as uow:
            found = uow.status.incidents(now - status.PAST_WINDOW, limit=status.FEED_LIMIT)
        entries = [FeedEntry(i, u) for i in found for u in i.updates]
        entries.sort(key=lambda e: (e.update.at, e.update.id), reverse=True)
        entries = entries[: status.FEED_LIMIT]  # a resolution's line may make one more
        return Feed(entries, entries[0].update.at if entries else now)

    # Components -------------------------------------------------------------------------------

    def components(self, principal: Principal) -> list[Component]:
        """Every component with its state, what its incidents imply, and who set it."""
        require(principal, Permission.READ)
        with self._uow() as uow:
            return self._read(uow)[2]

    def set_component(
        self,
        principal: Principal,
        service: str,
        state: ComponentState | str,
        *,
        hold: bool = True,
        incident: str | None = None,
        via: Via = Via.API,
    ) -> Component:
        """Show ``state`` for the component of ``service``: held until released, or (``hold``
        False) until the open incidents on it change. On ``incident``'s timeline when named."""
        require(principal, Permission.RESPOND)
        wanted = state if isinstance(state, ComponentState) else status.parse_state(state)
        now = self._clock.now()
        who = actor(principal, via)
        with self._uow(write=True) as uow:
            number = self._incident(uow, principal, incident)
            found, _, components = self._read(uow)
            before = _named(components, service)
            basis = _bases(found).get(before.id, "")
            setting = ComponentSetting(
                before.id, wanted, hold, basis, who.name, now, incident_id=number
            )
            uow.status.put(setting)
            if number is not None:
                uow.incidents.append(number, [status.set_entry(before, setting, who, now)])
            uow.commit()
        return Component(before.id, before.name, wanted, before.implied, setting)

    def release_component(
        self,
        principal: Principal,
        service: str,
        *,
        incident: str | None = None,
        via: Via = Via.API,
    ) -> Component:
        """Hand the component of ``service`` back to its incidents (nothing to do when nobody
        set it). On ``incident``'s timeline when named and something was released."""
        require(principal, Permission.RESPOND)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            number = self._incident(uow, principal, incident)
            before = _named(self._read(uow)[2], service)
            released = uow.status.release(before.id)
            if number is not None and released:
                entry = status.released_entry(before, actor(principal, via), now)
                uow.incidents.append(number, [entry])
            uow.commit()
        return Component(before.id, before.name, before.implied, before.implied)

    def _read(self, uow: UnitOfWork) -> tuple[list[PublicIncident], Policy, list[Component]]:
        """The public incidents, the running policy, and the components they make."""
        found = uow.status.incidents(self._clock.now() - status.PAST_WINDOW)
        policy = self._policies.current_in(uow).policy
        affecting = [(i.service, i.severity) for i in found if i.is_open]
        components = status.components(policy, affecting, uow.status.settings(), _bases(found))
        return found, policy, components

    @staticmethod
    def _incident(uow: UnitOfWork, principal: Principal, reference: str | None) -> int | None:
        """The incident a change is made for, if named: one the person may see."""
        if not reference:
            return None
        number = incident_id(reference)
        visible(uow, principal, uow.incidents.get(number))
        return number


def _bases(found: list[PublicIncident]) -> dict[str, str]:
    """Each service's open public incidents and their levels (``status.basis``)."""
    by_service: dict[str, list[tuple[int, str]]] = {}
    for i in found:
        if i.is_open:
            by_service.setdefault(i.service, []).append((i.id, i.severity))
    return {service: status.basis(pairs) for service, pairs in by_service.items()}


def _named(components: list[Component], service: str) -> Component:
    """The component of ``service`` (its id; its shown name too); else a refusal naming the
    services there are, and the closest."""
    wanted = service.strip()
    for c in components:
        if wanted in (c.id, c.name) or wanted.casefold() in (c.id.casefold(), c.name.casefold()):
            return c
    ids = [c.id for c in components]
    close = difflib.get_close_matches(wanted, ids, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise NotFound(
        f"no service {wanted[:60]!r} on the status page; its services are {', '.join(ids)}{hint}",
        field="service",
    )
