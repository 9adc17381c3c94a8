"""The public status page: what the world may see of incidents, and each component's state.

Only incidents that are neither restricted nor drills, and only their public timeline entries,
ever reach the page; the store selects them (``store/status.py``). Here are the pure decisions
over what it found: the state a component is in (implied by its open incidents, unless a person
set it), the status an update was posted under, and the line that says an incident was resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from radar.domain.errors import InvalidInput
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, reference_for
from radar.domain.lifecycle import OPEN_STATUSES, Status
from radar.domain.policy import Policy

PAST_WINDOW = timedelta(days=14)  # resolved incidents stay on the page this long
FEED_LIMIT = 50  # entries in the Atom feed
# What the page says of a resolved incident whose resolution was not published.
RESOLVED_LINE = "This incident has been resolved."


class ComponentState(StrEnum):
    """Statuspage's states: four from best to worst, and planned work."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"  # only ever set by a person

    @property
    def label(self) -> str:
        """``Partial outage``: the words shown next to the colour."""
        return self.value.replace("_", " ").capitalize()


# Best first: a larger index is worse. Incidents never imply maintenance.
_WORSE = (
    ComponentState.OPERATIONAL,
    ComponentState.DEGRADED_PERFORMANCE,
    ComponentState.PARTIAL_OUTAGE,
    ComponentState.MAJOR_OUTAGE,
)
# Short words people type (CLI, Slack) for a state.
_SAID = {
    "ok": ComponentState.OPERATIONAL,
    "degraded": ComponentState.DEGRADED_PERFORMANCE,
    "partial": ComponentState.PARTIAL_OUTAGE,
    "major": ComponentState.MAJOR_OUTAGE,
    "outage": ComponentState.MAJOR_OUTAGE,
    "maintenance": ComponentState.UNDER_MAINTENANCE,
}


def parse_state(text: str) -> ComponentState:
    """``major_outage``, ``Major outage``, ``major-outage`` or ``major`` -> the state;
    anything else is refused, naming it and the states there are."""
    said = "_".join(text.strip().casefold().replace("-", " ").split())
    if said in _SAID:
        return _SAID[said]
    try:
        return ComponentState(said)
    except ValueError:
        known = ", ".join(s.value for s in ComponentState)
        raise InvalidInput(
            f"{text.strip()[:60]!r} is not a component state; the states are {known}",
            field="state",
        ) from None


@dataclass(frozen=True)
class ComponentSetting:
    """A state a person set for a component, instead of the one its incidents imply.

    ``held``: it stays until someone releases it, whatever the incidents do (a severity
    change no longer moves the component). Otherwise it lasts while the open incidents on the
    component are those it was set over (``basis``, see ``basis``): the next incident there, a
    change of level or a resolution hands the component back to its incidents.
    """

    service: str
    state: ComponentState
    held: bool
    basis: str
    set_by: str
    set_at: datetime
    incident_id: int | None = None

    def applies(self, basis: str) -> bool:
        return self.held or basis == self.basis


@dataclass(frozen=True)
class Component:
    """A component as the page shows it (``state``), what its open incidents imply
    (``implied``), and the person's setting in force, if any."""

    id: str
    name: str
    state: ComponentState
    implied: ComponentState = ComponentState.OPERATIONAL
    setting: ComponentSetting | None = None


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


def basis(open_incidents: Iterable[tuple[int, str]]) -> str:
    """What a component's implied state rests on: its open incidents and their levels, as
    ``INC-3 sev2, INC-5 sev1`` (``(id, severity)`` pairs, in any order); "" for none."""
    return ", ".join(f"{reference_for(n)} {severity}" for n, severity in sorted(open_incidents))


def components(
    policy: Policy,
    open_incidents: Iterable[tuple[str, str]],
    settings: Mapping[str, ComponentSetting] | None = None,
    bases: Mapping[str, str] | None = None,
) -> list[Component]:
    """Each service of the policy, in its order, in the worst state that the open incidents
    (``(service, severity)`` pairs) on it imply, unless a person's setting for it applies
    (``bases``: each service's current ``basis``). A service's ``status_page_component``
    names it when set. Incidents and settings on services the policy no longer has affect no
    component."""
    order = [s.id for s in policy.severities]
    names = component_names(policy)
    found: dict[str, list[ComponentState]] = {}
    for service, severity in open_incidents:
        found.setdefault(service, []).append(state_for(severity, order))
    shown = []
    for s in policy.services:
        implied = worst(found.get(s.id, ()))
        setting = (settings or {}).get(s.id)
        if setting is not None and not setting.applies((bases or {}).get(s.id, "")):
            setting = None
        state = setting.state if setting is not None else implied
        shown.append(Component(s.id, names[s.id], state, implied, setting))
    return shown


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


def with_resolution(incident: PublicIncident, resolution: int | None) -> PublicIncident:
    """A resolved (or closed) incident says so on the page, with the time, even when its
    resolution was not published: then the newest line is ``RESOLVED_LINE``, at the time it was
    resolved, under the id of the timeline entry that resolved it (``resolution``), so the
    feed's entry keeps one id. Nothing is added when a public line is that recent already (the
    published summary, or an update since)."""
    at = incident.resolved_at
    if incident.is_open or at is None or resolution is None:
        return incident
    if any(u.at >= at for u in incident.updates):
        return incident
    line = PublicUpdate(resolution, at, RESOLVED_LINE, Status.RESOLVED.value)
    return replace(incident, updates=(line, *incident.updates))


def set_entry(
    component: Component, setting: ComponentSetting, actor: Actor, now: datetime
) -> TimelineEntry:
    """The incident's timeline line for a component set while working on it."""
    how = "held until someone releases it" if setting.held else "until the incidents on it change"
    was = f" (was {component.state.label})" if component.state is not setting.state else ""
    return TimelineEntry(
        at=now,
        kind="component_set",
        actor=actor.name,
        via=actor.via.value,
        field=f"component.{component.id}",
        old=component.state.value,
        new=setting.state.value,
        message=f"Status page: {component.name} set to {setting.state.label}{was}, {how}",
    )


def released_entry(component: Component, actor: Actor, now: datetime) -> TimelineEntry:
    """The incident's timeline line for a component handed back to its incidents."""
    return TimelineEntry(
        at=now,
        kind="component_released",
        actor=actor.name,
        via=actor.via.value,
        field=f"component.{component.id}",
        old=component.state.value,
        new=component.implied.value,
        message=(
            f"Status page: {component.name} released; it follows its incidents again "
            f"({component.implied.label})"
        ),
    )
