"""CLI fixtures: a fresh database for server commands, and a live server for client commands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from radar.api.app import create_app
from radar.bootstrap import Container
from radar.domain.access import UserRole
from tests.support.live import serve


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "radar.db"
    monkeypatch.setenv("RADAR_DATABASE_URL", f"sqlite:///{path}")
    return path


@pytest.fixture
def client_env(container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """RADAR_URL and RADAR_TOKEN pointing the CLI at a live server, as the responder Ana."""
    container.accounts.create_user("ana", role=UserRole.RESPONDER, display_name="Ana")
    secret = container.accounts.create_token("ana", name="cli").secret
    with serve(create_app(container)) as url:
        monkeypatch.setenv("RADAR_URL", url)
        monkeypatch.setenv("RADAR_TOKEN", secret)
        yield
