"""Signing in to the web UI: a password checked with argon2 gives a server-side session.

The browser keeps a random 256-bit secret in an HttpOnly cookie; Radar keeps only its SHA-256
digest, with the user, an expiry and the session's CSRF token, which every form must send back.
Signing out deletes the row, so a copied cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from radar.clock import Clock
from radar.domain.access import Principal
from radar.domain.errors import Unauthenticated
from radar.store.uow import UnitOfWorkProvider

LIFETIME = timedelta(hours=12)
WRONG = "wrong username or password"
# Checked when the username is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY = PasswordHasher().hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class WebSession:
    secret: str  # the cookie's value; only here, right after signing in
    principal: Principal
    csrf: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SessionService:
    def __init__(self, uow: UnitOfWorkProvider, clock: Clock, lifetime: timedelta = LIFETIME):
        self._uow = uow
        self._clock = clock
        self._lifetime = lifetime
        self._hasher = PasswordHasher()

    def sign_in(self, username: str, password: str) -> WebSession:
        name = username.strip().lower()
        with self._uow() as uow:
            found = uow.sessions.password_hash(name)
        user, stored = found if found else (None, None)
        try:
            self._hasher.verify(stored or _DUMMY, password)
        except (VerificationError, InvalidHashError):
            raise Unauthenticated(WRONG) from None
        if user is None or stored is None or user.disabled:
            raise Unauthenticated(WRONG)
        secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            uow.sessions.add(_digest(secret), user.id, csrf, now, now + self._lifetime)
            uow.commit()
        return WebSession(secret, Principal(user), csrf)

    def find(self, secret: str) -> WebSession | None:
        """The session this cookie opens, if it is still valid."""
        if not secret:
            return None
        with self._uow() as uow:
            found = uow.sessions.find(_digest(secret), self._clock.now())
        if found is None or found[0].disabled:
            return None
        return WebSession(secret, Principal(found[0]), found[1])

    def sign_out(self, secret: str) -> None:
        with self._uow(write=True) as uow:
            uow.sessions.remove(_digest(secret), self._clock.now())
            uow.commit()
