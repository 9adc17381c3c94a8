"""The response follows every change: in the change's own transaction, the timers it implies
are cancelled or scheduled and the engine's notes join the timeline (see ``domain.escalation``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime

from radar.domain import escalation, incident_channel, upkeep
from radar.domain import events as ev
from radar.domain.errors import InvalidInput
from radar.domain.events import TimelineEntry
from radar.domain.incident import Incident
from radar.domain.policy import Policy
from radar.store.uow import UnitOfWork

log = logging.getLogger(__name__)


def follow(
    uow: UnitOfWork, policy: Policy, incident: Incident, events: Sequence[ev.Event], now: datetime
) -> bool:
    """Make the stored timers follow ``events``; True when new timers were scheduled.

    The caller holds the incident's lock (or has just created it) and commits.
    """
    assert incident.id is not None
    try:
        reaction = escalation.react(policy, incident, events, now)
    except InvalidInput as exc:
        # The incident's level (or the one it left) is no longer in the policy. The change
        # itself stands; the plan stays as it was, and firing skips what it cannot find.
        log.warning("INC-%s: the response was not replanned: %s", incident.id, exc.message)
        return False
    if not reaction.changes_timers:
        return False
    generation = uow.timers.generation(incident.id) + int(reaction.restart)
    if reaction.cancel:
        uow.timers.cancel(
            incident.id,
            reaction.cancel,
            now=now,
            note=f"cancelled: {reaction.reason}",
            until_ack_only=reaction.cancel_until_ack_only,
        )
    uow.timers.add(incident.id, reaction.schedule, generation, now)
    uow.incidents.append(incident.id, [e.entry() for e in reaction.events])
    if reaction.schedule:
        uow.timers.announce()
    return bool(reaction.schedule)


def save(
    uow: UnitOfWork,
    policy: Policy,
    incident: Incident,
    events: Sequence[ev.Event],
    now: datetime,
    before: Sequence[TimelineEntry] = (),
) -> bool:
    """Store a decided change of a locked incident: its new state, ``before`` and its events on
    the timeline, and the timers that follow. True when there is new work for the engine."""
    uow.incidents.save(incident, [*before, *(e.entry() for e in events)])
    refreshed = refresh_slack(uow, policy, incident, now)
    kept = keep_channel(uow, policy, incident, now, events)
    return follow(uow, policy, incident, events, now) or refreshed or kept


def keep_channel(
    uow: UnitOfWork,
    policy: Policy,
    incident: Incident,
    now: datetime,
    events: Sequence[ev.Event] = (),
) -> bool:
    """Queue the opening of the incident's own Slack channel (its level has one, see
    ``domain.incident_channel``), or an update when its topic or its people changed; and post
    the status updates among ``events`` there. True when something was queued."""
    assert incident.id is not None
    latest = uow.outbox.channel_state(incident.id)
    if latest is None and not (incident.is_open and incident_channel.wanted(policy, incident)):
        return False
    people = tuple(name for name, _why in uow.participants.of(incident.id))
    wanted = upkeep.channel(policy, incident, people)
    queued = []
    if latest != (wanted.address, wanted.body, dict(wanted.contacts)):
        state = hashlib.sha256(repr(wanted).encode()).hexdigest()[:12]
        queued.append((f"{incident.id}:channel:{now.isoformat()}:{state}", wanted))
    for i, e in enumerate(events):
        if isinstance(e, ev.UpdatePosted):
            queued.append(
                (f"{incident.id}:mirror:{now.isoformat()}:{i}", upkeep.mirror(incident, e))
            )
    uow.outbox.add(incident.id, None, queued, now)
    if queued:
        uow.timers.announce()
    return bool(queued)


def refresh_slack(uow: UnitOfWork, policy: Policy, incident: Incident, now: datetime) -> bool:
    """Queue an update, in place, of the incident's messages in Slack channels: the card shows
    the status and acknowledgement as they are now, rather than a new message adding noise."""
    assert incident.id is not None
    queued = []
    for target in uow.outbox.slack_messages(incident.id):
        card = upkeep.refresh(policy, incident, target)
        if card is not None:
            state = hashlib.sha256(card.body.encode()).hexdigest()[:12]
            queued.append((f"{incident.id}:refresh:{target}:{now.isoformat()}:{state}", card))
    uow.outbox.add(incident.id, None, queued, now)
    if queued:
        uow.timers.announce()
    return bool(queued)
