"""Try a channel before an incident needs it: `radar notify test TARGET`."""

from __future__ import annotations

from dataclasses import dataclass

from radar.clock import Clock
from radar.domain import incident as inc
from radar.domain import recipients
from radar.domain.errors import InvalidInput
from radar.domain.incident import Actor, Via
from radar.domain.notification import DeliveryState, Notification
from radar.domain.response import Channel, Target, TargetKind
from radar.notify.base import DeliveryError, Notifier
from radar.services.policies import PolicyService


@dataclass(frozen=True)
class ProbeResult:
    target: str
    recipient: str
    sent_through: str | None
    problem: str | None
    provider_id: str | None = None


class NotificationService:
    def __init__(self, policies: PolicyService, notifier: Notifier, clock: Clock) -> None:
        self._policies = policies
        self._notifier = notifier
        self._clock = clock

    def test(
        self, target_text: str, *, service: str | None = None, via: tuple[Channel, ...] = ()
    ) -> ProbeResult:
        """Send a test message to ``target`` (resolved for ``service``'s owning team, like an
        incident on that service would) through ``via`` or the target's own channel."""
        policy = self._policies.current().policy
        target = Target.parse(target_text)
        if target.kind is TargetKind.INCIDENT_ROLE:
            raise InvalidInput(
                f"{target} is a role on an incident; test the person instead (person:ID)",
                field="target",
            )
        now = self._clock.now()
        chosen = service or policy.services[0].id
        probe, _ = inc.declare(
            policy,
            title="Radar test notification",
            service=chosen,
            severity=policy.severities[-1].id,
            actor=Actor("radar notify test", Via.CLI),
            now=now,
        )
        found = recipients.resolve(policy, probe, target)
        if found is None:
            raise InvalidInput(f"nobody holds {target} for {chosen}", field="target")
        address, label = found
        channels = via or target.default_channels
        note = Notification(
            id=0,
            incident_id=0,
            key=f"test:{now.strftime('%Y%m%dT%H%M%S')}:{target}",
            target=str(target),
            address=address,
            label=label,
            channels=channels,
            subject="[TEST] Radar test notification",
            body=f"If you can read this, Radar reaches {label} this way. Nothing is wrong.",
            state=DeliveryState.PENDING,
            created_at=now,
            next_attempt_at=now,
            contacts=dict(recipients.contacts_of(policy, target, address)),
        )
        try:
            d = self._notifier.deliver(note)
            return ProbeResult(str(target), label, d.channel, None, d.provider_id)
        except DeliveryError as exc:
            return ProbeResult(str(target), label, None, exc.message)
