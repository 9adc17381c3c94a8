"""A person's message in Slack as a response: a reply in the thread of an open incident's card,
or any message in the incident's own channel, acknowledges it, once per Slack event. It
acknowledges for any person who writes there (named ``Slack user U123`` when the policy does
not list them), unless the policy turns it off (``slack.thread_replies_acknowledge``) or the
incident is restricted and the writer takes no part in it. A reply is a response, not a command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from radar.clock import Clock
from radar.domain import incident as inc
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Incident, Via
from radar.domain.policy import Policy
from radar.integrations.slack_requests import Message
from radar.services import response
from radar.services.policies import PolicyService
from radar.services.slack_directory import display_name
from radar.services.slack_people import SlackPeople, takes_part
from radar.store.uow import UnitOfWork, UnitOfWorkProvider


class SlackReplies:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        wake: Callable[[], None],
        people: SlackPeople,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._wake = wake
        self._people = people

    def message(self, message: Message) -> str:
        """A message in a channel Radar's app is in. A person's reply in the thread of an open
        incident's card, or any message of theirs in the incident's own channel, acknowledges
        it, once per Slack event. What happened, in words (for the log)."""
        if not (message.human and message.event_id):
            return "ignored: not a person's message"
        with self._uow() as uow:  # most messages are not Radar's: look before taking a writer
            if not self._policies.current_in(uow).policy.slack_thread_replies_acknowledge:
                return "ignored: the policy turns replies off"
            number = uow.slack_channels.incident_of(message.channel)
            said = "wrote in the incident's Slack channel"
            if number is None:
                if not message.is_reply:
                    return "ignored: neither in a thread nor in an incident's channel"
                found = uow.slack_events.incidents_of_message(message.channel, message.thread_ts)
                if len(found) != 1:  # none, or one message about several incidents: which one?
                    return "ignored: not in the thread of one open incident's card"
                (number,) = found
                said = "replied in the thread of Radar's message in Slack"
        _, person = self._people.who(message.user)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            policy = self._policies.current_in(uow).policy
            if not policy.slack_thread_replies_acknowledge:  # changed a moment ago
                return "ignored: the policy turns replies off"
            current = uow.incidents.get(number, for_update=True)
            if not current.is_open or current.acknowledgement is not None:
                return f"ignored: {current.reference} needs no acknowledgement"
            if current.restricted and not takes_part(uow, current, person):
                return f"ignored: {current.reference} is restricted"
            if not uow.slack_events.first_time(message.event_id, number, now):
                return f"ignored: event {message.event_id} was seen before"
            name = display_name(person, message.user)
            scheduled = _acknowledge(uow, policy, current, name, f"{name} {said}", now)
            uow.commit()
        if scheduled:
            self._wake()
        return f"acknowledged {current.reference}"


def _acknowledge(
    uow: UnitOfWork, policy: Policy, current: Incident, name: str, said: str, now: datetime
) -> bool:
    """Acknowledge as the message's writer (``name``); the timeline says what they wrote
    where."""
    who = Actor(name, Via.SLACK)
    changed, events = inc.acknowledge(current, who, now)
    note = TimelineEntry(
        at=now,
        kind="slack_reply",
        actor=name,
        via=Via.SLACK.value,
        message=f"{said}: a response",
    )
    return response.save(uow, policy, changed, events, now, before=[note])
