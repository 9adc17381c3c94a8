"""Slack messages onto an incident's timeline: a :pushpin: reaction on a message in the
incident's own channel, or the *Add to incident timeline* shortcut on a message there or in
the thread of Radar's message about the incident.

The entry names who pinned it and who wrote it, with the text as written. A message goes on
the timeline once, however many people pin it or however often Slack sends the event again.
A restricted incident takes pins only from its participants (and admins).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from radar.clock import Clock
from radar.domain.errors import Unavailable
from radar.domain.events import TimelineEntry
from radar.domain.incident import Via
from radar.integrations.slack_requests import Pin
from radar.notify.base import DeliveryError
from radar.services.policies import PolicyService
from radar.services.slack_directory import SlackDirectory, display_name
from radar.services.slack_people import takes_part
from radar.store.uow import UnitOfWorkProvider

log = logging.getLogger(__name__)

TEXT_MAX = 4000  # what a timeline entry keeps of a message
NOT_AN_INCIDENTS = (
    "That message is not in an incident's Slack channel, nor in the thread of Radar's message "
    "about an open incident: Radar cannot tell which incident it belongs to."
)


class SlackPins:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        directory: SlackDirectory,
        fetch: Callable[[str, str], tuple[str, str] | None] | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._directory = directory
        self._fetch = fetch

    def pin(self, pin: Pin) -> str:
        """Put the message on its incident's timeline; what to tell the person. ``Unavailable``
        when Slack did not give the message's text (Slack sends the event again)."""
        with self._uow() as uow:
            number = uow.slack_channels.incident_of(pin.channel)
            if number is None and pin.thread_ts:
                found = uow.slack_events.incidents_of_message(pin.channel, pin.thread_ts)
                number = found[0] if len(found) == 1 else None
        if number is None:
            return NOT_AN_INCIDENTS
        author, text = pin.author, pin.text
        if text is None:
            if self._fetch is None:
                return "ignored: Slack is not configured to read messages"
            try:
                fetched = self._fetch(pin.channel, pin.ts)
            except DeliveryError as exc:
                raise Unavailable(f"Slack did not give the message: {exc.message}") from None
            if fetched is None:
                return "ignored: the message is gone"
            author, text = fetched
        policy = self._policies.current().policy
        pinner = self._directory.person(policy, pin.user)
        writer = self._directory.person(policy, author) if author else None
        pinned_by, written_by = display_name(pinner, pin.user), display_name(writer, author)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            current = uow.incidents.get(number)
            if current.restricted and not takes_part(uow, current, pinner):
                return NOT_AN_INCIDENTS
            if not uow.slack_events.first_time(f"pin:{pin.channel}:{pin.ts}", number, now):
                return f"That message is on {current.reference}'s timeline already."
            entry = TimelineEntry(
                at=now,
                kind="slack_message",
                actor=pinned_by,
                via=Via.SLACK.value,
                message=f"{written_by} in Slack: {text[:TEXT_MAX]}",
            )
            uow.incidents.append(number, [entry])
            uow.commit()
        return f"Added to {current.reference}'s timeline."
