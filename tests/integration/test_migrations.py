"""Migrations: up from empty, down to empty, and in agreement with the ORM tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DatabaseError

from radar.store import migrate
from radar.store.tables import Base
from tests.conftest import BACKENDS, _postgres_url


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = _postgres_url()
    assert url is not None
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield url
    # The session-wide migrated schema is gone now; rebuild it for the tests that follow.
    _restore(url)


def _restore(url: str) -> None:
    engine = create_engine(url)
    if migrate.current(engine) != migrate.head():
        migrate.upgrade(engine)
    engine.dispose()


def test_upgrade_from_empty_then_downgrade_to_empty(empty_url: str) -> None:
    engine = create_engine(empty_url)
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    migrate.downgrade(engine, "base")
    assert migrate.current(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)  # and up again, as after a rollback of a bad release
    assert migrate.current(engine) == migrate.head()
    engine.dispose()


def test_orm_tables_and_migrations_agree(empty_url: str) -> None:
    engine = create_engine(empty_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []


def test_timeline_is_append_only_in_the_database(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO incidents (title, description, service, severity, status, reporter,"
                " restricted, drill, declared_at, updated_at, version) VALUES ('t', '', 'checkout',"
                " 'sev2', 'reported', 'ana', false, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO timeline_entries (incident_id, at, kind, actor, via, visibility)"
                " VALUES (1, CURRENT_TIMESTAMP, 'declared', 'ana', 'api', 'internal')"
            )
        )
    for statement in (
        "UPDATE timeline_entries SET actor = 'mallory'",
        "DELETE FROM timeline_entries",
    ):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM timeline_entries")).scalar_one() == "ana"
    engine.dispose()
