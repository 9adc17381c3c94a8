"""Which of a policy's notifications a server can deliver with the channels it has configured.

`radar policy check` warns about each notification that would fall back, or reach nobody,
because a channel it names has no settings on this server.
"""

from __future__ import annotations

from radar.domain.errors import Problem
from radar.domain.policy import Policy
from radar.domain.response import Channel


def unconfigured(policy: Policy, configured: frozenset[Channel]) -> list[Problem]:
    problems = []
    for s, sev in enumerate(policy.severities):
        for i, step in enumerate(sev.response.steps):
            for k, notify in enumerate(step.notify):
                missing = [c.value for c in notify.via if c not in configured]
                if not missing:
                    continue
                usable = [c.value for c in notify.via if c in configured]
                outcome = (
                    f"it would go by {', '.join(usable)} only"
                    if usable
                    else "nobody would be told (recorded as not sent)"
                )
                problems.append(
                    Problem(
                        field=f"severities.{s}.response.steps.{i}.notify.{k}",
                        message=f"{', '.join(missing)} not configured on this server: {sev.id} "
                        f"step {i + 1} tells {notify.target}; {outcome}",
                    )
                )
    if policy.slack_channel_levels and Channel.SLACK not in configured:
        levels = ", ".join(sorted(policy.slack_channel_levels))
        problems.append(
            Problem(
                field="slack.incident_channel",
                message=f"slack not configured on this server: incidents of {levels} would get "
                "no channel of their own (the timeline would say so)",
            )
        )
    return problems
