"""The documentation stays true: settings, policy examples and CLI commands it shows exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command

from radar.cli.main import app
from radar.policyfile import load
from radar.settings import ClientSettings, Settings

ROOT = Path(__file__).parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]


def test_every_setting_is_documented_once() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    for model in (Settings, ClientSettings):
        for name in model.model_fields:
            variable = f"`RADAR_{name.upper()}`"
            assert page.count(f"| {variable} |") == 1, f"{variable} missing from the table"


def _yaml_blocks() -> list[tuple[str, str]]:
    blocks = []
    for page in DOCS:
        for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", page.read_text(), re.S)):
            blocks.append((f"{page.name}#{n + 1}", block))
    return blocks


@pytest.mark.parametrize(("where", "text"), _yaml_blocks(), ids=lambda v: str(v)[:30])
def test_every_policy_shown_in_the_docs_loads(where: str, text: str) -> None:
    load.load(text, where)


def _commands(group: object, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = {prefix}
    for name, sub in getattr(group, "commands", {}).items():
        found |= _commands(sub, (*prefix, name))
    return found


def test_every_radar_command_in_the_docs_exists() -> None:
    known = _commands(get_command(app))
    for page in PAGES:
        for line in re.findall(r"^\s*(?:\$ )?radar ([a-z][a-z -]*)", page.read_text(), re.M):
            words = tuple(w for w in line.split() if not w.startswith("-"))[:2]
            assert words in known or words[:1] in known, f"{page.name}: radar {line}"


def _schema_fields() -> set[str]:
    from pydantic import BaseModel

    from radar.policyfile import schema

    models = [m for m in vars(schema).values() if isinstance(m, type) and issubclass(m, BaseModel)]
    return {name for m in models if m is not BaseModel for name in m.model_fields}


def test_policy_page_documents_every_key() -> None:
    page = (ROOT / "docs" / "policy.md").read_text()
    missing = sorted(f for f in _schema_fields() if f"`{f}`" not in page)
    assert missing == [], f"docs/policy.md does not mention: {missing}"
