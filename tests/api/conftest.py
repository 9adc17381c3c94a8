"""API clients on the real application served by uvicorn on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from radar.api.app import create_app
from radar.bootstrap import Container
from radar.domain.access import UserRole
from tests.support.live import serve


def token_for(c: Container, username: str, role: UserRole) -> str:
    c.accounts.create_user(username, role=role, display_name=username.capitalize())
    return c.accounts.create_token(username, name="test").secret


@pytest.fixture
def base_url(container: Container) -> Iterator[str]:
    with serve(create_app(container)) as url:
        yield url


@pytest.fixture
def anonymous(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture
def api(container: Container, base_url: str) -> Iterator[httpx.Client]:
    secret = token_for(container, "ana", UserRole.RESPONDER)
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        yield client


def declare(api: httpx.Client, **body: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "title": "Checkout down",
        "service": "checkout",
        "severity": "sev2",
    }
    payload.update(body)
    response = api.post("/api/v1/incidents", json=payload)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created
