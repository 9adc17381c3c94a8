"""Group commit: pieces of work queued together share one transaction; each caller hears back
only once that transaction committed, and a piece that fails fails alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future

import pytest
from sqlalchemy import text

from radar.services.group_commit import GroupCommit
from radar.store.db import connect
from radar.store.uow import UnitOfWork, UnitOfWorkProvider
from tests.conftest import START


@pytest.fixture
def uow(db_url: str) -> Iterator[UnitOfWorkProvider]:
    db = connect(db_url)
    yield UnitOfWorkProvider(db)
    db.dispose()


@pytest.fixture
def writer(uow: UnitOfWorkProvider) -> Iterator[GroupCommit]:
    made = GroupCommit(uow, name="test-writer")
    yield made
    made.close()


def stored(uow: UnitOfWorkProvider, name: str) -> bool:
    with uow() as reader:
        found = reader.session.execute(
            text("SELECT count(*) FROM server_secrets WHERE name = :n"), {"n": name}
        )
        return bool(found.scalar())


def secret(name: str) -> object:
    def run(uow: UnitOfWork) -> UnitOfWork:
        uow.secrets.get_or_create(name, START)
        return uow

    return run


def hold(writer: GroupCommit) -> tuple[threading.Event, Future[object]]:
    """Keep the writer busy until the event is set, so what is submitted meanwhile queues up."""
    started, release = threading.Event(), threading.Event()

    def blocker(_: UnitOfWork) -> None:
        started.set()
        assert release.wait(30), "the test never released the writer"

    held: Future[object] = writer.submit(blocker)
    assert started.wait(30)
    return release, held


def test_work_queued_together_commits_once_and_each_hears_after_the_commit(
    writer: GroupCommit, uow: UnitOfWorkProvider
) -> None:
    release, held = hold(writer)
    futures = [writer.submit(secret(f"s{n}")) for n in range(5)]
    assert not any(f.done() for f in futures)
    assert not stored(uow, "s0")
    release.set()
    units = {id(f.result(timeout=30)) for f in futures}
    held.result(timeout=30)
    assert len(units) == 1, "the five shared one transaction"
    assert all(stored(uow, f"s{n}") for n in range(5))


def test_a_piece_that_fails_is_undone_and_the_others_commit(
    writer: GroupCommit, uow: UnitOfWorkProvider
) -> None:
    def half_then_fail(u: UnitOfWork) -> None:
        u.secrets.get_or_create("bad", START)
        raise ValueError("this event is wrong")

    release, _ = hold(writer)
    good, bad, other = (writer.submit(w) for w in (secret("a"), half_then_fail, secret("c")))
    release.set()
    good.result(timeout=30)
    other.result(timeout=30)
    with pytest.raises(ValueError, match="this event is wrong"):
        bad.result(timeout=30)
    assert stored(uow, "a")
    assert stored(uow, "c")
    assert not stored(uow, "bad"), "its half-done write was rolled back with it"


def test_a_commit_that_fails_tells_every_caller_and_stores_nothing(
    writer: GroupCommit, uow: UnitOfWorkProvider
) -> None:
    def violates_at_commit(u: UnitOfWork) -> None:
        # A deferred foreign key is checked at COMMIT, not when the savepoint is released.
        for ddl in (
            "CREATE TEMP TABLE IF NOT EXISTS parent (id INTEGER PRIMARY KEY)",
            "CREATE TEMP TABLE IF NOT EXISTS child (p INTEGER REFERENCES parent (id) "
            "DEFERRABLE INITIALLY DEFERRED)",
            "INSERT INTO child VALUES (42)",
        ):
            u.session.execute(text(ddl))

    release, _ = hold(writer)
    fine = writer.submit(secret("fine"))
    doomed = writer.submit(violates_at_commit)
    release.set()
    for future in (fine, doomed):
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            future.result(timeout=30)
    assert not stored(uow, "fine"), "no caller was told 'stored' about a batch that was not"
    after = writer.submit(secret("later"))  # and the writer carries on
    after.result(timeout=30)
    assert stored(uow, "later")


def test_closing_stores_what_is_queued_then_refuses_more(
    writer: GroupCommit, uow: UnitOfWorkProvider
) -> None:
    release, _ = hold(writer)
    queued = writer.submit(secret("queued"))
    closing = threading.Thread(target=writer.close)
    closing.start()
    release.set()
    closing.join(30)
    assert queued.result(timeout=0) is not None
    assert stored(uow, "queued")
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit(secret("too late"))
