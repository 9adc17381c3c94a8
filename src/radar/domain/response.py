"""The machine part of a severity level: who is told, how, when, and what happens if nobody acts.

Targets are written in the policy as ``person:laura``, ``engineering_manager`` (a role in the
service's owner team), ``communications_lead`` (a role in the incident), ``slack:#radar`` or
``email:oncall@example.com`` or ``webhook:https://hooks.example.com/radar`` or ``apprise:teams-sre``
(a name for Apprise URLs kept in the server's settings, since they carry tokens).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from radar.domain.errors import InvalidInput
from radar.domain.roles import Role, TeamRole


class HoursMode(StrEnum):
    ALWAYS = "always"
    DEFER = "defer"
    WORKING_HOURS_ONLY = "working_hours_only"


class Channel(StrEnum):
    SLACK = "slack"
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    WEBHOOK = "webhook"
    APPRISE = "apprise"


class Counting(StrEnum):
    WALL_CLOCK = "wall_clock"
    WORKING_TIME = "working_time"


class WhenWorkedOn(StrEnum):
    """What an upgrade does to an incident that people are working on (acknowledged, and
    updated within its level's cadence)."""

    PROPOSE = "propose"  # ask the commander (else the engineering manager); no answer, no upgrade
    UPGRADE = "upgrade"  # upgrade it anyway


class TargetKind(StrEnum):
    PERSON = "person"
    TEAM_ROLE = "team_role"
    INCIDENT_ROLE = "incident_role"
    SLACK_CHANNEL = "slack"
    EMAIL = "email"
    WEBHOOK = "webhook"
    APPRISE = "apprise"


# The most urgent first: of several reasons to tell one person, the one that asks for a call makes
# the message a call.
URGENCY = (
    Channel.PHONE,
    Channel.SMS,
    Channel.SLACK,
    Channel.EMAIL,
    Channel.APPRISE,
    Channel.WEBHOOK,
)

# The one channel that reaches a target which is itself an address.
OWN_CHANNEL = {
    TargetKind.SLACK_CHANNEL: Channel.SLACK,
    TargetKind.EMAIL: Channel.EMAIL,
    TargetKind.WEBHOOK: Channel.WEBHOOK,
    TargetKind.APPRISE: Channel.APPRISE,
}

_SLACK = re.compile(r"^#[a-z0-9][a-z0-9._-]{0,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_URL = re.compile(r"^https://[^\s/]+(/\S*)?$")
TARGET_FORMS = (
    "person:ID, engineering_manager, product_owner, team_lead, communications_lead, commander, "
    "deputy, slack:#channel, email:ADDRESS, webhook:https://URL or apprise:NAME"
)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    value: str

    @classmethod
    def parse(cls, text: str) -> Target:
        raw = text.strip()
        if raw in {r.value for r in TeamRole}:
            return cls(TargetKind.TEAM_ROLE, raw)
        if raw in {r.value for r in Role}:
            return cls(TargetKind.INCIDENT_ROLE, raw)
        kind, sep, value = raw.partition(":")
        checks = {
            "person": (TargetKind.PERSON, _ID),
            "slack": (TargetKind.SLACK_CHANNEL, _SLACK),
            "email": (TargetKind.EMAIL, _EMAIL),
            "webhook": (TargetKind.WEBHOOK, _URL),
            "apprise": (TargetKind.APPRISE, _ID),
        }
        if sep and kind in checks and checks[kind][1].match(value):
            return cls(checks[kind][0], value)
        raise InvalidInput(f"unknown target {text!r}; expected {TARGET_FORMS}", field="target")

    @property
    def default_channels(self) -> tuple[Channel, ...]:
        return (OWN_CHANNEL.get(self.kind, Channel.SLACK),)

    def __str__(self) -> str:
        if self.kind in (TargetKind.TEAM_ROLE, TargetKind.INCIDENT_ROLE):
            return self.value
        prefix = "person" if self.kind is TargetKind.PERSON else self.kind.value
        return f"{prefix}:{self.value}"


@dataclass(frozen=True)
class Notify:
    """Tell ``target`` through ``via[0]``; the other channels are fallbacks, in order."""

    target: Target
    via: tuple[Channel, ...]


@dataclass(frozen=True)
class Step:
    after: timedelta
    notify: tuple[Notify, ...]
    unless_acknowledged: bool = True


@dataclass(frozen=True)
class Response:
    hours: HoursMode = HoursMode.ALWAYS
    steps: tuple[Step, ...] = ()
    repeat: int = 0


# An upgrade counted in working time that falls this close to closing time waits for the next
# working start: a stronger response that starts at 17:55 runs all night.
NEAR_CLOSING = timedelta(hours=1)


@dataclass(frozen=True)
class Upgrade:
    after: timedelta
    counting: Counting
    to: str
    when_worked_on: WhenWorkedOn = WhenWorkedOn.PROPOSE
    near_closing: timedelta = NEAR_CLOSING


@dataclass(frozen=True)
class Postmortem:
    required: bool
    due_within: timedelta
