"""Keys Radar makes for itself and keeps in the database (``server_secrets``), so that every
process signs and checks with the same one: made on first use, then held in memory."""

from __future__ import annotations

import threading

from radar.clock import Clock
from radar.store.uow import UnitOfWorkProvider


class ServerKey:
    def __init__(self, uow: UnitOfWorkProvider, clock: Clock, name: str) -> None:
        self._uow = uow
        self._clock = clock
        self._name = name
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def get(self) -> bytes:
        """The key named ``name``; the first caller in any process makes it."""
        if self._key is not None:
            return self._key
        with self._lock:
            if self._key is None:
                with self._uow(write=True) as uow:
                    value = uow.secrets.get_or_create(self._name, self._clock.now())
                    uow.commit()
                self._key = value.encode()
            return self._key
