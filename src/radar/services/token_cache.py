"""A short-lived, in-process memory of tokens already checked, so that a client sending many
requests is not looked up in the database every time.

Entries live ``ttl`` (default 5 s). Expiry is still checked on every use, and a revocation made
in this process takes effect at once; a revocation made by another process takes effect within
``ttl``. Keys are token digests, never the secrets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from radar.domain.access import ApiToken, User

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class _Entry:
    token: ApiToken
    user: User
    until: datetime


class TokenCache:
    def __init__(self, ttl: timedelta) -> None:
        self._ttl = ttl
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, now: datetime) -> tuple[ApiToken, User] | None:
        with self._lock:
            entry = self._entries.get(digest)
        if entry is None or now >= entry.until:
            return None
        return entry.token, entry.user

    def put(self, digest: str, token: ApiToken, user: User, now: datetime) -> None:
        if self._ttl <= timedelta(0):
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = _Entry(token, user, now + self._ttl)

    def forget(self, token_id: int) -> None:
        with self._lock:
            for digest in [d for d, e in self._entries.items() if e.token.id == token_id]:
                del self._entries[digest]
