"""An incident's own Slack channel: whether the incident gets one, its name, its topic and who is
invited, decided from the policy and the incident alone.

The policy names the levels whose incidents get a channel (``slack.incident_channel.levels``).
An incident that had one keeps it when its level changes. A restricted incident's channel is
private and its name and topic leave the title out, as its messages do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from radar.domain.errors import InvalidInput
from radar.domain.incident import Incident
from radar.domain.lifecycle import Status
from radar.domain.policy import Policy
from radar.domain.roles import Role, TeamRole

NAME_MAX = 80  # Slack's limit for a channel name
TOPIC_MAX = 250  # Slack's limit for a topic
INVITE_MAX = 100  # conversations.invite takes at most this many users at once
ROLE_WORDS = {Role.COMMANDER: "commander", Role.COMMUNICATIONS_LEAD: "comms", Role.DEPUTY: "deputy"}


@dataclass(frozen=True)
class ChannelPlan:
    """What the incident's channel should look like now."""

    name: str  # without the '#'
    private: bool
    topic: str
    invite: tuple[str, ...]  # Slack user ids
    invite_by_email: tuple[str, ...] = ()  # people the policy gives no Slack id, by email
    archive: bool = False  # the incident is over: archive the channel


def wanted(policy: Policy, incident: Incident) -> bool:
    """Whether the incident's level gets a channel of its own."""
    return incident.severity in policy.slack_channel_levels


def plan(policy: Policy, incident: Incident, people: Iterable[str] = ()) -> ChannelPlan:
    """The channel for ``incident``; ``people`` are the policy ids of its participants (those
    paged, added, holding a role), invited with the reporter, the role holders and the owning
    team's engineering manager, team lead and product owner."""
    return ChannelPlan(
        name=channel_name(policy.slack_channel_prefix, incident),
        private=incident.restricted,
        topic=topic(policy, incident),
        invite=invitees(policy, incident, people),
        invite_by_email=invitees(policy, incident, people, by_email=True),
        archive=policy.slack_channel_archive
        and incident.status in (Status.CLOSED, Status.DECLINED),
    )


def channel_name(prefix: str, incident: Incident) -> str:
    """``inc-42-checkout-down``: lower case letters, digits and hyphens, at most 80 characters.
    A drill says so; a restricted incident's title stays out."""
    parts = [prefix, str(incident.id)]
    if incident.drill:
        parts.append("drill")
    if not incident.restricted:
        parts.append(_slug(incident.title))
    name = "-".join(p for p in parts if p)
    return name[:NAME_MAX].rstrip("-")


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def topic(policy: Policy, incident: Incident) -> str:
    """``Sev2 - Major · investigating · acknowledged by Laura Gómez · commander Ana Torres``."""
    try:
        level = policy.severity(incident.severity).name
    except InvalidInput:  # the level left the policy: its id still says what it was
        level = incident.severity
    ack = incident.acknowledgement
    parts = [
        f"{incident.reference} · {level}",
        incident.status.value + (" (drill)" if incident.drill else ""),
        f"acknowledged by {ack.by}" if ack is not None else "not acknowledged",
    ]
    parts += [f"{ROLE_WORDS[r]} {who}" for r, who in sorted(incident.roles.items()) if who]
    if not incident.restricted and incident.service:
        parts.append(f"service {incident.service}")
    text = " · ".join(parts)
    return text if len(text) <= TOPIC_MAX else text[: TOPIC_MAX - 1] + "…"


def invitees(
    policy: Policy, incident: Incident, people: Iterable[str] = (), *, by_email: bool = False
) -> tuple[str, ...]:
    """The Slack ids of the people the channel is for, in a stable order, without repeats; or
    (``by_email``) the email addresses of those the policy gives no Slack id."""
    names = [incident.reporter, *incident.roles.values(), *people]
    if not incident.restricted:  # a restricted incident is for its participants only
        try:
            team = policy.owner_of(incident.service)
        except InvalidInput:  # the service left the policy
            team = None
        if team is not None:
            names += [team.roles[r] for r in TeamRole if r in team.roles]
    found: list[str] = []
    for name in names:
        person = policy.find_person(name) if name else None
        if person is None or (by_email and person.slack):
            continue  # by email: only those the policy gives no Slack id
        key = person.email if by_email else person.slack
        if key and key not in found:
            found.append(key)
    return tuple(found[:INVITE_MAX])
