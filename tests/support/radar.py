"""A whole Radar on one settings object, for tests of channels and delivery."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import Principal, User, UserRole
from radar.services.incidents import Declaration
from radar.settings import Settings
from tests.conftest import EXAMPLE_POLICY

ANA = Principal(User(id=0, username="ana", display_name="Ana", role=UserRole.ADMIN))


@contextmanager
def radar_with(
    settings: Settings, clock: FrozenClock | None = None, *, declare: bool = True
) -> Iterator[Container]:
    """Radar on ``settings`` with the example policy applied and, unless ``declare`` is
    False, a Sev2 on checkout declared (INC-1)."""
    c = build(settings, clock=clock)
    try:
        c.database.upgrade()
        c.policies.apply(EXAMPLE_POLICY.read_text(), filename="policy.yaml", author="test")
        if declare:
            c.incidents.declare(ANA, Declaration("Checkout down", "checkout", "sev2"))
        yield c
    finally:
        c.close()


def run_engine(c: Container) -> None:
    """What worker passes do, until nothing is left due now."""
    while c.engine.fire_due() or c.engine.deliver_due("test"):
        pass
