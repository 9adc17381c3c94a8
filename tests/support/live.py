"""A real uvicorn server on a free loopback port, in a thread, for API and CLI tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from radar.server import SHUTDOWN_GRACE_SECONDS, proxy_options
from tests.support.patience import PATIENCE


@contextmanager
def serve(app: FastAPI, *, tls: tuple[Path, Path] | None = None) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL. With ``tls`` (a certificate and
    its key), over HTTPS."""
    radar = getattr(app.state, "container", None)  # fakes of other services have none
    # Radar as `radar serve` runs it: X-Forwarded-For believed from its trusted proxies only.
    proxies = proxy_options(radar.settings) if radar else {"proxy_headers": False}
    certificate = {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])} if tls else {}
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        **proxies,
        **certificate,  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + PATIENCE
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)  # waiting for a real socket to listen, not for application time
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=PATIENCE)
