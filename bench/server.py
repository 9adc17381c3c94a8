"""`radar serve` as a child process on a free local port, so the load generator and the server
never share an interpreter (or a GIL)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from dataset import Target

READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Server:
    """A running server: its process (for CPU accounting and profilers) and its base URL."""

    process: subprocess.Popen[bytes]
    base_url: str

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    """A TCP port nobody listens on right now (there is a small race; fine for a benchmark)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(target: Target, log: Path, *, separate_worker: bool = False) -> Iterator[Server]:
    """Start `radar serve` on ``target``, wait until /readyz answers 200, stop it on exit.
    With ``separate_worker``, the engine runs as its own `radar worker` process and the server
    serves the API only (`--no-worker`), as a deployment that scales out does.

    The server's output goes to ``log``; it is printed if the server fails to become ready.
    """
    port = free_port()
    exe = Path(sys.executable).with_name("radar")
    command = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if separate_worker:
        command.append("--no-worker")
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=target.env(), stdout=out, stderr=subprocess.STDOUT)
        worker = (
            subprocess.Popen(
                [str(exe), "worker"], env=target.env(), stdout=out, stderr=subprocess.STDOUT
            )
            if separate_worker
            else None
        )
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        _wait_ready(server, log)
        yield server
    finally:
        _stop(process)
        if worker is not None:
            _stop(worker)


def _wait_ready(server: Server, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"radar serve exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{server.base_url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"radar serve was not ready after {READY_TIMEOUT_S:.0f} s:\n{log.read_text()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C first (uvicorn shuts down cleanly), then a kill if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
