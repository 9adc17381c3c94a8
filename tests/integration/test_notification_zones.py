"""A message to a person shows its times in that person's own zone (`people[].timezone`), else in
the zone of the team's calendar, and always names the zone. The timeline keeps one zone for
everyone. Real databases, the example policy with Laura moved to New York, a frozen clock at
Friday 2026-11-27 10:00 UTC (11:00 in Madrid, 05:00 in New York).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from radar.bootstrap import Container
from radar.clock import FrozenClock
from radar.domain.access import Principal
from radar.domain.notification import DeliveryState, Kind, Notification
from radar.domain.roles import Role
from radar.services.incidents import Declaration
from tests.conftest import EXAMPLE_POLICY
from tests.integration.test_calm import notes, until


@pytest.fixture
def laura_in_new_york(container: Container) -> None:
    """Laura (Payments' engineering manager) lives in New York; María has no zone of her own,
    so she reads the Madrid office calendar's."""
    text = EXAMPLE_POLICY.read_text()
    laura = "slack: U0LAURA01\n    timezone: "
    moved = text.replace(f"{laura}Europe/Madrid\n", f"{laura}America/New_York\n")
    assert moved != text
    container.policies.apply(moved, filename="policy.yaml", author="test")


def reminders(ns: list[Notification], address: str) -> list[str]:
    return [
        n.body
        for n in ns
        if n.address == address and n.kind is Kind.REMINDER and n.state is DeliveryState.SENT
    ]


@pytest.mark.usefixtures("laura_in_new_york")
def test_update_reminders_say_when_the_last_update_was_in_each_readers_zone(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    c = container
    c.incidents.declare(responder, Declaration("Checkout down", "checkout", "sev2"))
    c.incidents.acknowledge(responder, "INC-1")
    c.incidents.assign_role(responder, "INC-1", role=Role.COMMUNICATIONS_LEAD, assignee="maria")
    clock.advance(timedelta(minutes=5))
    c.incidents.post_update(responder, "INC-1", message="Looking at the payment client.")

    # Due at 10:35 UTC (to María, the communications lead); overdue at 11:05 (to María, and to
    # Laura as the engineering manager, with no commander).
    until(c, clock, clock.now() + timedelta(minutes=61))
    sent = notes(c, "INC-1", responder)

    (due, overdue) = reminders(sent, "maria")
    assert due.startswith("An update is due: Sev2 - Major expects one every 30 minutes")
    assert due.endswith("\nLast update: Fri 11:05 CET.")
    assert overdue.endswith("\nLast update: Fri 11:05 CET.")
    (to_laura,) = reminders(sent, "laura")
    assert to_laura.startswith("An update is overdue: Sev2 - Major expects one every 30 minutes")
    assert to_laura.endswith("\nLast update: Fri 05:05 EST.")

    # The timeline reads the same for everyone: no one reader's zone in it.
    lines = [e.message or "" for e in c.incidents.get(responder, "INC-1").timeline]
    assert not any("EST" in line for line in lines)


@pytest.mark.usefixtures("laura_in_new_york")
def test_before_any_update_a_reminder_says_when_it_was_declared(
    container: Container, responder: Principal, clock: FrozenClock
) -> None:
    c = container
    c.incidents.declare(responder, Declaration("Checkout down", "checkout", "sev2"))
    c.incidents.acknowledge(responder, "INC-1")
    until(c, clock, clock.now() + timedelta(minutes=31))
    (due,) = [b for b in reminders(notes(c, "INC-1", responder), "laura") if "is due" in b]
    assert due.endswith("\nNo update since it was declared, Fri 05:00 EST.")
