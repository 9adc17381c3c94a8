"""What people do in Slack, once the API has checked Slack's signature: press Acknowledge or
Resolve on Radar's card, or reply in the card's thread.

A Slack user is a person of the policy by their ``slack`` id, and that person acts through the
Radar account named like their id (``laura``), with that account's permissions: a button does
what the same person could do in Radar, and a restricted incident stays invisible to whoever
takes no part in it. A reply in the thread is a response, not a command: it acknowledges for
any person who writes there (named ``Slack user U123`` when the policy does not list them), unless
the policy turns it off (``slack.thread_replies_acknowledge``) or the incident is restricted and
the writer takes no part in it.

Everything here is one short database transaction; Slack hears of the change through the
outbox, as for any change (the incident's cards are refreshed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from radar.clock import Clock
from radar.domain import incident as inc
from radar.domain.access import Permission, Principal
from radar.domain.errors import Forbidden, NotFound, RadarError
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Incident, Via
from radar.domain.lifecycle import Status
from radar.domain.policy import Person, Policy
from radar.integrations.slack_requests import ACKNOWLEDGE, Click, Message
from radar.services import response
from radar.services.access import actor, require, visible
from radar.services.incidents import incident_id
from radar.services.policies import PolicyService
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

log = logging.getLogger(__name__)

UNKNOWN = "Radar does not know you: ask an admin to add your Slack id to the policy."


class SlackService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        wake: Callable[[], None] = lambda: None,
        send_answer: Callable[[str, str], None] | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._wake = wake
        self._send_answer = send_answer

    def click(self, click: Click) -> str:
        """Acknowledge or resolve as the person who clicked; what to tell them (only them).
        A second click (or Slack sending the click again) changes nothing and says so."""
        now = self._clock.now()
        scheduled = False
        with self._uow(write=True) as uow:
            try:
                policy = self._policies.current_in(uow).policy
                principal = _acting(uow, policy, click.user)
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

    def answer(self, response_url: str, text: str) -> None:
        """Send ``text`` to the person who clicked (after Slack had its 200). Best effort: the
        change is already stored, and the card is refreshed through the outbox regardless."""
        if self._send_answer is None or not response_url:
            return
        try:
            self._send_answer(response_url, text)
        except Exception as exc:  # a courtesy note; never an error for what was done
            log.warning("could not answer in Slack: %s", type(exc).__name__)

    def message(self, message: Message) -> str:
        """A message in a channel Radar's app is in. A person's reply in the thread of an open
        incident's card acknowledges it, once per Slack event. What happened, in words (for
        the log)."""
        if not (message.is_reply and message.human and message.event_id):
            return "ignored: not a person's reply in a thread"
        with self._uow() as uow:  # most threads are not Radar's: look before taking a writer
            if not self._policies.current_in(uow).policy.slack_thread_replies_acknowledge:
                return "ignored: the policy turns thread replies off"
            found = uow.slack_events.incidents_of_message(message.channel, message.thread_ts)
        if len(found) != 1:  # none, or one message about several incidents: which one?
            return "ignored: not in the thread of one open incident's card"
        (number,) = found
        now = self._clock.now()
        with self._uow(write=True) as uow:
            policy = self._policies.current_in(uow).policy
            if not policy.slack_thread_replies_acknowledge:  # changed a moment ago
                return "ignored: the policy turns thread replies off"
            current = uow.incidents.get(number, for_update=True)
            if not current.is_open or current.acknowledgement is not None:
                return f"ignored: {current.reference} needs no acknowledgement"
            person = person_of(policy, message.user)
            if current.restricted and not _takes_part(uow, current, person):
                return f"ignored: {current.reference} is restricted"
            if not uow.slack_events.first_time(message.event_id, number, now):
                return f"ignored: event {message.event_id} was seen before"
            scheduled = _acknowledge(uow, policy, current, person, message.user, now)
            uow.commit()
        if scheduled:
            self._wake()
        return f"acknowledged {current.reference}"


def person_of(policy: Policy, slack_user: str) -> Person | None:
    """The person of the policy whose ``slack`` id is ``slack_user``."""
    return next((p for p in policy.people if p.slack and p.slack == slack_user), None)


def _acting(uow: UnitOfWork, policy: Policy, slack_user: str) -> Principal | str:
    """Who a Slack user acts as in Radar, or why they cannot."""
    person = person_of(policy, slack_user)
    if person is None:
        return UNKNOWN
    principal = _principal(uow, person)
    if principal is None:
        return (
            f"Radar knows you as {person.name}, but has no enabled account {person.id!r} "
            "for you: ask an admin to create it."
        )
    return principal


def _principal(uow: UnitOfWork, person: Person) -> Principal | None:
    """The enabled Radar account named like the person's id, acting as a signed-in person."""
    try:
        user = uow.accounts.user_by_name(person.id)
    except NotFound:
        return None
    return None if user.disabled else Principal(user)


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


def _takes_part(uow: UnitOfWork, current: Incident, person: Person | None) -> bool:
    """Whether a restricted incident is the writer's: a participant, or an admin."""
    if person is None:
        return False
    assert current.id is not None
    if uow.participants.takes_part(current.id, person.id):
        return True
    principal = _principal(uow, person)
    return principal is not None and principal.is_admin


def _acknowledge(
    uow: UnitOfWork,
    policy: Policy,
    current: Incident,
    person: Person | None,
    slack_user: str,
    now: datetime,
) -> bool:
    """Acknowledge as the reply's writer; the timeline says it was a reply in Slack."""
    name = person.name if person is not None else f"Slack user {slack_user}"
    who = Actor(name, Via.SLACK)
    changed, events = inc.acknowledge(current, who, now)
    note = TimelineEntry(
        at=now,
        kind="slack_reply",
        actor=name,
        via=Via.SLACK.value,
        message=f"{name} replied in the thread of Radar's message in Slack: a response",
    )
    return response.save(uow, policy, changed, events, now, before=[note])
