"""Alerts in: events from monitoring tools. A request's events are applied together, in a
savepoint of a group commit shared with the requests that arrived at the same time
(``services.group_commit``), and the caller hears back only after that transaction committed, so
an answer of 202 means the events are stored. Dedup follows PagerDuty (see ``domain.alerts``); a
new alert at a paging level opens an incident, or joins the open incident its group already has.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from radar.clock import Clock
from radar.domain import alerts as al
from radar.domain import incident as inc
from radar.domain.access import Permission, Principal
from radar.domain.alerts import Action, Alert, AlertStatus, Event, Integration, Kind
from radar.domain.errors import Conflict, InvalidInput, NotFound, RadarError
from radar.domain.events import TimelineEntry
from radar.domain.incident import Actor, Via
from radar.domain.policy import Policy
from radar.integrations import generic
from radar.services import response
from radar.services.access import require, require_admin, visible
from radar.services.digest_cache import DigestCache
from radar.services.group_commit import GroupCommit
from radar.services.incidents import Declaration, declare_in, incident_id
from radar.services.policies import PolicyService, PolicyVersion
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

MIN_EVERY = timedelta(minutes=1)
MAX_EVERY = timedelta(days=7)
KEY_PREFIX = "rk_"  # a public marker of Radar's integration keys, not a secret


class RateLimited(RadarError):
    code = "rate_limited"


@dataclass(frozen=True)
class NewIntegration:
    integration: Integration
    key: str  # shown once; only its digest is kept


@dataclass(frozen=True)
class Outcome:
    dedup_key: str
    what: str  # opened, joined, recorded, maintenance, updated, acknowledged, resolved, dropped


@dataclass(frozen=True)
class _Known:
    """What a key digest was found to be: an active integration, or None (unknown, revoked)."""

    integration: Integration | None


class Outcomes(list[Outcome]):
    """A request's outcomes, and whether any of them scheduled work for the engine."""

    scheduled: bool = False


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class _Window:
    """Events per integration in the last minute, in this process (a sliding window)."""

    def __init__(self) -> None:
        self._seen: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, integration: Integration, now: float) -> bool:
        if not integration.per_minute:
            return True
        with self._lock:
            seen = self._seen.setdefault(integration.id, deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= integration.per_minute:
                return False
            seen.append(now)
            return True


class IngestService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        policies: PolicyService,
        wake: Callable[[], None] = lambda: None,
        key_ttl: timedelta = timedelta(0),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policies = policies
        self._wake = wake
        self._window = _Window()
        self._keys: DigestCache[_Known] = DigestCache(key_ttl)
        self._writer = GroupCommit(uow, name="intake")

    def close(self) -> None:
        """Store what is queued, then stop the intake's writer."""
        self._writer.close()

    # Keys
    def create(
        self,
        principal: Principal,
        *,
        service: str,
        kind: Kind,
        name: str = "",
        per_minute: int | None = None,
        every: timedelta | None = None,
        mapping: str | None = None,
    ) -> NewIntegration:
        require_admin(principal)
        if (kind is Kind.GENERIC) != (mapping is not None):
            raise InvalidInput(
                "a generic webhook needs --mapping (an id in the policy's alerts.webhooks); "
                "other kinds take none",
                field="mapping",
            )
        if (kind is Kind.HEARTBEAT) != (every is not None):
            raise InvalidInput(
                "a heartbeat needs --every (how often it pings); other kinds take none",
                field="every",
            )
        if every is not None and not MIN_EVERY <= every <= MAX_EVERY:
            raise InvalidInput("--every must be between 1 minute and 7 days", field="every")
        key = KEY_PREFIX + secrets.token_hex(16)
        with self._uow(write=True) as uow:
            policy = self._policies.current_in(uow).policy
            policy.service(service)
            if mapping is not None:
                policy.webhook_mapping(mapping)
            made = uow.alerts.add_integration(
                name=name or f"{kind.value} for {service}",
                kind=kind,
                service=service,
                key_hash=digest(key),
                prefix=key[:8],
                per_minute=per_minute,
                now=self._clock.now(),
                every=every,
                mapping=mapping,
            )
            uow.commit()
        return NewIntegration(made, key)

    def integrations(self, principal: Principal) -> list[Integration]:
        require_admin(principal)
        with self._uow() as uow:
            return uow.alerts.integrations()

    def revoke(self, principal: Principal, integration_id: int) -> None:
        require_admin(principal)
        with self._uow(write=True) as uow:
            if not uow.alerts.revoke_integration(integration_id, self._clock.now()):
                raise NotFound(f"no active integration {integration_id}", field="integration")
            uow.commit()
        self._keys.forget(
            lambda known: known.integration is not None and known.integration.id == integration_id
        )

    def generic(self, key: str, body: bytes) -> list[Outcome]:
        """A generic JSON webhook, read through the policy's mapping for this key."""
        integration = self._known(key, Kind.GENERIC)
        mapping = self._policies.current().policy.webhook_mapping(integration.mapping or "")
        return self.receive(key, Kind.GENERIC, [generic.parse(body, mapping)])

    def ping(self, key: str) -> str:
        """A heartbeat: the next is due one interval from now; if it had been missed, the
        "no heartbeat" alert resolves. Returns what happened."""
        integration = self._known(key, Kind.HEARTBEAT)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            uow.alerts.ping(integration.id, now + (integration.every or MIN_EVERY))
            current = uow.alerts.open_alert(integration.id, al.MISSED)
            if current is not None:
                uow.alerts.set_status(current.id or 0, AlertStatus.RESOLVED, now)
                self._resolved(uow, integration, current, now)
            uow.commit()
        return "back" if current is not None else "on time"

    def missed_heartbeats(self) -> int:
        """Open an alert for each heartbeat whose ping is overdue (the engine calls this)."""
        now = self._clock.now()
        woke = False
        with self._uow(write=True) as uow:
            missed = uow.alerts.heartbeats_missed(now)
            if not missed:
                return 0
            running = self._policies.current_in(uow)
            for integration in missed:
                _, scheduled = self._apply(
                    uow, running, integration, al.missed_event(integration), now
                )
                woke = woke or scheduled
            uow.commit()
        if woke:
            self._wake()
        return len(missed)

    def next_heartbeat(self) -> datetime | None:
        with self._uow() as uow:
            return uow.alerts.next_heartbeat()

    def of_incident(self, principal: Principal, reference: str) -> list[Alert]:
        """The alerts that opened or joined an incident, oldest first."""
        require(principal, Permission.READ)
        number = incident_id(reference)
        with self._uow() as uow:
            visible(uow, principal, uow.incidents.get(number))
            return uow.alerts.of_incident(number)

    def alerts(self, principal: Principal, limit: int = 100) -> list[Alert]:
        """The newest alerts, whatever became of them (admins: alerts may belong to restricted
        incidents)."""
        require_admin(principal)
        with self._uow() as uow:
            return uow.alerts.find(limit=limit)

    # Events
    def receive(self, key: str, kind: Kind | None, events: Sequence[Event]) -> Outcomes:
        """Apply ``events`` sent with integration ``key`` (of ``kind``, if the endpoint says);
        returns once they are stored."""
        return self.submit(key, kind, events).result()

    def submit(self, key: str, kind: Kind | None, events: Sequence[Event]) -> Future[Outcomes]:
        """The same, without waiting: the future resolves once the events are committed.
        A key refused (``NotFound``, ``Conflict``) or over its rate (``RateLimited``) raises
        at once when the key was checked moments ago, else through the future."""
        admitted = self._integration(key, kind, remembered_only=True)
        if admitted is not None:
            self._admit(admitted)
        return self._writer.submit(
            lambda uow: self._apply_all(uow, key, kind, events, admitted), then=self._woken
        )

    def _woken(self, applied: Outcomes) -> None:
        if applied.scheduled:
            self._wake()

    def _integration(
        self,
        key: str,
        kind: Kind | None,
        uow: UnitOfWork | None = None,
        *,
        remembered_only: bool = False,
    ) -> Integration | None:
        """The active integration behind ``key``, looked up at most once per cache lifetime
        (unknown and revoked keys are remembered too). With ``remembered_only``, None when it
        would take a lookup."""
        hashed = digest(key)
        now = self._clock.now()
        known = self._keys.get(hashed, now)
        if known is None:
            if remembered_only:
                return None
            if uow is not None:
                found = uow.alerts.integration_by_hash(hashed)
            else:
                with self._uow() as reader:
                    found = reader.alerts.integration_by_hash(hashed)
            known = _Known(found if found is not None and found.active else None)
            self._keys.put(hashed, known, now)
        integration = known.integration
        if integration is None:
            raise NotFound("unknown or revoked integration key", field="routing_key")
        if kind is not None and integration.kind is not kind:
            raise Conflict(
                f"this key is for {integration.kind.value}, not {kind.value}", field="routing_key"
            )
        return integration

    def _known(self, key: str, kind: Kind) -> Integration:
        found = self._integration(key, kind)
        assert found is not None
        return found

    def _admit(self, integration: Integration) -> None:
        if not self._window.allow(integration, time.monotonic()):
            raise RateLimited(
                f"more than {integration.per_minute} events a minute on this integration key"
            )

    def _apply_all(
        self,
        uow: UnitOfWork,
        key: str,
        kind: Kind | None,
        events: Sequence[Event],
        admitted: Integration | None,
    ) -> Outcomes:
        integration = admitted
        if integration is None:
            integration = self._integration(key, kind, uow)
            assert integration is not None
            self._admit(integration)
        running = self._policies.current_in(uow)
        now = self._clock.now()
        outcomes = Outcomes()
        for event in events:
            what, scheduled = self._apply(uow, running, integration, event, now)
            outcomes.append(Outcome(event.dedup_key, what))
            outcomes.scheduled = outcomes.scheduled or scheduled
        return outcomes

    def _apply(
        self,
        uow: UnitOfWork,
        running: PolicyVersion,
        integration: Integration,
        event: Event,
        now: datetime,
    ) -> tuple[str, bool]:
        if event.action is Action.TRIGGER:
            # Alertmanager and Grafana resend whole groups: a resend is not a new event.
            again = integration.kind is Kind.PAGERDUTY
            summary = al.title_for(event)
            if uow.alerts.seen_again(
                integration.id, event.dedup_key, now, count=again, summary=summary
            ):
                return "updated", False
            return self._open(uow, running, integration, event, now)
        current = uow.alerts.open_alert(integration.id, event.dedup_key)
        if current is None:
            return "dropped", False
        if event.action is Action.ACKNOWLEDGE:
            uow.alerts.set_status(current.id or 0, AlertStatus.ACKNOWLEDGED, now)
            return "acknowledged", self._acknowledge(uow, running.policy, integration, current, now)
        uow.alerts.set_status(current.id or 0, AlertStatus.RESOLVED, now)
        self._resolved(uow, integration, current, now)
        return "resolved", False

    def _open(
        self,
        uow: UnitOfWork,
        running: PolicyVersion,
        integration: Integration,
        event: Event,
        now: datetime,
    ) -> tuple[str, bool]:
        policy = running.policy
        levels = [s.id for s in policy.severities]
        where = al.route(policy.alert_rules, levels, integration.service, event)
        level, service = where.level, where.service
        group = al.group_of(event)
        alert = Alert(
            id=None,
            integration_id=integration.id,
            service=service,
            dedup_key=event.dedup_key,
            status=AlertStatus.TRIGGERED,
            summary=al.title_for(event),
            severity=event.severity,
            source=event.source,
            group=group[:1024],
            first_seen=now,
            last_seen=now,
            count=1,
            labels=event.labels,
            links=list(event.links),
            details=dict(event.details),
        )
        if level is None:
            uow.alerts.add_alert(alert)
            return "recorded", False
        if policy.service(service).in_maintenance(now) is not None:
            uow.alerts.add_alert(alert)  # planned work: on record, and nobody is paged
            return "maintenance", False
        since = now - policy.alert_group_window
        joined = uow.alerts.incident_of_group(service, alert.group, since)
        if joined is not None:
            stored = uow.alerts.add_alert(replace(alert, incident_id=joined))
            note = TimelineEntry(
                at=now,
                kind="alert_joined",
                actor=integration.name,
                via=Via.INTEGRATION.value,
                message=al.joined_note(stored, integration.kind),
            )
            uow.incidents.append(joined, [note])
            return "joined", False
        data = Declaration(
            title=alert.summary,
            service=service,
            severity=level,
            description=_description(event),
            reporter=integration.name,
        )
        who = Actor(integration.name, Via.INTEGRATION)
        incident, scheduled = declare_in(uow, running, data, who, now)
        uow.alerts.add_alert(replace(alert, incident_id=incident.id))
        return "opened", scheduled

    def _acknowledge(
        self, uow: UnitOfWork, policy: Policy, integration: Integration, alert: Alert, now: datetime
    ) -> bool:
        if alert.incident_id is None:
            return False
        current = uow.incidents.get(alert.incident_id, for_update=True)
        if not current.is_open or current.acknowledgement is not None:
            return False
        changed, events = inc.acknowledge(current, Actor(integration.name, Via.INTEGRATION), now)
        return response.save(uow, policy, changed, events, now)

    def _resolved(
        self, uow: UnitOfWork, integration: Integration, alert: Alert, now: datetime
    ) -> None:
        if alert.incident_id is None:
            return
        left = uow.alerts.open_count(alert.incident_id)
        message = f"Alert resolved: {alert.summary} (dedup_key={alert.dedup_key})"
        if left == 0:
            message += "; all of this incident's alerts have resolved: resolve it when you agree"
        entry = TimelineEntry(
            at=now,
            kind="alert_resolved",
            actor=integration.name,
            via=Via.INTEGRATION.value,
            message=message,
        )
        uow.incidents.append(alert.incident_id, [entry])


def _description(event: Event) -> str:
    parts = [f"Source: {event.source}"] if event.source else []
    parts += [f"{k}: {v}" for k, v in (("Component", event.component), ("Class", event.klass)) if v]
    parts += [f"{link.get('text') or 'Link'}: {link['href']}" for link in event.links[:5]]
    return "\n".join(parts)
