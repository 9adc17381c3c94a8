"""Shared fixtures. Database tests run on SQLite and, when RADAR_TEST_DATABASE_URL names a
PostgreSQL database, on PostgreSQL too: ``db_url`` is parametrised over both."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import Principal, UserRole
from radar.settings import Settings, normalise_database_url
from radar.store import migrate
from radar.store.tables import Base

EXAMPLE_POLICY = Path(__file__).parent.parent / "examples" / "policy.yaml"
START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _postgres_url() -> str | None:
    url = os.environ.get("RADAR_TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


BACKENDS = ["sqlite"] + (["postgresql"] if _postgres_url() else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating each time would be slow)."""
    path = tmp_path_factory.mktemp("template") / "radar.db"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    url = _postgres_url()
    assert url is not None
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()
    return url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "radar.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_migrated")
    _truncate(url)
    return url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def container(db_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[Container]:
    """Radar on ``db_url`` with the example policy; notifications go to a record file."""
    record = tmp_path / "notifications.jsonl"
    built = build(Settings(database_url=db_url, notify_record_file=str(record)), clock=clock)
    built.policies.apply(EXAMPLE_POLICY.read_text(), filename="examples/policy.yaml", author="test")
    yield built
    built.close()


def make_principal(c: Container, username: str, role: UserRole = UserRole.RESPONDER) -> Principal:
    c.accounts.create_user(username, role=role, display_name=username.capitalize())
    return c.accounts.authenticate(c.accounts.create_token(username, name="test").secret)


@pytest.fixture
def responder(container: Container) -> Principal:
    return make_principal(container, "ana")


@pytest.fixture
def viewer(container: Container) -> Principal:
    return make_principal(container, "victor", UserRole.VIEWER)
