"""Shared fixtures. Database tests run on SQLite and, when RADAR_TEST_DATABASE_URL names a
PostgreSQL database, on PostgreSQL too: ``db_url`` is parametrised over both."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from radar.bootstrap import Container, build
from radar.clock import FrozenClock
from radar.domain.access import Principal, UserRole
from radar.settings import Settings, normalise_database_url
from radar.store import migrate
from radar.store.tables import Base

# The CLI's tables fold at the terminal's width. Tests read them at 200 columns whatever runs
# them (pytest-xdist gives its workers COLUMNS=80); a test of a narrow terminal sets its own.
os.environ["COLUMNS"] = "200"

EXAMPLE_POLICY = Path(__file__).parent.parent / "examples" / "policy.yaml"
START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@functools.cache
def _postgres_url() -> str | None:
    """The PostgreSQL database the tests use, if any. Under pytest-xdist each worker has a
    database of its own, ``<name>_<worker>`` (``test_gw0``), made on first use: the workers'
    tests truncate and rebuild schemas, which must not meet."""
    given = os.environ.get("RADAR_TEST_DATABASE_URL")
    if not given:
        return None
    url = make_url(normalise_database_url(given))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_{worker}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        ).first()
        if found is None:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


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
