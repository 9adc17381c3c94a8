"""Severity levels as the policy defines them. The first level in the policy is the most severe."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Severity:
    """One level: the text people read when they choose it, and its rank (0 = most severe)."""

    id: str
    name: str
    definition: str
    examples: tuple[str, ...]
    typical_response: str
    rank: int

    def is_more_severe_than(self, other: Severity) -> bool:
        return self.rank < other.rank
