"""`radar serve` as a real process: it serves, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import EXAMPLE_POLICY

RADAR = [sys.executable, "-m", "radar.cli.main"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_ready(url: str, proc: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            return httpx.get(f"{url}/readyz", timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)  # polling a real process's socket, not waiting on app time
    raise AssertionError("radar serve did not start within 30 s")


def test_serve_answers_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "RADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'radar.db'}"}
    for args in (["db", "upgrade"], ["policy", "apply", str(EXAMPLE_POLICY)]):
        subprocess.run([*RADAR, *args], env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(
        [*RADAR, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ready = _wait_ready(f"http://127.0.0.1:{port}", proc)
        assert ready.status_code == 200
        assert ready.json()["status"] == "ready"
        spec = httpx.get(f"http://127.0.0.1:{port}/api/openapi.json").json()
        assert spec["info"]["title"] == "Radar"
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert f"Radar is serving on http://127.0.0.1:{port}" in output
    assert "Traceback" not in output
