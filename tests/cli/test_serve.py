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


def test_serve_runs_the_engine_in_process_and_wakes_for_work_from_elsewhere(
    tmp_path: Path,
) -> None:
    """An incident declared by another process is posted to #radar by the server's own engine
    (on SQLite, another process's commit wakes it through ``PRAGMA data_version``)."""
    from radar.bootstrap import build
    from radar.domain.access import Principal, User, UserRole
    from radar.services.incidents import Declaration
    from radar.settings import Settings

    url = f"sqlite:///{tmp_path / 'radar.db'}"
    record = tmp_path / "sent.jsonl"
    env = {**os.environ, "RADAR_DATABASE_URL": url, "RADAR_NOTIFY_RECORD_FILE": str(record)}
    for args in (["db", "upgrade"], ["policy", "apply", str(EXAMPLE_POLICY)]):
        subprocess.run([*RADAR, *args], env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(
        [*RADAR, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, text=True
    )
    other = build(Settings(database_url=url))
    try:
        _wait_ready(f"http://127.0.0.1:{port}", proc)
        admin = Principal(User(id=0, username="ops", display_name="Ops", role=UserRole.ADMIN))
        other.incidents.declare(admin, Declaration("Site down", "checkout", "sev2"))
        deadline = time.monotonic() + 15
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # polling a real process's output
        assert record.exists(), "the in-process engine did not post the Sev2 to #radar"
        assert '"target": "slack:#radar"' in record.read_text()
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=15)
    finally:
        other.close()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert "The engine runs in this process." in output
