"""Incidents' acknowledgements in words, with what came before (``domain.acknowledgement``):
read from their timelines in one query, worded with the running policy's level names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from radar.domain import acknowledgement
from radar.domain.acknowledgement import Words
from radar.domain.events import TimelineEntry
from radar.domain.incident import Incident
from radar.domain.policy import Policy
from radar.store.uow import UnitOfWork


def levels(policy: Policy) -> dict[str, str]:
    return {s.id: s.name for s in policy.severities}


def worded(uow: UnitOfWork, policy: Policy, incidents: Sequence[Incident]) -> dict[int, Words]:
    """Each incident's acknowledgement in words, by incident id."""
    ids = [i.id for i in incidents if i.id is not None]
    entries = uow.incidents.entries_of_kinds(ids, acknowledgement.KINDS)
    names = levels(policy)
    return {
        i.id: acknowledgement.standing(i, entries[i.id]).words(names)
        for i in incidents
        if i.id is not None
    }


def worded_one(policy: Policy, incident: Incident, timeline: Iterable[TimelineEntry]) -> Words:
    """One incident's, from its whole timeline (already read)."""
    return acknowledgement.standing(incident, timeline).words(levels(policy))
