"""The outbox rows that keep Slack in step with an incident. Pure.

Not pages but upkeep: ``refresh`` (the up-to-date card for a message already posted in a Slack
channel), ``channel`` (open the incident's own channel, or bring its name, topic and members up to
date) and ``mirror`` (a status update, posted in that channel as on the timeline).
"""

from __future__ import annotations

from radar.domain import events as ev
from radar.domain import incident_channel, wording
from radar.domain.errors import InvalidInput
from radar.domain.incident import Incident
from radar.domain.notification import Kind
from radar.domain.outgoing import Outgoing, facts, subject_line
from radar.domain.policy import Policy
from radar.domain.response import Channel, Target

INCIDENT_CHANNEL = "incident_channel"  # the target of what goes to the incident's own channel


def refresh(policy: Policy, incident: Incident, target: str) -> Outgoing | None:
    """The up-to-date card for the incident's earlier message in a Slack channel."""
    try:
        sev = policy.severity(incident.severity)
    except InvalidInput:
        return None  # the level left the policy: the message stays as it was
    channel = Target.parse(target).value
    body = f"Status: {incident.status.value}" + (
        f" · acknowledged by {incident.acknowledgement.by}" if incident.acknowledgement else ""
    )
    return Outgoing(
        target=target,
        address=channel,
        label=channel,
        channels=(Channel.SLACK,),
        subject=subject_line(incident, sev),
        body=body,
        contacts=((Channel.SLACK.value, channel),),
        facts=facts(incident, sev),
        kind=Kind.REFRESH,
    )


def channel(policy: Policy, incident: Incident, people: tuple[str, ...] = ()) -> Outgoing:
    """Open the incident's own Slack channel, or bring it up to date: its name (``address``),
    its topic (``body``), who to invite (``contacts["slack"]``, comma-separated), whether it
    is private, and the card posted in it when it opens."""
    plan = incident_channel.plan(policy, incident, people)
    try:
        sev = policy.severity(incident.severity)
        subject, card = subject_line(incident, sev), facts(incident, sev)
    except InvalidInput:  # the level left the policy
        subject, card = f"{incident.reference} · {incident.severity}", ()
    return Outgoing(
        target=INCIDENT_CHANNEL,
        address=plan.name,
        label=f"#{plan.name}",
        channels=(Channel.SLACK,),
        subject=subject,
        body=plan.topic,
        contacts=(
            (Channel.SLACK.value, ",".join(plan.invite)),
            (Channel.EMAIL.value, ",".join(plan.invite_by_email)),
            ("private", "yes" if plan.private else ""),
            ("archive", "yes" if plan.archive else ""),
        ),
        facts=card,
        kind=Kind.CHANNEL,
    )


def mirror(incident: Incident, update: ev.UpdatePosted) -> Outgoing:
    """A status update, posted in the incident's own channel (found when it is sent), worded
    as on the timeline ("Public update"), with the update's own line breaks."""
    what = wording.word(update.entry()).what
    return Outgoing(
        target=INCIDENT_CHANNEL,
        address="",
        label="the incident's channel",
        channels=(Channel.SLACK,),
        subject=f"{incident.reference} · {what} from {update.actor.name}",
        body=update.message,
        kind=Kind.MIRROR,
    )
