"""Slow receivers, as real ones can be: a loopback HTTPS webhook server and an SMTP server
(aiosmtpd) that take a while over each message, and keep every message they got with its
idempotency key, so a test counts what really arrived."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


@dataclass(frozen=True)
class Received:
    key: str  # the notification's key, read from the message itself
    idempotency_key: str  # the header the receiver may drop repeats by
    at: float  # time.monotonic() when it arrived


@dataclass
class Inbox:
    """What a receiver got. Each message takes ``low``..``high`` seconds to accept."""

    low: float
    high: float
    seed: int = 1
    got: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def take(self, key: str, idempotency_key: str) -> float:
        """Keep a message; how long to take over it."""
        with self._lock:
            self.got.append(Received(key, idempotency_key, time.monotonic()))
            return self._rng.uniform(self.low, self.high)

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(r.key for r in self.got)

    def idempotency_keys(self, key: str) -> set[str]:
        with self._lock:
            return {r.idempotency_key for r in self.got if r.key == key}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and its key, made by openssl."""
    cert, key = directory / "receiver.pem", directory / "receiver.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def slow_webhook(inbox: Inbox, cert: Path, key: Path) -> Iterator[str]:
    """An HTTPS server on loopback that answers each POST after ``inbox``'s delay; yields its
    base URL. It keeps the body's ``key`` and the ``Idempotency-Key`` header."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            delay = inbox.take(json.loads(body)["key"], self.headers.get("Idempotency-Key", ""))
            time.sleep(delay)  # a slow receiver: the client waits for it
            try:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender was killed while waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def slow_smtp(inbox: Inbox) -> Iterator[int]:
    """An SMTP server (aiosmtpd) on loopback that accepts each message after ``inbox``'s
    delay; yields its port. It keeps ``X-Radar-Key`` and the ``Message-ID``."""

    class Slow:
        async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
            message = message_from_bytes(envelope.content or b"", policy=default)
            delay = inbox.take(str(message["X-Radar-Key"]), str(message["Message-ID"]))
            await asyncio.sleep(delay)  # a slow server: the client waits for its answer
            return "250 OK"

    port = free_port()
    controller = Controller(Slow(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
