"""Remembered tokens: faster, but never past their expiry, and a revocation still bites."""

from __future__ import annotations

from datetime import timedelta

import pytest

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.errors import Unauthenticated
from radar.settings import Settings


def test_a_remembered_token_still_expires_on_time(container: Container, clock: FrozenClock) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER)
    made = container.accounts.create_token("sam", name="t", expires_in=timedelta(hours=1))
    clock.advance(timedelta(minutes=59, seconds=59))
    assert container.accounts.authenticate(made.secret).user.username == "sam"
    assert container.accounts.authenticate_cached(made.secret) is not None
    clock.advance(timedelta(seconds=2))  # within the cache's lifetime, past the token's
    with pytest.raises(Unauthenticated, match="expired"):
        container.accounts.authenticate_cached(made.secret)


def test_revocation_elsewhere_takes_effect_within_the_cache_lifetime(
    container: Container, db_url: str, clock: FrozenClock
) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER)
    made = container.accounts.create_token("sam", name="t")
    container.accounts.authenticate(made.secret)
    other = build(Settings(database_url=db_url), clock=clock)  # another process, say the CLI
    try:
        other.accounts.revoke_token(made.token.id)
    finally:
        other.close()
    assert container.accounts.authenticate_cached(made.secret) is not None
    clock.advance(timedelta(seconds=5))
    assert container.accounts.authenticate_cached(made.secret) is None
    with pytest.raises(Unauthenticated, match="revoked"):
        container.accounts.authenticate(made.secret)


def test_no_cache_when_its_lifetime_is_zero(db_url: str, clock: FrozenClock) -> None:
    c = build(Settings(database_url=db_url, token_cache_seconds=0), clock=clock)
    try:
        c.accounts.create_user("sam", role=UserRole.RESPONDER)
        secret = c.accounts.create_token("sam", name="t").secret
        c.accounts.authenticate(secret)
        assert c.accounts.authenticate_cached(secret) is None
    finally:
        c.close()
