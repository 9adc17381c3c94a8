"""`radar serve`: the API on one process, until Ctrl-C."""

from __future__ import annotations

import contextlib
import errno
import socket
from typing import Annotated

import typer

from radar.cli.context import (
    EXIT_USAGE,
    fail,
    out,
    require_database,
    settings,
    settle_memory,
    setup_logging,
)


def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (default RADAR_HOST).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Listen port (default RADAR_PORT).")
    ] = None,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Run the engine in this process (default). --no-worker serves the API only; "
            "run `radar worker` elsewhere.",
        ),
    ] = True,
) -> None:
    """Serve the API and run the engine in-process, until interrupted."""
    import uvicorn

    from radar.bootstrap import build
    from radar.engine.worker import Worker, start_in_thread
    from radar.server import SHUTDOWN_GRACE_SECONDS, create_app, listen, proxy_options

    base = settings()
    setup_logging(base.log_level)
    chosen = base.model_copy(update={"host": host or base.host, "port": port or base.port})
    # The port first: nothing is announced or started on a port that is not ours.
    try:
        sockets = listen(chosen.host, chosen.port)
    except OSError as exc:
        raise fail(cannot_listen(chosen.host, chosen.port, exc), EXIT_USAGE) from None
    container = build(chosen)
    engine, thread = None, None
    try:
        require_database(container)
        ready = container.health.readiness()
        if not ready.ready:
            problems = ", ".join(f"{k}: {v}" for k, v in ready.checks.items() if v != "ok")
            out.print(f"[yellow]warning:[/] not ready yet ({problems})")
        url = f"http://{_authority(chosen.host, chosen.port)}"
        out.print(
            f"Radar is serving on [bold]{url}[/]  (sign in there; API {url}/api/v1, "
            f"docs {url}/api/docs)"
        )
        if worker:
            engine = Worker(
                container.engine,
                container.waker,
                container.clock,
                senders=container.settings.notify_senders,
            )
            thread = start_in_thread(engine)
        out.print("The engine runs in this process." if engine else "No engine (--no-worker).")
        out.print("Press Ctrl-C to stop.")
        app = create_app(container)
        settle_memory()
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=chosen.host,
                port=chosen.port,
                log_level=chosen.log_level,
                access_log=chosen.log_level == "debug",
                timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
                **proxy_options(chosen),
            )
        )
        # uvicorn stops on Ctrl-C, then raises it again for whoever called it: us.
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=sockets)
        if not server.started:
            raise fail("the server did not start (see the log above)")
    finally:
        for sock in sockets:
            sock.close()
        if engine and thread:
            engine.shutdown()
            thread.join(timeout=10)
        container.close()


def cannot_listen(host: str, port: int, exc: OSError) -> str:
    """Why ``radar serve`` cannot listen on ``host:port``, and which setting changes it."""
    where = _authority(host, port)
    if isinstance(exc, socket.gaierror):
        return f"cannot listen on {host!r}: no such address; choose one with --host or RADAR_HOST"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use on {host} (is Radar already running?); "
            "stop what uses it, or choose another port with --port or RADAR_PORT"
        )
    if exc.errno == errno.EACCES:
        return (
            f"not allowed to listen on {where} (ports below 1024 need privileges); "
            "choose another port with --port or RADAR_PORT"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"cannot listen on {host}: not an address of this machine; "
            "choose one with --host or RADAR_HOST"
        )
    return (
        f"cannot listen on {where}: {exc.strerror or exc}; "
        "check --host (RADAR_HOST) and --port (RADAR_PORT)"
    )


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
