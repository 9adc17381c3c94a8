"""The buttons on Radar's Slack card, pressed: Acknowledge or Resolve, as the person who
pressed it and with their account's permissions (a restricted incident stays invisible to
whoever takes no part in it); *Post update* opens the update modal (``services/slack_modals.py``),
and *Accept upgrade* / *Decline* answer Radar's proposal (``services/slack_upgrades.py``).

Acknowledge and Resolve are one short database transaction; Slack hears of the change through
the outbox, as for any change (the incident's cards are refreshed).
"""

from __future__ import annotations

from collections.abc import Callable

from radar.clock import Clock
from radar.domain import incident as inc
from radar.domain.access import Permission
from radar.domain.errors import Forbidden, NotFound, RadarError
from radar.domain.incident import Incident, Via
from radar.domain.lifecycle import Status
from radar.integrations.slack_requests import (
    ACCEPT_UPGRADE,
    ACKNOWLEDGE,
    DECLINE_UPGRADE,
    UPDATE,
    Click,
)
from radar.services import response, slack_upgrades
from radar.services.access import actor, require, visible
from radar.services.incidents import IncidentService, incident_id
from radar.services.policies import PolicyService
from radar.services.slack_modals import SlackModals
from radar.services.slack_people import SlackPeople, acting
from radar.store.uow import UnitOfWork, UnitOfWorkProvider


class SlackButtons:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        wake: Callable[[], None],
        people: SlackPeople,
        incidents: IncidentService,
        modals: SlackModals,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._wake = wake
        self._people = people
        self._incidents = incidents
        self._modals = modals

    def click(self, click: Click) -> str:
        """Acknowledge or resolve as the person who clicked, or open the update modal for
        them; what to tell them (only them; "" for nothing). A second click (or Slack sending
        the click again) changes nothing and says so."""
        if click.action == UPDATE:
            return self._modals.open_update(click)
        if click.action in (ACCEPT_UPGRADE, DECLINE_UPGRADE):
            return slack_upgrades.answer(self._people, self._incidents, click)
        _, person = self._people.who(click.user)
        now = self._clock.now()
        scheduled = False
        with self._uow(write=True) as uow:
            try:
                policy = self._policies.current_in(uow).policy
                principal = acting(uow, person)
                if isinstance(principal, str):
                    return principal  # why they cannot act
                number = incident_id(click.reference)
                current = visible(uow, principal, uow.incidents.get(number, for_update=True))
                require(principal, Permission.RESPOND)
                already = _already(uow, current, click.action)
                if already:
                    return already
                who = actor(principal, Via.SLACK)
                if click.action == ACKNOWLEDGE:
                    changed, events = inc.acknowledge(current, who, now)
                    done = f"You acknowledged {current.reference}."
                else:
                    summary = f"Resolved from Slack by {who.name}"
                    changed, events = inc.resolve(current, who, now, summary=summary)
                    done = f"You resolved {current.reference}."
                scheduled = response.save(uow, policy, changed, events, now)
                uow.commit()
            except NotFound:
                return f"There is no incident {click.reference} in Radar."
            except Forbidden as exc:
                return f"Radar did not let you do that: {exc.message}."
            except RadarError as exc:
                return f"{click.reference}: {exc.message}"
        if scheduled:
            self._wake()
        return done


def _already(uow: UnitOfWork, current: Incident, action: str) -> str | None:
    """What to say when the click has nothing left to do: acknowledged, or no longer open."""
    ack = current.acknowledgement
    if action == ACKNOWLEDGE and ack is not None:
        return f"{current.reference} was already acknowledged by {ack.by}."
    if current.status is Status.RESOLVED:
        assert current.id is not None
        by = [e.actor for e in uow.incidents.timeline(current.id) if e.kind == "resolved"]
        return f"{current.reference} was already resolved" + (f" by {by[-1]}." if by else ".")
    if not current.is_open:
        return f"{current.reference} is {current.status.value}."
    return None
