"""Radar's intake over a real server: integration keys made through the service, events posted
as the monitoring tools post them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from radar.bootstrap import Container
from radar.domain.access import Principal, User, UserRole
from radar.domain.alerts import Kind
from radar.server import create_app
from tests.support.live import serve

ADMIN = Principal(User(id=0, username="ops", display_name="Ops", role=UserRole.ADMIN))


def key_for(c: Container, kind: Kind, service: str = "checkout", **extra: int) -> str:
    return c.ingest.create(ADMIN, service=service, kind=kind, **extra).key  # type: ignore[arg-type]


@pytest.fixture
def api(container: Container) -> Iterator[httpx.Client]:
    with serve(create_app(container)) as url, httpx.Client(base_url=url) as client:
        yield client
