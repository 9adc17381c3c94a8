"""Applying a policy through the API: a character YAML forbids is named at its line and column,
as `radar policy check` names it, since both go through the same loader."""

from __future__ import annotations

import pytest

from radar.bootstrap import Container
from tests.api.test_policy_api import admin
from tests.conftest import EXAMPLE_POLICY


@pytest.mark.parametrize(
    ("char", "what"),
    [("\x00", "a NUL byte"), ("\x1b", "a control character (U+001B)")],
)
def test_a_forbidden_character_is_refused_at_its_line_and_column(
    container: Container, base_url: str, char: str, what: str
) -> None:
    lines = EXAMPLE_POLICY.read_text().splitlines(keepends=True)
    lines[16] = lines[16][:4] + char + lines[16][4:]
    with admin(container, base_url) as client:
        response = client.post(
            "/api/v1/policy", json={"content": "".join(lines), "filename": "p.yaml"}
        )
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "invalid_policy"
        assert error["problems"] == [
            {"field": "p.yaml:17:5", "message": f"{what} is not allowed in a policy file"}
        ]
        assert client.get("/api/v1/policy").json()["version"] == 1
