"""A slow webhook receiver for the engine benchmark: HTTPS on loopback, with a throw-away
self-signed certificate (made by ``openssl``; the workers trust it through ``SSL_CERT_FILE``).
It answers each POST after a fixed delay, as a slow real receiver would, and counts the
requests per ``Idempotency-Key``: a key seen twice is a notification sent twice.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

OPENSSL_REQ = (
    *("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"),
    *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
    *("-addext", "subjectAltName=IP:127.0.0.1"),
)


class Tally:
    """What the receiver got: requests per ``Idempotency-Key``."""

    def __init__(self) -> None:
        self._keys: Counter[str] = Counter()
        self._lock = threading.Lock()

    def take(self, key: str) -> None:
        with self._lock:
            self._keys[key] += 1

    @property
    def requests(self) -> int:
        with self._lock:
            return sum(self._keys.values())

    @property
    def duplicates(self) -> int:
        """Requests beyond the first for each key."""
        with self._lock:
            return sum(n - 1 for n in self._keys.values() if n > 1)


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, valid two days, and its key."""
    cert, key = directory / "receiver.pem", directory / "receiver.key"
    subprocess.run(
        [*OPENSSL_REQ, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@contextmanager
def slow_webhook(delay: float, cert: Path, key: Path, tally: Tally) -> Iterator[str]:
    """Serve until the block ends; yields the hook's URL. Each POST is answered 200 after
    ``delay`` seconds; the sender waits for it (one thread per connection, keep-alive)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            tally.take(self.headers.get("Idempotency-Key", ""))
            time.sleep(delay)
            try:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the worker was stopped while waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name="bench-webhook", daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
