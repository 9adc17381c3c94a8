"""Radar's whole app (API and web) on a real server, with one account per kind of principal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from radar.bootstrap import Container
from radar.domain.access import UserRole
from radar.server import create_app
from tests.support.live import serve
from tests.web.conftest import PASSWORD, sign_in

ACCOUNTS = {
    "root": UserRole.ADMIN,
    "ana": UserRole.RESPONDER,  # reports the restricted incident: a participant
    "bob": UserRole.RESPONDER,  # takes no part in it
    "val": UserRole.VIEWER,
    "joan": UserRole.RESPONDER,
    "laura": UserRole.RESPONDER,  # the policy's engineering manager of checkout
}


@dataclass
class Site:
    url: str
    container: Container
    tokens: dict[str, str]

    def api(self, username: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def web(self, username: str) -> httpx.Client:
        return sign_in(self.url, username, PASSWORD)


@pytest.fixture
def site(container: Container) -> Iterator[Site]:
    tokens = {}
    for name, role in ACCOUNTS.items():
        container.accounts.create_user(
            name, role=role, display_name=name.capitalize(), password=PASSWORD
        )
        tokens[name] = container.accounts.create_token(name, name="test").secret
    with serve(create_app(container)) as url:
        yield Site(url, container, tokens)
