"""`make run` installs what running Radar needs; the test and lint tools only come with
`make test`, `check`, `bench` and `fmt`. Both installs are idempotent and show pip's progress.

Read from `make -n` (what make would run), and run against a stand-in Python that records what
it is asked to do: no virtualenv is built here.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")

RUNTIME_INSTALL = "install -e . "
DEV_INSTALL = "install -e '.[dev]'"


def dry_run(target: str) -> str:
    assert MAKE is not None
    done = subprocess.run(
        [MAKE, "--no-print-directory", "-n", "-C", str(ROOT), target],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def pip_lines(commands: str) -> list[str]:
    return [line for line in commands.splitlines() if " -m pip " in line]


def test_make_run_installs_radar_without_the_development_tools() -> None:
    commands = dry_run("run")
    assert "[dev]" not in commands
    installs = [line for line in pip_lines(commands) if RUNTIME_INSTALL in line + " "]
    assert len(installs) == 1
    assert "--quiet" not in installs[0], "the long install shows pip's progress"
    assert ".venv/bin/radar serve" in commands


@pytest.mark.parametrize("target", ["test", "check", "bench", "fmt", "install"])
def test_the_developer_targets_install_the_development_tools(target: str) -> None:
    installs = [line for line in pip_lines(dry_run(target)) if DEV_INSTALL in line]
    assert len(installs) == 1
    assert "--quiet" not in installs[0]


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """The Makefile next to a pyproject.toml, with a stand-in ``.venv/bin/python`` that writes
    its arguments to ``calls`` and succeeds (so every import check passes)."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'radar'\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$*" >> {tmp_path / "calls"}\n')
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    return tmp_path


def make(sandbox: Path, target: str) -> tuple[str, list[str]]:
    """What ``make target`` printed, and the pip commands the stand-in Python was given."""
    assert MAKE is not None
    calls = sandbox / "calls"
    calls.unlink(missing_ok=True)
    done = subprocess.run(
        [MAKE, "--no-print-directory", "-C", str(sandbox), target],
        capture_output=True,
        text=True,
        check=True,
    )
    given = calls.read_text().splitlines() if calls.exists() else []
    return done.stdout, [line for line in given if line.startswith("-m pip")]


def test_each_install_happens_once_and_again_when_pyproject_changes(sandbox: Path) -> None:
    said, pip = make(sandbox, "install-run")
    assert "installing Radar into .venv (what running it needs) ..." in said
    assert [p for p in pip if "install -e ." in p] == [
        "-m pip --disable-pip-version-check install -e ."
    ]
    assert make(sandbox, "install-run") == ("", [])  # idempotent, and quiet about it

    said, pip = make(sandbox, "install-dev")
    assert "installing the development tools into .venv" in said
    assert pip == ["-m pip --disable-pip-version-check install -e .[dev]"]
    assert make(sandbox, "install-dev") == ("", [])
    assert make(sandbox, "install-run") == ("", [])  # the development install includes it

    later = (sandbox / ".venv" / ".installed").stat().st_mtime + 10
    os.utime(sandbox / "pyproject.toml", (later, later))
    _, pip = make(sandbox, "install-dev")
    assert [p for p in pip if " install -e " in p] == [
        "-m pip --disable-pip-version-check install -e .",
        "-m pip --disable-pip-version-check install -e .[dev]",
    ]
