"""How Radar describes incidents in its Slack answers: an incident by name, in one line, and
the summary ``/radar status INC-42`` gives, in the words every surface uses
(``domain/acknowledgement.py``, ``domain/wording.py``).
"""

from __future__ import annotations

from radar.domain import acknowledgement, wording
from radar.domain.acknowledgement import Words
from radar.domain.incident import Incident, Via
from radar.domain.policy import Policy
from radar.domain.roles import Role
from radar.services.incidents import IncidentDetail

LATEST = 3  # `/radar status INC-42` shows this many of people's latest timeline entries
ROLE_NAMES = {
    Role.COMMANDER: "commander",
    Role.COMMUNICATIONS_LEAD: "communications lead",
    Role.DEPUTY: "deputy",
}


def named(incident: Incident) -> str:
    return f"{incident.reference} ({incident.title})"


def line(incident: Incident, acknowledged: Words | None = None) -> str:
    """One incident in a line: reference, title, level, status, and its acknowledgement in the
    words every surface uses (``domain/acknowledgement.py``)."""
    acked = (acknowledged or acknowledgement.standing(incident, ()).words()).text
    drill = " (drill)" if incident.drill else ""
    return (
        f"{incident.reference} {incident.title}{drill}: {incident.severity}, "
        f"{incident.status.value}, {acked}"
    )


def summary(detail: IncidentDetail, policy: Policy, base: str) -> str:
    """``/radar status INC-42``: the incident, then what people last did, in the timeline's
    words (``domain/wording.py``)."""
    incident = detail.incident
    roles = [f"{ROLE_NAMES[r]} {who}" for r, who in incident.roles.items()]
    lines = [
        line(incident, detail.acknowledgement) + ".",
        f"Service {incident.service}; roles: {', '.join(roles) if roles else 'none yet'}.",
    ]
    people = [e for e in detail.timeline if e.via != Via.ENGINE.value][-LATEST:]
    if incident.resolution_summary and all(e.kind != "resolved" for e in people):
        lines.append(f"Resolved: {incident.resolution_summary}")
    if people:
        words = wording.for_policy(policy)
        lines.append("Latest, newest first:")
        lines += [f"• {e.actor}: {words(e).text()}" for e in reversed(people)]
    lines.append(f"{base}/incidents/{incident.reference}")
    return "\n".join(lines)
