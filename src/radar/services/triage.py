"""The severity guide as a use case: walk it, and say what would happen next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from radar.domain import preview, triage
from radar.domain.errors import Conflict
from radar.domain.policy import Policy
from radar.services.policies import PolicyService


@dataclass(frozen=True)
class Suggestion:
    outcome: triage.Outcome
    severity_name: str | None
    examples: tuple[str, ...]
    response: list[str]


def suggest(policy: Policy, answers: Sequence[int], service: str | None = None) -> Suggestion:
    if policy.guide is None:
        raise Conflict("the running policy has no severity guide (add `guide:` to the policy)")
    if service is not None:
        policy.service(service)
    outcome = triage.walk(policy.guide, answers)
    examples: tuple[str, ...] = ()
    if outcome.complete and outcome.path:
        examples = outcome.path[-1].answer.examples
    if outcome.severity is None:
        return Suggestion(outcome, None, examples, [])
    sev = policy.severity(outcome.severity)
    return Suggestion(
        outcome, sev.name, examples or sev.examples, preview.response(policy, sev.id, service)
    )


class TriageService:
    def __init__(self, policies: PolicyService) -> None:
        self._policies = policies

    def suggest(self, answers: Sequence[int], service: str | None = None) -> Suggestion:
        return suggest(self._policies.current().policy, answers, service)
