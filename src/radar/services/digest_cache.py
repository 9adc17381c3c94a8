"""A short-lived, in-process memory of secrets already checked (API tokens, integration keys),
so that a client sending many requests is not looked up in the database every time.

Entries live ``ttl`` (``RADAR_TOKEN_CACHE_SECONDS``, default 5 s). Expiry is checked on every
use; a revocation made in this process takes effect at once (``forget``), one made by another
process within ``ttl``. Keys are the secrets' digests, never the secrets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

MAX_ENTRIES = 10_000
V = TypeVar("V")


@dataclass(frozen=True)
class _Entry(Generic[V]):
    value: V
    until: datetime


class DigestCache(Generic[V]):
    def __init__(self, ttl: timedelta) -> None:
        self._ttl = ttl
        self._entries: dict[str, _Entry[V]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, now: datetime) -> V | None:
        entry = self._entries.get(digest)  # a dict read is atomic; only writers take the lock
        if entry is None or now >= entry.until:
            return None
        return entry.value

    def put(self, digest: str, value: V, now: datetime) -> None:
        if self._ttl <= timedelta(0):
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = _Entry(value, now + self._ttl)

    def forget(self, which: Callable[[V], bool]) -> None:
        with self._lock:
            for digest in [d for d, e in self._entries.items() if which(e.value)]:
                del self._entries[digest]
