"""Signing in to the web UI: a password checked with argon2 gives a server-side session.

The browser keeps a random 256-bit secret in an HttpOnly cookie; Radar keeps only its SHA-256
digest, with the user, an expiry and the session's CSRF token, which every form must send back.
Signing out deletes the row, so a copied cookie stops working at once.

Failed sign-ins are counted per username and per source address, in the database so that every
process counts them together: after ``LIMITS`` failures within ``WINDOW``, that key is refused
for ``LOCKOUT`` without the password being checked, whether the username exists or not.

Single sign-on (``sign_in_external``) starts the same kind of session for a person another system
vouched for: their account is made on first sign-in, and their display name and role follow
what that system says at every sign-in. ``seal`` and ``unseal`` sign the short-lived state such
a sign-in keeps in the browser meanwhile, with a key Radar keeps in ``server_secrets``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from radar.clock import Clock
from radar.domain.access import Principal, User, UserRole
from radar.domain.errors import Forbidden, InvalidInput, Unauthenticated
from radar.services.accounts import check_password, check_username
from radar.store.throttle import Failures
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

LIFETIME = timedelta(hours=12)
WRONG = "wrong username or password"
WINDOW = timedelta(minutes=15)  # failures further apart than this are not counted together
LOCKOUT = timedelta(minutes=15)
LIMITS = {"user": 5, "ip": 20}  # failures within WINDOW that lock the key
SEAL_KEY = "signin_state"  # the server_secrets row that signs sealed sign-in state
SEAL_SKEW = timedelta(minutes=1)  # another process's clock may be this far ahead
DISABLED = "this account is disabled"
# Checked when the username is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY = PasswordHasher().hash(secrets.token_urlsafe(16))


class TooManySignIns(Unauthenticated):
    """Sign-ins for this username or from this address are refused for a while."""

    code = "too_many_sign_ins"

    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        minutes = math.ceil(seconds / 60)
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(f"Too many failed sign-ins; try again in {minutes} {unit}.")
        self.retry_after = seconds


@dataclass(frozen=True)
class WebSession:
    secret: str  # the cookie's value; only here, right after signing in
    principal: Principal
    csrf: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _user_key(username: str) -> str:
    return "user:" + username[:190]


def _keys(username: str, address: str) -> list[str]:
    return [_user_key(username)] + (["ip:" + address[:190]] if address else [])


def after_failure(count: Failures, now: datetime, limit: int) -> Failures:
    """The count once one more failure is added: a new count when the last one has lapsed,
    and a lock once ``limit`` failures fall within ``WINDOW``."""
    lapsed = now - count.first_failed_at >= WINDOW or (
        count.locked_until is not None and count.locked_until <= now
    )
    failures = 1 if lapsed else count.failures + 1
    first = now if lapsed else count.first_failed_at
    return Failures(failures, first, now + LOCKOUT if failures >= limit else None)


class SessionService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        lifetime: timedelta = LIFETIME,
        *,
        viewers_may_report: bool = True,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._lifetime = lifetime
        self._hasher = PasswordHasher()
        self._viewers_may_report = viewers_may_report
        self._seal_key: bytes | None = None
        self._lock = threading.Lock()

    def sign_in(self, username: str, password: str, address: str = "") -> WebSession:
        """A new session, or ``Unauthenticated`` (``TooManySignIns`` while throttled).
        ``address`` is where the attempt comes from; empty when unknown."""
        name = username.strip().lower()
        keys = _keys(name, address)
        now = self._clock.now()
        with self._uow() as uow:
            _refuse_if_locked(uow, keys, now)
            found = uow.sessions.password_hash(name)
        user, stored = found if found else (None, None)
        if not self._verify(stored, password) or user is None or user.disabled:
            self._failed(keys, now)
            raise Unauthenticated(WRONG)
        secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._uow(write=True) as uow:
            uow.throttle.clear(keys[0])
            uow.sessions.add(_digest(secret), user.id, csrf, now, now + self._lifetime)
            uow.commit()
        return WebSession(secret, self._principal(user), csrf)

    def sign_in_external(self, username: str, display_name: str, role: UserRole) -> WebSession:
        """A new session for a person another system (single sign-on) vouched for. Their
        account is made on first sign-in, without a password; later sign-ins set its display
        name and role again, so a role taken away there is taken away here. Refused: a disabled
        account (``Forbidden``), an account that signs in with a password (``Forbidden``: the
        other system may not take it over), a name Radar does not allow (``InvalidInput``)."""
        name = check_username(username)
        shown = (display_name.strip() or name)[:200]
        now = self._clock.now()
        secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._uow(write=True) as uow:
            found = uow.accounts.locked_user(name)
            if found is None:
                uow.accounts.add_user_if_absent(
                    username=name, display_name=shown, role=role, now=now
                )
                found = uow.accounts.locked_user(name)
                assert found is not None  # added just now, or by another process meanwhile
            user, has_password = found
            if user.disabled:
                raise Forbidden(DISABLED)
            if has_password:
                raise Forbidden(
                    f"{name} is an account that signs in with a password; sign in with it below"
                )
            user = uow.accounts.set_profile(name, shown, role)
            uow.sessions.add(_digest(secret), user.id, csrf, now, now + self._lifetime)
            uow.commit()
        return WebSession(secret, self._principal(user), csrf)

    def seal(self, data: Mapping[str, str]) -> str:
        """``data`` and the time now, signed (HMAC-SHA256) with a key Radar keeps in the
        database, so that any process can ``unseal`` it. Not encrypted: put no secret in it
        that the browser holding it may not see."""
        body = {"d": dict(data), "t": self._clock.now().timestamp()}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{_b64(self._sign(payload))}"

    def unseal(self, sealed: str, max_age: timedelta) -> dict[str, str] | None:
        """What ``seal`` signed, if the signature holds and it is at most ``max_age`` old."""
        payload, _, signature = sealed.partition(".")
        try:
            valid = hmac.compare_digest(_unb64(signature), self._sign(payload))
            body = json.loads(_unb64(payload)) if valid else None
        except (ValueError, binascii.Error):
            return None
        if not isinstance(body, dict) or not isinstance(body.get("d"), dict):
            return None
        age = self._clock.now().timestamp() - float(body.get("t", 0))
        if not -SEAL_SKEW.total_seconds() <= age <= max_age.total_seconds():
            return None
        return {str(k): str(v) for k, v in body["d"].items()}

    def _sign(self, payload: str) -> bytes:
        with self._lock:
            key = self._seal_key
            if key is None:
                with self._uow(write=True) as uow:
                    key = uow.secrets.get_or_create(SEAL_KEY, self._clock.now()).encode()
                    uow.commit()
                self._seal_key = key
        return hmac.new(key, payload.encode(), hashlib.sha256).digest()

    def find(self, secret: str) -> WebSession | None:
        """The session this cookie opens, if it is still valid."""
        if not secret:
            return None
        with self._uow() as uow:
            found = uow.sessions.find(_digest(secret), self._clock.now())
        if found is None or found[0].disabled:
            return None
        return WebSession(secret, self._principal(found[0]), found[1])

    def sign_out(self, secret: str) -> None:
        with self._uow(write=True) as uow:
            uow.sessions.remove(_digest(secret), self._clock.now())
            uow.commit()

    def change_password(self, session: WebSession, current: str, new: str) -> None:
        """The signed-in user's new password; every other session of theirs ends. A wrong
        current password counts as a failed sign-in (``InvalidInput`` on ``current_password``)."""
        user = session.principal.user
        check_password(new, "new_password")
        key = _user_key(user.username)
        now = self._clock.now()
        with self._uow() as uow:
            _refuse_if_locked(uow, [key], now)
            stored = uow.accounts.password_hash(user.id)
        if not self._verify(stored, current):
            self._failed([key], now)
            raise InvalidInput("the current password is wrong", field="current_password")
        if new == current:
            raise InvalidInput("choose a password you have not been using", field="new_password")
        hashed = self._hasher.hash(new)
        with self._uow(write=True) as uow:
            uow.accounts.set_password(user.id, hashed)
            uow.sessions.remove_for_user(user.id, keep=_digest(session.secret))
            uow.throttle.clear(key)
            uow.commit()

    def _verify(self, stored: str | None, password: str) -> bool:
        """Always one argon2 verification, against the dummy hash when there is nothing stored,
        so that an unknown username takes as long as a wrong password."""
        try:
            self._hasher.verify(stored or _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return False
        return stored is not None

    def _failed(self, keys: Sequence[str], now: datetime) -> None:
        with self._uow(write=True) as uow:
            uow.throttle.sweep(now - WINDOW, now)
            for key in sorted(keys):  # one order everywhere: no deadlock between two processes
                limit = LIMITS[key.partition(":")[0]]
                uow.throttle.save(key, after_failure(uow.throttle.claim(key, now), now, limit))
            uow.commit()

    def _principal(self, user: User) -> Principal:
        return Principal(user, viewers_may_report=self._viewers_may_report)


def _refuse_if_locked(uow: UnitOfWork, keys: Sequence[str], now: datetime) -> None:
    until = uow.throttle.locked_until(keys, now)
    if until is not None:
        raise TooManySignIns(until - now)
