"""Severity levels as the policy defines them. The first level in the policy is the most severe.

A level carries the text people read when they choose it and the machine part Radar runs: the
response steps, the update cadence, when it upgrades, which roles it needs, and its postmortem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from radar.domain.response import Postmortem, Response, Upgrade
from radar.domain.roles import Role


@dataclass(frozen=True)
class Severity:
    id: str
    name: str
    definition: str
    examples: tuple[str, ...]
    typical_response: str
    rank: int
    response: Response = field(default_factory=Response)
    updates_every: timedelta | None = None
    upgrade: Upgrade | None = None
    required_roles: tuple[Role, ...] = ()
    postmortem: Postmortem | None = None
    # Never held behind a less severe level's notification to the same person (the top level
    # unless the policy says otherwise).
    urgent: bool = False
    # An incident upgraded to this level needs a new acknowledgement: its steps page people even
    # if someone acknowledged the level below.
    fresh_acknowledgement: bool = False

    def is_more_severe_than(self, other: Severity) -> bool:
        return self.rank < other.rank
