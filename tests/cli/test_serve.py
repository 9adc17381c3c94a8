"""`radar serve` as a real process: it serves, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import EXAMPLE_POLICY
from tests.support.patience import PATIENCE

RADAR = [sys.executable, "-m", "radar.cli.main"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_ready(url: str, proc: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            return httpx.get(f"{url}/readyz", timeout=PATIENCE)
        except httpx.TransportError:
            time.sleep(0.1)  # polling a real process's socket, not waiting on app time
    raise AssertionError(f"radar serve did not start within {PATIENCE:.0f} s")


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
        spec = httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=PATIENCE).json()
        assert spec["info"]["title"] == "Radar"
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=PATIENCE)
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
        deadline = time.monotonic() + PATIENCE
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # polling a real process's output
        assert record.exists(), "the in-process engine did not post the Sev2 to #radar"
        assert '"target": "slack:#radar"' in record.read_text()
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=PATIENCE)
    finally:
        other.close()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert "The engine runs in this process." in output


@contextmanager
def _serving(tmp_path: Path, **settings: str) -> Iterator[str]:
    """`radar serve` (API only) on a migrated database, until the block ends; yields its URL."""
    env = {**os.environ, "RADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'radar.db'}", **settings}
    subprocess.run([*RADAR, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(
        [*RADAR, "serve", "--no-worker", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, proc)  # not ready without a policy, but serving
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=PATIENCE)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


def _sign_in(web: httpx.Client, username: str, forwarded_for: str | None) -> int:
    """A wrong password for ``username``, with ``X-Forwarded-For`` when given: the status."""
    form = re.search(r'name="csrf" value="([^"]+)"', web.get("/signin").text)
    assert form, "the sign-in page has no form"
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    data = {"csrf": form.group(1), "username": username, "password": "wrong", "then": "/"}
    return web.post("/signin", data=data, headers=headers).status_code


def test_a_forwarded_for_header_is_not_believed_by_default(tmp_path: Path) -> None:
    """From 127.0.0.1, where uvicorn on its own would believe it: twenty failed sign-ins, each
    claiming another address, are twenty from 127.0.0.1, which is then locked."""
    with _serving(tmp_path) as url, httpx.Client(base_url=url, timeout=PATIENCE) as web:
        for n in range(20):
            assert _sign_in(web, f"guess{n}", forwarded_for=f"203.0.113.{n}") == 401
        assert _sign_in(web, "maria", forwarded_for="198.51.100.1") == 429


def test_a_trusted_proxy_names_the_address_that_is_counted(tmp_path: Path) -> None:
    with (
        _serving(tmp_path, RADAR_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8") as url,
        httpx.Client(base_url=url, timeout=PATIENCE) as web,
    ):
        for n in range(20):
            assert _sign_in(web, f"guess{n}", forwarded_for="203.0.113.7") == 401
        assert _sign_in(web, "maria", forwarded_for="203.0.113.7") == 429
        assert _sign_in(web, "maria", forwarded_for="203.0.113.8") == 401
        # The proxy adds the address it saw to what the client sent: that one counts.
        assert _sign_in(web, "maria", forwarded_for="203.0.113.8, 203.0.113.7") == 429
        assert _sign_in(web, "maria", forwarded_for=None) == 401  # the proxy's own address
