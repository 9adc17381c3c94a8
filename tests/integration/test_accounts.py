"""Managing accounts: disabling, roles, passwords, the last admin, and throttled sign-ins as
every process sees them (the counts are in the database)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import UserRole
from radar.domain.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from radar.services.sessions import TooManySignIns
from radar.settings import Settings

PASSWORD = "correct horse battery staple"


def test_the_last_active_admin_cannot_be_disabled_or_demoted(container: Container) -> None:
    container.accounts.create_user("root", role=UserRole.ADMIN)
    with pytest.raises(Conflict, match="root is the last active admin"):
        container.accounts.disable_user("root")
    with pytest.raises(Conflict, match="last active admin"):
        container.accounts.set_role("root", UserRole.RESPONDER)
    container.accounts.create_user("deputy", role=UserRole.ADMIN)
    container.accounts.disable_user("deputy")  # a disabled admin does not count
    with pytest.raises(Conflict):
        container.accounts.disable_user("root")
    container.accounts.enable_user("deputy")
    assert container.accounts.set_role("root", UserRole.VIEWER).role is UserRole.VIEWER
    with pytest.raises(Conflict, match="deputy is the last active admin"):
        container.accounts.disable_user("deputy")
    assert container.accounts.set_role("root", UserRole.ADMIN).role is UserRole.ADMIN
    assert container.accounts.disable_user("deputy").disabled
    roles = {a.user.username: (a.user.role, a.user.disabled) for a in container.accounts.users()}
    assert roles == {"root": (UserRole.ADMIN, False), "deputy": (UserRole.ADMIN, True)}


def test_unknown_users_are_not_found(container: Container) -> None:
    for change in (
        lambda: container.accounts.disable_user("nobody"),
        lambda: container.accounts.enable_user("nobody"),
        lambda: container.accounts.set_role("nobody", UserRole.VIEWER),
        lambda: container.accounts.reset_password("nobody"),
    ):
        with pytest.raises(NotFound, match="no user named 'nobody'"):
            change()


def test_disabling_a_user_ends_their_web_sessions(container: Container) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER, password=PASSWORD)
    session = container.sessions.sign_in("sam", PASSWORD)
    assert container.sessions.find(session.secret) is not None
    container.accounts.disable_user("sam")
    container.accounts.enable_user("sam")
    assert container.sessions.find(session.secret) is None  # ended, not merely hidden


def test_a_reset_password_replaces_the_old_one_and_ends_sessions(container: Container) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER, password=PASSWORD)
    session = container.sessions.sign_in("sam", PASSWORD)
    with pytest.raises(InvalidInput, match="at least 10 characters"):
        container.accounts.reset_password("sam", "short")
    container.accounts.reset_password("Sam", "a brand new password")
    assert container.sessions.find(session.secret) is None
    with pytest.raises(Unauthenticated):
        container.sessions.sign_in("sam", PASSWORD)
    assert container.sessions.sign_in("sam", "a brand new password").principal.user.id > 0
    generated = container.accounts.reset_password("sam")
    assert len(generated) >= 20
    assert container.sessions.sign_in("sam", generated).principal.user.username == "sam"


def test_sessions_carry_the_viewers_may_report_setting(db_url: str, clock: FrozenClock) -> None:
    for allowed in (True, False):
        c = build(Settings(database_url=db_url, viewers_may_report=allowed), clock=clock)
        try:
            name = f"vera{int(allowed)}"
            c.accounts.create_user(name, role=UserRole.VIEWER, password=PASSWORD)
            signed = c.sessions.sign_in(name, PASSWORD)
            assert signed.principal.viewers_may_report is allowed
            found = c.sessions.find(signed.secret)
            assert found is not None
            assert found.principal.viewers_may_report is allowed
        finally:
            c.close()


def test_failed_sign_ins_are_counted_across_processes(
    container: Container, db_url: str, clock: FrozenClock
) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER, password=PASSWORD)
    other = build(Settings(database_url=db_url), clock=clock)  # a second server process
    try:
        for c in (container, other, container, other, container):
            with pytest.raises(Unauthenticated, match="wrong username or password"):
                c.sessions.sign_in("sam", "not it", "10.0.0.1")
        with pytest.raises(TooManySignIns, match="try again in 15 minutes"):
            other.sessions.sign_in("sam", PASSWORD, "10.0.0.2")
    finally:
        other.close()
    clock.advance(timedelta(minutes=14, seconds=1))
    with pytest.raises(TooManySignIns, match=r"try again in 1 minute\.") as still:
        container.sessions.sign_in("sam", PASSWORD)
    assert still.value.retry_after == 59
    clock.advance(timedelta(seconds=59))
    assert container.sessions.sign_in("sam", PASSWORD).principal.user.username == "sam"


def test_failures_far_apart_are_not_counted_together(
    container: Container, clock: FrozenClock
) -> None:
    container.accounts.create_user("sam", role=UserRole.RESPONDER, password=PASSWORD)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            container.sessions.sign_in("sam", "not it")
    clock.advance(timedelta(minutes=15))
    for _ in range(4):
        with pytest.raises(Unauthenticated) as refused:
            container.sessions.sign_in("sam", "not it")
        assert not isinstance(refused.value, TooManySignIns)
    assert container.sessions.sign_in("sam", PASSWORD).principal.user.username == "sam"


def test_simultaneous_failures_for_a_new_name_are_all_counted(container: Container) -> None:
    def attempt(_: int) -> str:
        try:
            container.sessions.sign_in("nobody", "guess", "10.0.0.9")
        except Unauthenticated as exc:
            return type(exc).__name__
        return "signed in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(attempt, range(8)))
    assert set(answers) <= {"Unauthenticated", "TooManySignIns"}
    assert answers.count("Unauthenticated") >= 5
    with pytest.raises(TooManySignIns):
        container.sessions.sign_in("nobody", "guess", "10.0.0.10")
