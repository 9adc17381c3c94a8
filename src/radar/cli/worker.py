"""`radar worker`: the engine alone, for deployments that run API replicas with --no-worker."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from radar.cli.context import out, require_database, settings, settle_memory, setup_logging


def worker() -> None:
    """Fire due escalations and deliver notifications until stopped (Ctrl-C or SIGTERM).

    Run as many as you like on PostgreSQL: they share the work without doing anything twice.
    On SQLite, run one (or let `radar serve` run it in-process).
    """
    from radar.bootstrap import build
    from radar.engine.worker import Worker

    stopping = threading.Event()
    waker = None

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()  # a stop asked for while starting up is kept, and honoured at once
        if waker is not None:
            waker.wake()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        base = settings()
        setup_logging(base.log_level)
        container = build(base)
        waker = container.waker
        try:
            require_database(container)
            engine = Worker(
                container.engine,
                container.waker,
                container.clock,
                senders=base.notify_senders,
                stop=stopping,
            )
            settle_memory()
            out.print(f"Radar engine worker {engine.name} running. Press Ctrl-C to stop.")
            engine.run()
        finally:
            container.close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
