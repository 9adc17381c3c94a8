"""`radar serve` on a port something else holds: one clear line, before anything starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE_POLICY
from tests.support.patience import PATIENCE

RADAR = [sys.executable, "-m", "radar.cli.main"]


def test_a_busy_port_is_refused_before_anything_is_announced_or_started(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "RADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'radar.db'}",
        "RADAR_LOG_LEVEL": "info",  # the engine says so in the log when it starts
    }
    for args in (["db", "upgrade"], ["policy", "apply", str(EXAMPLE_POLICY)]):
        subprocess.run([*RADAR, *args], env=env, check=True, capture_output=True)
    with socket.socket() as first:  # the first `make run`, still serving
        first.bind(("127.0.0.1", 0))
        first.listen()
        port = first.getsockname()[1]
        done = subprocess.run(
            [*RADAR, "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=PATIENCE,
        )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"radar: port {port} is already in use on 127.0.0.1 (is Radar already running?); "
        "stop what uses it, or choose another port with --port or RADAR_PORT"
    )
    said = done.stdout + done.stderr
    assert "serving" not in said
    assert "Press Ctrl-C" not in said
    assert "engine" not in said.lower()
    assert "Traceback" not in said
    assert "Errno" not in said


def test_the_port_setting_is_named_when_it_comes_from_radar_port(tmp_path: Path) -> None:
    env = {**os.environ, "RADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'radar.db'}"}
    with socket.socket() as first:
        first.bind(("127.0.0.1", 0))
        first.listen()
        port = first.getsockname()[1]
        done = subprocess.run(
            [*RADAR, "serve", "--no-worker"],
            env={**env, "RADAR_PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=PATIENCE,
        )
    assert done.returncode == 2
    assert f"port {port} is already in use" in done.stderr
    assert "RADAR_PORT" in done.stderr
    assert done.stdout == ""
