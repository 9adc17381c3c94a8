"""`radar serve`: the API on one process, until Ctrl-C."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from radar.cli.context import EXIT_USAGE, fail, out, settings


def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (default RADAR_HOST).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Listen port (default RADAR_PORT).")
    ] = None,
) -> None:
    """Serve the API (and, as Radar grows, the web UI and the engine) until interrupted."""
    import uvicorn

    from radar.api.app import create_app
    from radar.bootstrap import build

    base = settings()
    logging.basicConfig(
        level=base.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the readiness check reads revisions
    chosen = base.model_copy(update={"host": host or base.host, "port": port or base.port})
    container = build(chosen)
    try:
        ready = container.health.readiness()
        if ready.checks.get("migrations") != "ok":
            raise fail("the database is not migrated; run `radar db upgrade` first", EXIT_USAGE)
        if not ready.ready:
            problems = ", ".join(f"{k}: {v}" for k, v in ready.checks.items() if v != "ok")
            out.print(f"[yellow]warning:[/] not ready yet ({problems})")
        url = f"http://{chosen.host}:{chosen.port}"
        out.print(f"Radar is serving on [bold]{url}[/]  (API {url}/api/v1, docs {url}/api/docs)")
        out.print("Press Ctrl-C to stop.")
        uvicorn.run(
            create_app(container),
            host=chosen.host,
            port=chosen.port,
            log_level=chosen.log_level,
            access_log=chosen.log_level == "debug",
        )
    finally:
        container.close()
