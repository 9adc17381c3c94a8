"""`radar serve`: the API on one process, until Ctrl-C."""

from __future__ import annotations

from typing import Annotated

import typer

from radar.cli.context import out, require_database, settings, settle_memory, setup_logging


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
    from radar.server import SHUTDOWN_GRACE_SECONDS, create_app, proxy_options

    base = settings()
    setup_logging(base.log_level)
    chosen = base.model_copy(update={"host": host or base.host, "port": port or base.port})
    container = build(chosen)
    engine, thread = None, None
    try:
        require_database(container)
        ready = container.health.readiness()
        if not ready.ready:
            problems = ", ".join(f"{k}: {v}" for k, v in ready.checks.items() if v != "ok")
            out.print(f"[yellow]warning:[/] not ready yet ({problems})")
        url = f"http://{chosen.host}:{chosen.port}"
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
        uvicorn.run(
            app,
            host=chosen.host,
            port=chosen.port,
            log_level=chosen.log_level,
            access_log=chosen.log_level == "debug",
            timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
            **proxy_options(chosen),
        )
    finally:
        if engine and thread:
            engine.shutdown()
            thread.join(timeout=10)
        container.close()
