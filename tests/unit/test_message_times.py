"""A message shows its times in its reader's own zone (`people[].timezone`), else the team
calendar's, always naming the zone; the timeline keeps the calendar's. Pure: the example policy
with Laura, Payments' engineering manager, moved to Tokyo."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from radar.domain import calendar, firing
from radar.domain.escalation import Timer, TimerKind
from radar.domain.incident import Acknowledgement, Via
from tests.unit.test_escalation import ANA, FRIDAY_1100, MONDAY_0900, declared
from tests.unit.test_lifecycle import POLICY

LAURA_IN_TOKYO = replace(
    POLICY,
    people=tuple(
        replace(p, timezone="Asia/Tokyo") if p.id == "laura" else p for p in POLICY.people
    ),
)
FRIDAY_1730 = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # 17:30 in Madrid, 01:30 Sat in Tokyo


def test_an_instant_is_named_by_its_zones_abbreviation_then_and_there() -> None:
    assert calendar.label_in("Europe/Madrid", FRIDAY_1100) == "Fri 11:00 CET"
    assert calendar.label_in("Europe/Madrid", datetime(2026, 7, 3, 9, tzinfo=UTC)) == (
        "Fri 11:00 CEST"
    )
    assert calendar.label_in("America/New_York", FRIDAY_1100) == "Fri 05:00 EST"
    assert calendar.label_in("Asia/Dubai", FRIDAY_1100) == "Fri 14:00 Asia/Dubai"  # "+04"


def test_a_held_upgrade_proposal_says_when_it_was_due_in_the_readers_zone() -> None:
    # A Sev3 on checkout, worked on, whose working-time upgrade fell at closing time on Friday
    # and waited for Monday: Radar proposes it to Laura, the engineering manager, in Tokyo.
    worked_on = replace(
        declared("sev3"),
        acknowledgement=Acknowledgement(ANA.name, FRIDAY_1100, Via.API),
        last_update_at=MONDAY_0900,
    )
    held = Timer(TimerKind.UPGRADE, "sev3", due_at=MONDAY_0900, planned_at=FRIDAY_1730)
    result = firing.fire(LAURA_IN_TOKYO, worked_on, held, MONDAY_0900)

    (proposal,) = result.outgoing
    assert proposal.address == "laura"
    assert "; due at Sat 01:30 JST, at closing time, it waited" in proposal.body
    assert "Europe/Madrid" not in proposal.body
    line = result.events[0].entry().message or ""
    assert "; due at Fri 17:30 Europe/Madrid, at closing time" in line  # one zone for everyone
