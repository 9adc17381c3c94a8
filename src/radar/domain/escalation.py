"""The escalation plan: which timers a change to an incident starts or stops.

A level's response becomes timers: one per step and repeat round, the severity upgrade, the
update cadence and the required-roles nudge. The store keeps them in the same transaction as the
change that caused them; the engine fires them when due (see ``firing``). Everything here is pure:
the policy, the incident and ``now`` in, timers out.

Timers belong to a *generation*: declaring, reopening or changing the severity starts a new one
and cancels what was pending, so a fired timer always belongs to the response now running.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from radar.domain import calendar
from radar.domain import events as ev
from radar.domain.calendar import Calendar
from radar.domain.incident import Actor, Incident, Via
from radar.domain.policy import Policy
from radar.domain.response import OWN_CHANNEL, Counting, HoursMode, Step
from radar.domain.severity import Severity

ENGINE = Actor(name="Radar", via=Via.ENGINE)
# A required role still unassigned this long after the level starts nudges people.
ROLE_GRACE = timedelta(minutes=15)
# Repeat rounds never come closer together than this, whatever the steps say.
MIN_ROUND = timedelta(minutes=5)


class TimerKind(StrEnum):
    STEP = "step"
    UPGRADE = "upgrade"
    UPDATE_DUE = "update_due"
    UPDATE_OVERDUE = "update_overdue"
    ROLES_MISSING = "roles_missing"


ALL_KINDS = frozenset(TimerKind)
UPDATE_KINDS = frozenset({TimerKind.UPDATE_DUE, TimerKind.UPDATE_OVERDUE})


class TimerState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Timer:
    """Something to do for an incident at ``due_at``.

    ``planned_at`` is when it was first due; it differs from ``due_at`` once the timer is held
    for working hours. ``until_ack`` timers are cancelled by an acknowledgement.
    """

    kind: TimerKind
    level: str
    due_at: datetime
    step: int = 0
    repeat: int = 0
    until_ack: bool = False
    planned_at: datetime | None = None
    generation: int = 0
    id: int | None = None
    incident_id: int | None = None
    state: TimerState = TimerState.PENDING
    note: str | None = None

    @property
    def first_due(self) -> datetime:
        return self.planned_at or self.due_at

    @property
    def held(self) -> bool:
        return self.planned_at is not None and self.planned_at != self.due_at


@dataclass(frozen=True)
class Reaction:
    """What a change does to the timers: cancel some, schedule others, note it on the timeline.

    ``restart`` starts a new generation: every pending timer is cancelled first.
    """

    cancel: frozenset[TimerKind] = frozenset()
    cancel_until_ack_only: bool = False
    reason: str = ""
    restart: bool = False
    schedule: tuple[Timer, ...] = ()
    events: tuple[ev.Event, ...] = field(default=())

    @property
    def changes_timers(self) -> bool:
        return bool(self.cancel or self.schedule or self.restart)


def team_calendar(policy: Policy, incident: Incident) -> Calendar:
    return policy.calendar_of(policy.owner_of(incident.service))


def delay(cal: Calendar, hours: HoursMode, start: datetime, amount: timedelta) -> datetime | None:
    """``start + amount``; in ``working_hours_only`` the amount counts working time only."""
    if hours is HoursMode.WORKING_HOURS_ONLY:
        return calendar.add_working_time(cal, start, amount)
    return start + amount


def round_length(steps: Sequence[Step]) -> timedelta:
    """How long one round of steps lasts before a repeat starts again from the first step.

    A round runs to its last step plus the gap before that step (from the previous step, or from
    the start for a single step), and never less than ``MIN_ROUND``: steps at 0 and 5 minutes
    repeat every 10 minutes, a single step at 10 minutes every 20.
    """
    afters = sorted(s.after for s in steps)
    last = afters[-1]
    gap = last - afters[-2] if len(afters) > 1 else last
    return max(last + gap, MIN_ROUND)


def announces(step: Step) -> bool:
    """A step that posts to a channel (not a person) announces the incident: the post is kept
    for the record even once someone acknowledged, and only the people in it are spared."""
    return any(n.target.kind in OWN_CHANNEL for n in step.notify)


def step_timers(sev: Severity, cal: Calendar, start: datetime) -> list[Timer]:
    """One timer per step and round. An acknowledgement cancels the repeat rounds and the steps
    that are ``unless_acknowledged``, except a first-round step that announces the incident in a
    channel: a Sev3 acknowledged at 02:00 is still posted in #radar when the morning starts."""
    response = sev.response
    if not response.steps:
        return []
    cycle = round_length(response.steps)
    timers = []
    for rnd in range(response.repeat + 1):
        for index, step in enumerate(response.steps):
            due = delay(cal, response.hours, start, cycle * rnd + step.after)
            if due is None:
                continue
            until_ack = rnd > 0 or (step.unless_acknowledged and not announces(step))
            timers.append(Timer(TimerKind.STEP, sev.id, due, index, rnd, until_ack, due))
    return timers


