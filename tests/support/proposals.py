"""An incident with an upgrade Radar proposes, reached the way it happens for real: under
examples/policy.yaml a Sev2 upgrades to Sev1 after 4 hours, unless it is being worked on
(acknowledged, and updated within its 30 minutes), when Radar proposes Sev1 instead."""

from __future__ import annotations

from datetime import timedelta

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal
from tests.support.radar import ANA, run_engine

REASON = "unresolved after 4 hours, the limit for Sev2 - Major"


def propose_upgrade(
    c: Container, clock: FrozenClock, *references: str, by: Principal = ANA
) -> None:
    """``references`` (INC-1 unless named), each a Sev2 declared now, acknowledged and worked on
    by ``by``, four hours later: Radar has proposed Sev1 for each (and queued the question to
    its commander, else the engineering manager)."""
    named = references or ("INC-1",)
    for reference in named:
        c.incidents.acknowledge(by, reference)
    run_engine(c)
    clock.advance(timedelta(hours=3, minutes=50))
    for reference in named:
        c.incidents.post_update(by, reference, message="Rolling back the payment client.")
    clock.advance(timedelta(minutes=10))
    run_engine(c)
    for reference in named:
        proposed = c.incidents.get(by, reference).incident
        assert (proposed.severity, proposed.proposed_severity) == ("sev2", "sev1")
