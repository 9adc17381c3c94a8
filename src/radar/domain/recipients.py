"""Who a decision reaches: targets resolved to people and channels, then folded by person.

A person who holds two of the roles a message is addressed to (the engineering manager who is also
the team lead, the communications lead who is also the commander, the reporter who is the
engineering manager) gets one message that names every reason it reaches them, through the most
urgent channel any of those reasons asks for. Pure: the policy and the incident as they are now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from radar.domain.incident import Incident
from radar.domain.policy import Policy
from radar.domain.response import OWN_CHANNEL, URGENCY, Channel, Notify, Target, TargetKind
from radar.domain.roles import Role, TeamRole


@dataclass(frozen=True)
class Recipient:
    """One person (or one channel) a decision reaches, however many of its targets they are.

    ``notify`` is the most urgent of the targets that reached them, its channels followed by the
    others' as further fallbacks; ``reasons`` say why, one per target ("engineering manager,
    Payments", "team lead, Payments", "reporter"), empty for a person named directly."""

    notify: Notify
    address: str
    label: str
    contacts: tuple[tuple[str, str], ...]
    reasons: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()  # every target that reached them
    timezone: str | None = None  # the person's own (``people[].timezone``), if the policy says

    @property
    def folded(self) -> int:
        """How many more targets this one message stands for."""
        return max(len(self.reasons) - 1, 0)

    def as_whom(self) -> str:
        """ "You get this as the communications lead and the commander." when folded."""
        if len(self.reasons) < 2:
            return ""
        roles = [f"the {r.split(',')[0]}" for r in self.reasons]
        return f"You get this as {', '.join(roles[:-1])} and {roles[-1]}."


def resolve(policy: Policy, incident: Incident, target: Target) -> tuple[str, str] | None:
    """Who ``target`` means for this incident now: (address, label), or None if nobody."""
    if target.kind in OWN_CHANNEL:
        return target.value, target.value
    if target.kind is TargetKind.PERSON:
        person = policy.person(target.value)
        return target.value, person.name if person else target.value
    role_name = target.value.replace("_", " ")
    if target.kind is TargetKind.INCIDENT_ROLE:
        holder = incident.roles.get(Role(target.value))
        if holder is None:
            return None
        person = policy.person(holder)
        return holder, f"{person.name if person else holder} ({role_name})"
    team = policy.owner_of(incident.service)
    holder_id = team.roles.get(TeamRole(target.value)) if team else None
    if team is None or holder_id is None:
        return None
    person = policy.person(holder_id)
    return holder_id, f"{person.name if person else holder_id} ({role_name}, {team.name})"


def contacts_of(policy: Policy, target: Target, address: str) -> tuple[tuple[str, str], ...]:
    """How each channel reaches the recipient, from the policy as it is now: a channel or an
    address as written, or a person's email, phone (for calls and SMS) and Slack id."""
    if target.kind in OWN_CHANNEL:
        return ((OWN_CHANNEL[target.kind].value, target.value),)
    person = policy.find_person(address)
    if person is None:
        return ()
    pairs = [
        (Channel.EMAIL, person.email),
        (Channel.PHONE, person.phone),
        (Channel.SMS, person.phone),
        (Channel.SLACK, person.slack),
    ]
    return tuple((c.value, v) for c, v in pairs if v)


def reason_of(policy: Policy, incident: Incident, target: Target) -> str | None:
    """Why ``target`` reaches its holder, in words: "engineering manager, Payments",
    "communications lead"; None for a person named directly or a channel."""
    role = target.value.replace("_", " ")
    if target.kind is TargetKind.INCIDENT_ROLE:
        return role
    if target.kind is TargetKind.TEAM_ROLE:
        team = policy.owner_of(incident.service)
        return f"{role}, {team.name}" if team else role
    return None


def fold(
    policy: Policy,
    incident: Incident,
    notify: Sequence[Notify],
    reasons: Mapping[Target, str] | None = None,
) -> tuple[list[Recipient], list[str]]:
    """Resolve each target, then fold those that are the same person into one ``Recipient``, in
    the order each person is first reached. Also the targets nobody holds (``nobody holds X``).
    ``reasons`` names a reason for targets that are people (the reporter, say)."""
    groups: dict[str, list[tuple[Notify, str, str]]] = {}
    missed: list[str] = []
    for n in notify:
        found = resolve(policy, incident, n.target)
        if found is None:
            missed.append(str(n.target))
            continue
        address, label = found
        groups.setdefault(_who(policy, n.target, address), []).append((n, address, label))
    out = []
    for members in groups.values():
        ordered = sorted(members, key=lambda m: URGENCY.index(m[0].via[0]))
        head, address, label = ordered[0]
        why = [
            w
            for n, _, _ in members
            if (w := (reasons or {}).get(n.target) or reason_of(policy, incident, n.target))
        ]
        via = tuple(dict.fromkeys(c for n, _, _ in ordered for c in n.via))
        person = None if head.target.kind in OWN_CHANNEL else policy.find_person(address)
        if len(why) > 1:
            label = f"{person.name if person else address} ({'; '.join(why)})"
        out.append(
            Recipient(
                Notify(head.target, via),
                address,
                label,
                contacts_of(policy, head.target, address),
                tuple(why),
                tuple(n.target for n, _, _ in members),
                person.timezone if person else None,
            )
        )
    return out, missed


def _who(policy: Policy, target: Target, address: str) -> str:
    """The person (or channel) an address stands for: a policy person by id or name, else the
    address itself, case ignored. Incident roles hold free text, so "Laura Gómez" is "laura"."""
    if target.kind in OWN_CHANNEL:
        return f"{target.kind.value}:{address}"
    person = policy.find_person(address)
    return f"person:{person.id}" if person else f"person:{address.casefold()}"