def upgrade_timer(sev: Severity, cal: Calendar, start: datetime) -> Timer | None:
    """The upgrade, ``upgrade.after`` from ``start``. Counted in working time, an upgrade that
    falls at closing time or ``near_closing`` before it waits for the next working start: a
    stronger response that starts at 17:55 would run all night."""
    up = sev.upgrade
    if up is None:
        return None
    if up.counting is not Counting.WORKING_TIME:
        return Timer(TimerKind.UPGRADE, sev.id, start + up.after, planned_at=start + up.after)
    due = calendar.add_working_time(cal, start, up.after)
    if due is None:
        return None
    closing = calendar.closing_after(cal, due)
    if closing is not None and closing - due <= up.near_closing:
        reopens = calendar.next_working_start(cal, closing)
        if reopens is not None:
            return Timer(TimerKind.UPGRADE, sev.id, reopens, planned_at=due)
    return Timer(TimerKind.UPGRADE, sev.id, due, planned_at=due)


def update_timer(sev: Severity, cal: Calendar, start: datetime) -> Timer | None:
    """The next update is due ``updates.every`` after ``start``. A level that waits for working
    hours (``defer``, ``working_hours_only``) counts working time: nobody owes an update at 3 a.m.
    on an incident that waits for the morning."""
    if sev.updates_every is None:
        return None
    if sev.response.hours is HoursMode.ALWAYS:
        due: datetime | None = start + sev.updates_every
    else:
        due = calendar.add_working_time(cal, start, sev.updates_every)
    return Timer(TimerKind.UPDATE_DUE, sev.id, due, planned_at=due) if due else None


def missing_roles(sev: Severity, incident: Incident) -> list[str]:
    return [r.value for r in sev.required_roles if r not in incident.roles]


def start_level(
    policy: Policy, incident: Incident, now: datetime, *, steps: bool = True
) -> list[Timer]:
    """Every timer of the incident's level, counted from ``now``."""
    sev = policy.severity(incident.severity)
    cal = team_calendar(policy, incident)
    timers = step_timers(sev, cal, now) if steps else []
    upgrade = upgrade_timer(sev, cal, now) if incident.auto_upgrade else None
    update = update_timer(sev, cal, now)
    timers += [t for t in (upgrade, update) if t is not None]
    if missing_roles(sev, incident):
        due = now + ROLE_GRACE
        timers.append(Timer(TimerKind.ROLES_MISSING, sev.id, due, planned_at=due))
    return timers


def react(
    policy: Policy, incident: Incident, events: Sequence[ev.Event], now: datetime
) -> Reaction:
    """How the timers follow a change: ``incident`` is the result, ``events`` what happened."""
    if not incident.is_open:
        return Reaction(cancel=ALL_KINDS, reason=f"incident {incident.status.value}")
    by_type = {type(e): e for e in events}
    if by_type.keys() & {ev.IncidentDeclared, ev.IncidentReopened, ev.ReportedAnyway}:
        return _restart(policy, incident, now, "response started", steps=True)
    changed = by_type.get(ev.SeverityChanged)
    if isinstance(changed, ev.SeverityChanged):
        new, old = policy.severity(changed.new), policy.severity(changed.old)
        # A stronger level starts its response from the first step. A weaker one starts no
        # steps: the stronger level's pending steps are cancelled, and the weaker level's
        # upgrade, update cadence and roles nudge count from the change.
        stronger = new.is_more_severe_than(old)
        return _restart(policy, incident, now, f"severity {changed.old} → {changed.new}", stronger)
    if ev.IncidentAcknowledged in by_type:
        ack = incident.acknowledgement
        who = ack.by if ack else "someone"
        return Reaction(
            cancel=frozenset({TimerKind.STEP}),
            cancel_until_ack_only=True,
            reason=f"acknowledged by {who}",
        )
    if ev.UpdatePosted in by_type:
        return _renew_update(policy, incident, now)
    if ev.UpgradeDeclined in by_type:
        return _ask_again_later(policy, incident, now)
    sev = policy.severity(incident.severity)
    if ev.RoleAssigned in by_type and not missing_roles(sev, incident):
        return Reaction(cancel=frozenset({TimerKind.ROLES_MISSING}), reason="roles assigned")
    return Reaction()


def _restart(
    policy: Policy, incident: Incident, now: datetime, reason: str, steps: bool
) -> Reaction:
    timers = start_level(policy, incident, now, steps=steps)
    return Reaction(
        cancel=ALL_KINDS,
        reason=reason,
        restart=True,
        schedule=tuple(timers),
        events=tuple(_promise(policy, incident, timers, now)),
    )


def _renew_update(policy: Policy, incident: Incident, now: datetime) -> Reaction:
    sev = policy.severity(incident.severity)
    timer = update_timer(sev, team_calendar(policy, incident), now)
    if timer is None:
        return Reaction()
    return Reaction(
        cancel=UPDATE_KINDS,
        reason="update posted",
        schedule=(timer,),
        events=tuple(_promise(policy, incident, [timer], now)),
    )


def _ask_again_later(policy: Policy, incident: Incident, now: datetime) -> Reaction:
    """A declined upgrade: the clock starts again, a whole ``upgrade.after`` from now."""
    sev = policy.severity(incident.severity)
    timer = upgrade_timer(sev, team_calendar(policy, incident), now)
    return Reaction(
        cancel=frozenset({TimerKind.UPGRADE}),
        reason="upgrade declined",
        schedule=(timer,) if timer is not None and incident.auto_upgrade else (),
    )


def _promise(
    policy: Policy, incident: Incident, timers: Sequence[Timer], now: datetime
) -> list[ev.Event]:
    for t in timers:
        if t.kind is TimerKind.UPDATE_DUE:
            label = calendar.local_label(team_calendar(policy, incident), t.due_at)
            return [ev.UpdateExpected(at=now, actor=ENGINE, by=t.due_at, label=label)]
    return []
