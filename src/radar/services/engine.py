"""The engine's use cases: fire due timers, deliver the outbox, and show the plan.

Firing is exactly once: a due timer is handled in one transaction that locks its incident,
records what it did (notifications queued, timeline entries, the next timers) and marks it done.
A worker killed half-way leaves the transaction uncommitted and the timer due.

Delivery is at most once while the sender lives: notifications are leased, each send is marked
begun in a transaction that checks the lease is still held, sent outside any transaction while the
worker renews the lease, and recorded afterwards. Only a send begun by a worker that then died is
sent again, once, by the worker that takes the lapsed lease over (docs/notifications.md).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from radar.clock import Clock
from radar.domain import firing, notification, plan
from radar.domain.access import Permission, Principal
from radar.domain.escalation import Timer, TimerKind
from radar.domain.events import TimelineEntry
from radar.domain.incident import Incident
from radar.domain.notification import Attempt, Delivered, Kind, Notification, retry_at
from radar.domain.outgoing import Outgoing, late_note
from radar.domain.policy import Policy
from radar.domain.response import OWN_CHANNEL, Channel, Target
from radar.notify.base import DeliveryError, Notifier
from radar.services import response
from radar.services.access import require, visible
from radar.services.ack_links import AckLinkService
from radar.services.incidents import incident_id
from radar.services.policies import PolicyService
from radar.store import db as store_db
from radar.store.timers import WAKE_CHANNEL
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=30)
RETRY_FAILED_TIMER = timedelta(minutes=1)
REFRESH_WAIT = timedelta(seconds=5)
SUPERSEDED_UPDATE = "superseded by a later update of the channel"


class Heartbeats(Protocol):
    """Monitoring that must ping: the engine opens an alert when a ping is overdue."""

    def missed_heartbeats(self) -> int: ...

    def next_heartbeat(self) -> datetime | None: ...


@dataclass(frozen=True)
class Claimed:
    """What one claim took: the number of notifications leased, and the messages to send now
    (bundles count once; notifications handed back or settled unsent are in neither)."""

    taken: int
    batches: list[Notification]


@dataclass(frozen=True)
class PlanView:
    incident: Incident
    items: list[plan.PlanItem]
    notifications: list[Notification]
    attempts: dict[int, list[Attempt]]


class EngineService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        notifier: Notifier,
        lease: timedelta = LEASE,
        links: AckLinkService | None = None,
        fallback: Target | None = None,
        windows: Mapping[Channel, timedelta] = notification.WINDOWS,
        heartbeats: Heartbeats | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._notifier = notifier
        self._lease = lease
        self._links = links
        self._fallback = fallback
        self._windows = dict(windows)
        self._heartbeats = heartbeats

    def fire_due(self, limit: int = 50) -> int:
        """Fire the timers due now on up to ``limit`` incidents, and open an alert for each
        overdue heartbeat; the number of timers fired and heartbeats missed."""
        missed = self._heartbeats.missed_heartbeats() if self._heartbeats else 0
        return missed + self._fire_timers(limit)

    def _fire_timers(self, limit: int) -> int:
        now = self._clock.now()
        fired = 0
        with self._uow(write=True) as uow:
            ids = uow.timers.due_incidents(now, limit)
            if not ids:
                return 0
            policy = self._policies.current_in(uow).policy
            for number in ids:
                try:
                    with uow.savepoint():
                        fired += self._fire_incident(uow, policy, number, now)
                except Exception as exc:
                    log.exception("firing the timers of INC-%s failed; retrying later", number)
                    note = f"failed: {type(exc).__name__}: {exc}"
                    uow.timers.postpone(number, now, now + RETRY_FAILED_TIMER, note)
            uow.commit()
        return fired

    def _fire_incident(self, uow: UnitOfWork, policy: Policy, number: int, now: datetime) -> int:
        incident = uow.incidents.get(number, for_update=True)
        timers = uow.timers.due_of(number, now)
        for count, timer in enumerate(timers, start=1):
            changed = self._fire(uow, policy, incident, timer, now)
            if changed is not None:
                # The incident moved on (an upgrade): its other timers are re-read next pass.
                return count
        return len(timers)

    def _fire(
        self, uow: UnitOfWork, policy: Policy, incident: Incident, timer: Timer, now: datetime
    ) -> Incident | None:
        assert incident.id is not None
        assert timer.id is not None
        result = firing.fire(policy, incident, timer, now)
        entries: list[TimelineEntry] = [e.entry() for e in result.events]
        if result.hold_until is not None:
            uow.timers.hold(timer.id, result.hold_until)
            uow.incidents.append(incident.id, entries)
            return None
        keyed = [(_key(incident.id, timer, o), o) for o in result.outgoing]
        uow.outbox.add(incident.id, timer.id, keyed, now)
        uow.participants.add(incident.id, _people(result.outgoing), "paged", now)
        uow.timers.add(incident.id, result.then, timer.generation, now)
        uow.timers.finish(timer.id, now, result.note + late_note(timer, now))
        if result.change is None:
            uow.incidents.append(incident.id, entries)
            response.keep_channel(uow, policy, incident, now)  # the people paged are invited
            return None
        changed, events = result.change
        response.save(uow, policy, changed, events, now, before=entries)
        return changed

    def deliver_due(self, owner: str, limit: int = 50) -> int:
        """Claim up to ``limit`` due notifications and send them one after another; the number
        taken up. (The worker sends its claims concurrently instead: see ``claim``.)"""
        claimed = self.claim(owner, limit)
        for batch in claimed.batches:
            self.deliver(owner, batch)
        return claimed.taken

    def claim(self, owner: str, limit: int) -> Claimed:
        """Lease up to ``limit`` due notifications for ``owner`` and say what to send now: each
        alone, or bundled while its send window is shut (the rest are handed back until it
        reopens). The leases last ``lease``; renew them (``renew``) while the sends wait or
        take longer."""
        now = self._clock.now()
        with self._uow(write=True) as uow:
            leased = uow.outbox.lease(now, owner, now + self._lease, limit)
            along = uow.outbox.siblings(leased, now)  # decided with them: they go as one
            leased += uow.outbox.lease_ids([n.id for n in along], owner, now, now + self._lease)
            wanted = self._still_wanted(uow, owner, leased, now)
            batches = self._batches(uow, owner, wanted, now)
            uow.commit()
        return Claimed(len(leased), batches)

    def deliver(self, owner: str, batch: Notification) -> bool:
        """Send one claimed message and record what became of it; False if it was not sent
        because ``owner`` no longer held it (its lease lapsed and another worker took it), or
        because the incident moved on since it was decided (resolved, acknowledged, another
        level: the timeline says so).

        The send is marked begun, and the lease checked and renewed, in a transaction committed
        before the send: while ``owner`` lives and renews its leases, nobody else sends it."""
        now = self._clock.now()
        with self._uow(write=True) as uow:
            current = self._still_wanted(uow, owner, batch.members, now)
            held = uow.outbox.begin([m.id for m in current], owner, now, now + self._lease)
            uow.commit()
        members = tuple(m for m in batch.members if m.id in held)
        if not members:
            if len(current) == len(batch.members):
                log.warning("notification %s was taken over before it was sent", batch.key)
            return False
        if len(members) < len(batch.members):
            batch = notification.bundle(members)
        delivered, error = self._send(batch)
        # Recorded one message at a time: a worker killed now resends at most this one.
        self._record(owner, batch, delivered, error)
        return delivered is not None

    def _still_wanted(
        self, uow: UnitOfWork, owner: str, members: Sequence[Notification], now: datetime
    ) -> list[Notification]:
        """Decide again, at the moment of sending: a message for an incident resolved,
        declined, acknowledged (where that stops it) or moved to another level since it was
        decided is settled unsent, and the timeline says why."""
        wanted: list[Notification] = []
        policy: Policy | None = None
        for m in members:
            if m.level is None or m.kind.is_upkeep:
                wanted.append(m)
                continue
            incident = uow.incidents.get(m.incident_id)
            if policy is None:
                policy = self._policies.current_in(uow).policy
            why = firing.stale(policy, incident, m)
            if why is None:
                wanted.append(m)
                continue
            uow.outbox.skip(m.id, owner, f"not sent: {why}")
            said = f"{notification.what(m)} not sent: {why}"
            uow.incidents.append(m.incident_id, [_engine_note(now, "not_sent", said)])
        return wanted

    def renew(self, owner: str, ids: Sequence[int]) -> int:
        """Extend ``owner``'s leases on the notifications ``ids`` (claimed, or being sent) by
        another ``lease``; how many it still held."""
        if not ids:
            return 0
        now = self._clock.now()
        with self._uow(write=True) as uow:
            held = uow.outbox.renew(list(ids), owner, now + self._lease)
            uow.commit()
        return held

    @property
    def lease(self) -> timedelta:
        return self._lease

    def _batches(
        self, uow: UnitOfWork, owner: str, leased: list[Notification], now: datetime
    ) -> list[Notification]:
        """What to send now: each notification alone, or bundled with the others for the same
        recipient and channel while its send window is shut; the rest are handed back until
        the window reopens."""
        out: list[Notification] = []
        shut: dict[str, tuple[timedelta, list[Notification]]] = {}
        units: dict[object, list[Notification]] = {}
        for n in leased:
            units.setdefault(notification.fold_key(n) or n.id, []).append(n)
        for unit in units.values():
            # One person, one incident, one engine pass: one message, through the most urgent
            # member's channel and window.
            unit.sort(key=notification.severity_order)
            n = unit[0]
            if n.kind is Kind.REFRESH:
                out.extend(self._refresh(uow, owner, n, now))
                continue
            if n.kind in (Kind.CHANNEL, Kind.MIRROR):
                out.extend(self._in_channel(uow, owner, n, now))
                continue
            w = notification.window(n, self._windows)
            if w is None and len(unit) == 1:
                out.append(n)
            elif w is None:
                out.append(replace(n, bundled=tuple(unit[: notification.MAX_BUNDLE])))
                if unit[notification.MAX_BUNDLE :]:
                    uow.outbox.postpone([m.id for m in unit[notification.MAX_BUNDLE :]], owner, now)
            else:
                shut.setdefault(w[0], (w[1], []))[1].extend(unit)
        # In key order: two workers taking the same windows lock them in the same order.
        for key, (span, members) in sorted(shut.items()):
            members.sort(key=notification.severity_order)  # the most severe first
            head = members[0]
            opened = uow.outbox.open_window(key, now, now - span, head.rank, head.urgent)
            if opened is None:
                members += self._riding_along(uow, owner, key, members, now)
                members.sort(key=notification.severity_order)
            first, later = members[: notification.MAX_BUNDLE], members[notification.MAX_BUNDLE :]
            if opened is None:
                out.append(replace(first[0], bundled=tuple(first)))
                opened = now
            else:
                later = members
            if later:
                uow.outbox.postpone([m.id for m in later], owner, opened + span)
        return out

    def _riding_along(
        self,
        uow: UnitOfWork,
        owner: str,
        key: str,
        members: list[Notification],
        now: datetime,
    ) -> list[Notification]:
        """The messages held for this recipient by the window that just opened (an urgent
        page took it early): they go in the same message rather than wait another window."""
        taken = {m.id for m in members}
        held = [
            n
            for n in uow.outbox.waiting_for(members[0].address, now)
            if n.id not in taken and (w := notification.window(n, self._windows)) and w[0] == key
        ]
        leased = uow.outbox.lease_ids([n.id for n in held], owner, now, now + self._lease)
        return self._still_wanted(uow, owner, leased, now)

    def _refresh(
        self, uow: UnitOfWork, owner: str, n: Notification, now: datetime
    ) -> list[Notification]:
        """A refresh goes out only as the latest one, and only once the message it updates has
        been sent; it waits while that message is on its way."""
        if uow.outbox.newer_refresh(n):
            uow.outbox.skip(n.id, owner, "superseded by a later refresh")
            return []
        provider_id, pending = uow.outbox.message_for(n.incident_id, n.target)
        if provider_id is not None:
            return [replace(n, provider_id=provider_id)]
        if pending:
            uow.outbox.postpone([n.id], owner, now + REFRESH_WAIT)
        else:
            uow.outbox.skip(n.id, owner, "no Slack message to update")
        return []

    def _in_channel(
        self, uow: UnitOfWork, owner: str, n: Notification, now: datetime
    ) -> list[Notification]:
        """The incident's own channel: opened once (a later update waits while it is being
        opened), then kept up to date by the latest update only; a status update is posted
        once the channel exists, and not at all if it never will."""
        if n.kind is Kind.CHANNEL and uow.outbox.newer_refresh(n):
            uow.outbox.skip(n.id, owner, SUPERSEDED_UPDATE)
            return []
        channel_id = uow.slack_channels.of_incident(n.incident_id)
        if channel_id is not None:
            return [replace(n, provider_id=channel_id)]
        if n.kind is Kind.CHANNEL:  # earlier tries waiting to retry: this one does their work
            uow.outbox.supersede(n.incident_id, Kind.CHANNEL, n.id, now, SUPERSEDED_UPDATE)
        before = n.id if n.kind is Kind.CHANNEL else None  # an update waits for any opening
        if uow.outbox.pending_before(n.incident_id, Kind.CHANNEL, before):
            uow.outbox.postpone([n.id], owner, now + REFRESH_WAIT)
            return []
        if n.kind is Kind.CHANNEL:
            return [n]  # none yet: this one opens it
        uow.outbox.skip(n.id, owner, "the incident has no Slack channel")
        return []

    def _record(
        self, owner: str, n: Notification, d: Delivered | None, error: DeliveryError | None
    ) -> None:
        done = self._clock.now()
        with self._uow(write=True) as uow:
            # In id order, as every multi-row lock is taken: two transactions never wait for
            # each other's rows in opposite orders.
            for m in sorted(n.members, key=lambda m: m.id):
                if d is not None:
                    self._sent(uow, owner, n, m, d, done)
                elif error is not None:
                    self._failed(uow, owner, m, error, done)
            uow.commit()

    def _sent(
        self,
        uow: UnitOfWork,
        owner: str,
        n: Notification,
        m: Notification,
        d: Delivered,
        now: datetime,
    ) -> None:
        if not uow.outbox.sent(m.id, owner, d.channel, now, d.provider_id):
            return  # the lease lapsed and another worker took it over: it records its own
        uow.outbox.add_attempts(m.id, d.attempts, now)
        if m.kind is Kind.CHANNEL and d.provider_id:
            if uow.slack_channels.record(m.incident_id, d.provider_id, m.address, now):
                invited = len([u for u in m.contacts.get("slack", "").split(",") if u])
                said = f"Opened the Slack channel {m.label} for the incident" + (
                    f" and invited {invited} {'person' if invited == 1 else 'people'}"
                    if invited
                    else ""
                )
                uow.incidents.append(m.incident_id, [_engine_note(now, "slack_channel", said)])
            if any(a.outcome == "archived" for a in d.attempts):
                said = f"Archived the Slack channel {m.label}: the incident is over"
                uow.incidents.append(m.incident_id, [_engine_note(now, "slack_channel", said)])
        elif not m.kind.is_upkeep and m is _first_of_incident(n, m.incident_id):
            # One line per message on each incident's timeline, however many it carried.
            entry = replace(
                _engine_note(now, "delivery", notification.story(n, d, now, m.incident_id)),
                field="decided_at",
                new=m.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            uow.incidents.append(m.incident_id, [entry])

    def _failed(
        self, uow: UnitOfWork, owner: str, m: Notification, error: DeliveryError, now: datetime
    ) -> None:
        spread = random.random()  # noqa: S311 - spreading retries, not a secret
        again = retry_at(m.attempts, now, spread) if error.retryable else None
        if again is not None and error.retry_after:
            again = max(again, now + timedelta(seconds=error.retry_after))
        if not uow.outbox.failed(m.id, owner, error.message, again, now):
            return
        uow.outbox.add_attempts(m.id, error.attempts, now)
        if again is None and m.kind in (Kind.CHANNEL, Kind.MIRROR):
            said = (
                f"Could not keep the incident's Slack channel {m.label}"
                if m.kind is Kind.CHANNEL
                else "Could not post the status update in the incident's Slack channel"
            )
            note = _engine_note(now, "delivery_failed", f"{said}: {error.message}")
            uow.incidents.append(m.incident_id, [note])
        elif again is None and not m.kind.is_upkeep:
            told = self._tell_fallback(uow, m, error, now)
            uow.incidents.append(m.incident_id, [_gave_up(m, error, now, told)])

    def _tell_fallback(
        self, uow: UnitOfWork, n: Notification, error: DeliveryError, now: datetime
    ) -> str | None:
        """Queue word of a failed notification to the admins' fallback target, if one is set
        (and the failure is not itself the fallback's): a page never disappears silently."""
        target = self._fallback
        if target is None or n.key.startswith("fallback:"):
            return None
        channel = target.default_channels[0]
        outgoing = Outgoing(
            target=str(target),
            address=target.value,
            label=target.value,
            channels=(channel,),
            subject=f"Radar could not deliver: {n.subject}",
            body=f"Radar could not reach {n.label} ({n.target}): {error.message}",
            contacts=((channel.value, target.value),),
        )
        uow.outbox.add(n.incident_id, None, [(f"fallback:{n.key}", outgoing)], now)
        return target.value

    def _send(self, n: Notification) -> tuple[Delivered | None, DeliveryError | None]:
        if not n.kind.is_upkeep:
            # Pages offer a signed acknowledge link; reminders do not.
            links = self._links
            n = notification.bundle(
                tuple(
                    links.sign(m) if links is not None and m.kind is Kind.MESSAGE else m
                    for m in n.members
                )
            )
        try:
            return self._notifier.deliver(n), None
        except DeliveryError as exc:
            log.warning("notification %s to %s failed: %s", n.key, n.label, exc.message)
            return None, exc
        except Exception as exc:  # a bug in a channel must not stop the others
            log.exception("notification %s to %s failed", n.key, n.label)
            return None, DeliveryError(f"{type(exc).__name__}: {exc}")

    def next_due(self, *, outbox: bool = True) -> datetime | None:
        """When the engine next has something to do, if ever; without ``outbox``, only timers
        and heartbeats count (every sender is busy)."""
        with self._uow() as uow:
            found = [uow.timers.next_due(), uow.outbox.next_due() if outbox else None]
        found.append(self._heartbeats.next_heartbeat() if self._heartbeats else None)
        times = [t for t in found if t is not None]
        return min(times) if times else None

    def listen(self, stop: threading.Event, on_wake: Callable[[], None]) -> None:
        """Block until ``stop``, calling ``on_wake`` when another process schedules work."""
        store_db.listen(self._uow.db, stop, on_wake, channel=WAKE_CHANNEL)

    def plan(self, principal: Principal, reference: str) -> PlanView:
        require(principal, Permission.READ)
        number = incident_id(reference)
        with self._uow() as uow:
            incident = visible(uow, principal, uow.incidents.get(number))
            timers = uow.timers.pending(number)
            sent = uow.outbox.of_incident(number)
            attempts = uow.outbox.attempts_of([n.id for n in sent])
            policy = self._policies.current_in(uow).policy
        return PlanView(incident, plan.items(policy, incident, timers), sent, attempts)


def _first_of_incident(n: Notification, incident_id: int) -> Notification:
    return next(m for m in n.members if m.incident_id == incident_id)


def _people(outgoing: Sequence[Outgoing]) -> list[str]:
    """The people (policy ids, which are also their usernames) that messages go to; channels,
    addresses and webhooks are not people."""
    found = []
    for o in outgoing:
        try:
            kind = Target.parse(o.target).kind
        except ValueError:
            continue
        if kind not in OWN_CHANNEL:
            found.append(o.address)
    return found


def _key(incident: int, timer: Timer, o: Outgoing) -> str:
    """The natural key: a step notifies each target once per generation, level and round."""
    if timer.kind is TimerKind.STEP:
        where = f"{timer.generation}:step:{timer.level}:{timer.step}:{timer.repeat}"
        return f"{incident}:{where}:{o.target}"
    return f"{incident}:timer-{timer.id}:{o.target}"


def _engine_note(now: datetime, kind: str, message: str) -> TimelineEntry:
    return TimelineEntry(at=now, kind=kind, actor="Radar", via="engine", message=message)


def _gave_up(
    n: Notification, error: DeliveryError, now: datetime, told: str | None
) -> TimelineEntry:
    return _engine_note(
        now,
        "delivery_failed",
        f"Could not reach {n.label} ({n.target}) after {n.attempts} "
        f"attempt{'' if n.attempts == 1 else 's'}: {error.message}"
        + (f"; {told} was told" if told else ""),
    )
