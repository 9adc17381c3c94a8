"""The public status page: what the world may see of incidents, and each component's state.

Only incidents that are neither restricted nor drills, and only their public timeline entries,
ever reach the page; the store selects them (``store/status.py``). Here are the pure decisions
over what it found: the state a component is in, and the status an update was posted under.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from radar.domain.incident import reference_for
from radar.domain.lifecycle import OPEN_STATUSES, Status
from radar.domain.policy import Policy

PAST_WINDOW = timedelta(days=14)  # resolved incidents stay on the page this long
FEED_LIMIT = 50  # entries in the Atom feed


class ComponentState(StrEnum):
    """Statuspage's four states, from best to worst."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def label(self) -> str:
        """``Partial outage``: the words shown next to the colour."""
        return self.value.replace("_", " ").capitalize()


_WORSE = tuple(ComponentState)  # best first: a larger index is worse


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    state: ComponentState


@dataclass(frozen=True)
class PublicUpdate:
    """One public timeline entry: an update, or a resolution summary."""

    id: int
    at: datetime
    message: str
    status: str  # the incident's status once this update was posted


@dataclass(frozen=True)
class PublicIncident:
    """What the status page shows of an incident; ``updates`` newest first."""

    id: int
    title: str
    service: str
    severity: str
    status: Status
    resolved_at: datetime | None
    updates: tuple[PublicUpdate, ...]

    @property
    def reference(self) -> str:
        return reference_for(self.id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def state_for(severity: str, severities: Sequence[str]) -> ComponentState:
    """The state an open incident of ``severity`` puts its component in. ``severities`` are the
    policy's ids, most severe first: the first is a major outage, the second a partial outage,
    anything else (a later level, or one the policy no longer has) degraded performance."""
    if severities and severity == severities[0]:
        return ComponentState.MAJOR_OUTAGE
    if len(severities) > 1 and severity == severities[1]:
        return ComponentState.PARTIAL_OUTAGE
    return ComponentState.DEGRADED_PERFORMANCE


def worst(states: Iterable[ComponentState]) -> ComponentState:
    """The worst of ``states``; operational when there are none."""
    return max(states, key=_WORSE.index, default=ComponentState.OPERATIONAL)


def components(policy: Policy, open_incidents: Iterable[tuple[str, str]]) -> list[Component]:
    """Each service of the policy, in its order, in the worst state that the open incidents
    (``(service, severity)`` pairs) on it imply. A service's ``status_page_component`` names it
    when set. Incidents on services the policy no longer has affect no component."""
    order = [s.id for s in policy.severities]
    names = component_names(policy)
    found: dict[str, list[ComponentState]] = {}
    for service, severity in open_incidents:
        found.setdefault(service, []).append(state_for(severity, order))
    return [Component(s.id, names[s.id], worst(found.get(s.id, ()))) for s in policy.services]


def component_names(policy: Policy) -> dict[str, str]:
    """Service id -> the name the status page gives it: its component, else its own name."""
    return {s.id: s.status_page_component or s.name for s in policy.services}


def status_at(changes: Sequence[tuple[datetime, str]], at: datetime) -> str:
    """The incident's status at ``at``, given its status changes ``(when, new status)`` in the
    order they happened. A change at the same instant counts: an update that moves the incident
    is stored with its status change, at one time. Before any change, an incident is reported."""
    status = Status.REPORTED.value
    for when, new in changes:
        if when > at:
            break
        status = new
    return status
