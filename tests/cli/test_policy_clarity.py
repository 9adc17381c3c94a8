"""`radar policy` says where and what, in words: warnings at file:line:column, repeats in words,
and applying the policy that already runs stores nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.cli.test_cli import radar
from tests.conftest import EXAMPLE_POLICY


@pytest.fixture
def no_channels(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server with no channel configured (nor the record file that stands in for them)."""
    for name in list(os.environ):
        if name.startswith("RADAR_") and name != "RADAR_DATABASE_URL":
            monkeypatch.delenv(name)


@pytest.mark.usefixtures("no_channels")
def test_every_warning_of_check_points_at_file_line_column() -> None:
    code, _, err = radar("policy", "check", str(EXAMPLE_POLICY))
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 8
    at = re.compile(rf"{re.escape(str(EXAMPLE_POLICY))}:\d+:\d+: warning: ")
    assert [line for line in lines if not at.match(line)] == []
    assert "severities." not in err
    # The second target of Sev1's first step, `- target: "slack:#radar"` on line 146.
    assert (
        f"{EXAMPLE_POLICY}:146:15: warning: slack not configured on this server: sev1 step 1 "
        "tells slack:#radar; nobody would be told (recorded as not sent)"
    ) in lines


def test_show_says_how_often_the_steps_repeat_in_words(fresh_db: Path) -> None:
    radar("db", "upgrade")
    radar("policy", "apply", str(EXAMPLE_POLICY))
    code, out, _ = radar("policy", "show")
    assert code == 0
    assert "Radar: If nobody acknowledges, this happens twice more, every 10 minutes." in out
    assert "time(s)" not in out
    assert "Repeated" not in out


def test_show_says_where_the_guide_asks_whether_it_is_an_incident(fresh_db: Path) -> None:
    radar("db", "upgrade")
    radar("policy", "apply", str(EXAMPLE_POLICY))
    out = radar("policy", "show")[1]
    assert "Ask first" not in out
    assert (
        "The test: Does this need an emergency response? If not, it is not an incident: file a "
        "ticket. The severity guide asks it last, at question 4."
    ) in out


def versions() -> list[str]:
    return radar("policy", "history")[1].splitlines()


def test_applying_the_policy_that_runs_stores_no_new_version(
    fresh_db: Path, tmp_path: Path
) -> None:
    radar("db", "upgrade")
    assert "policy version 1 applied" in radar("policy", "apply", str(EXAMPLE_POLICY))[1]
    assert radar("policy", "diff", "current", str(EXAMPLE_POLICY))[1].strip() == (
        "no change to the process"
    )

    code, out, _ = radar("policy", "apply", str(EXAMPLE_POLICY))
    assert code == 0
    assert out.strip() == f"policy version 1 already runs {EXAMPLE_POLICY}; nothing to do"
    assert len(versions()) == 1

    commented = tmp_path / "policy.yaml"
    commented.write_text("# Reviewed on Monday.\n" + EXAMPLE_POLICY.read_text())
    out = radar("policy", "apply", str(commented))[1]
    assert out.strip() == (
        f"policy version 1 already runs what {commented} says (only comments or layout "
        "differ); nothing to do (--always stores it as a new version)"
    )
    assert "nothing to do" in radar("policy", "apply", str(commented), "--if-changed")[1]
    assert len(versions()) == 1

    assert "policy version 2 applied" in radar("policy", "apply", str(commented), "--always")[1]
    changed = tmp_path / "changed.yaml"
    changed.write_text(EXAMPLE_POLICY.read_text().replace("every: 30m", "every: 20m"))
    code, out, _ = radar("policy", "apply", str(changed))
    assert code == 0
    assert "policy version 3 applied" in out
    assert "severity sev2, updates.every: 30m -> 20m" in out
    assert len(versions()) == 3
