"""Accounts and API tokens: the first admin, new tokens, and who a bearer token belongs to.

Tokens are 256 random bits, shown once, stored as a SHA-256 digest (a digest of a random secret
needs no slow hash); passwords use argon2.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher

from radar.clock import Clock
from radar.domain.access import ApiToken, Principal, User, UserRole
from radar.domain.errors import InvalidInput, Unauthenticated
from radar.services.digest_cache import DigestCache
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

TOKEN_PREFIX = "radar_"  # noqa: S105 (a public marker, not a secret)
LAST_USED_RESOLUTION = timedelta(minutes=1)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class NewToken:
    """A freshly made token. ``secret`` exists only here: Radar keeps only its digest."""

    token: ApiToken
    secret: str


@dataclass(frozen=True)
class BootstrapResult:
    user: User
    password: str
    token: NewToken


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class AccountService:
    def __init__(
        self, uow: UnitOfWorkProvider, clock: Clock, token_cache_ttl: timedelta = timedelta(0)
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = PasswordHasher()
        self._cache: DigestCache[tuple[ApiToken, User]] = DigestCache(token_cache_ttl)

    def bootstrap_admin(self, username: str) -> BootstrapResult | None:
        """Create the first admin with a random password and a token, only if no user exists."""
        with self._uow(write=True) as uow:
            if uow.accounts.count_users() > 0:
                return None
            password = secrets.token_urlsafe(18)
            user = uow.accounts.add_user(
                username=_username(username),
                display_name=username,
                role=UserRole.ADMIN,
                password_hash=self._hasher.hash(password),
                now=self._clock.now(),
            )
            token = self._new_token(uow, user.id, "bootstrap", None)
            uow.commit()
        return BootstrapResult(user=user, password=password, token=token)

    def create_user(
        self, username: str, *, role: UserRole, display_name: str = "", password: str | None = None
    ) -> User:
        with self._uow(write=True) as uow:
            user = uow.accounts.add_user(
                username=_username(username),
                display_name=display_name.strip() or username,
                role=role,
                password_hash=self._hasher.hash(password) if password else None,
                now=self._clock.now(),
            )
            uow.commit()
        return user

    def create_token(
        self, username: str, *, name: str, expires_in: timedelta | None = None
    ) -> NewToken:
        label = name.strip()
        if not 1 <= len(label) <= 100:
            raise InvalidInput("a token name of 1 to 100 characters is required", field="name")
        expires_at = self._clock.now() + expires_in if expires_in else None
        with self._uow(write=True) as uow:
            user = uow.accounts.user_by_name(username)
            token = self._new_token(uow, user.id, label, expires_at)
            uow.commit()
        return token

    def tokens(self, username: str | None = None) -> list[tuple[ApiToken, str]]:
        """Tokens (never their secrets) with the username they belong to."""
        with self._uow() as uow:
            users = {u.id: u.username for u in uow.accounts.users()}
            owner = uow.accounts.user_by_name(username).id if username else None
            return [(t, users[t.user_id]) for t in uow.accounts.tokens(owner)]

    def revoke_token(self, token_id: int) -> None:
        """Revoke at once; revoking twice is harmless."""
        with self._uow(write=True) as uow:
            uow.accounts.revoke_token(token_id, self._clock.now())
            uow.commit()
        self._cache.forget(lambda found: found[0].id == token_id)

    def authenticate_cached(self, secret: str) -> Principal | None:
        """The principal if this token was checked moments ago (no I/O), else None."""
        now = self._clock.now()
        found = self._cache.get(token_digest(secret), now)
        return None if found is None else _principal(*found, now)

    def authenticate(self, secret: str) -> Principal:
        """The principal behind a bearer token; ``Unauthenticated`` for anything unusable."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            raise Unauthenticated("invalid API token")
        now = self._clock.now()
        digest = token_digest(secret)
        with self._uow() as uow:
            found = uow.accounts.token_by_hash(digest)
        if found is None:
            raise Unauthenticated("invalid API token")
        token, user = found
        principal = _principal(token, user, now)
        self._cache.put(digest, (token, user), now)
        last = token.last_used_at
        if last is None or now - last >= LAST_USED_RESOLUTION:
            with self._uow(write=True) as uow:
                uow.accounts.touch_token(token.id, now)
                uow.commit()
        return principal

    def _new_token(
        self, uow: UnitOfWork, user_id: int, name: str, expires_at: datetime | None
    ) -> NewToken:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = uow.accounts.add_token(
            user_id=user_id,
            name=name,
            token_hash=token_digest(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            now=self._clock.now(),
            expires_at=expires_at,
        )
        return NewToken(token=token, secret=secret)


def _principal(token: ApiToken, user: User, now: datetime) -> Principal:
    """Checked on every use, cached or not: expiry, revocation, a disabled account."""
    if not token.usable_at(now):
        raise Unauthenticated("this API token has expired or was revoked")
    if user.disabled:
        raise Unauthenticated("this account is disabled")
    return Principal(user=user, token_id=token.id)


def _username(raw: str) -> str:
    name = raw.strip().lower()
    if not USERNAME.match(name):
        raise InvalidInput(
            "a username is 1 to 100 characters: lowercase letters, digits, '.', '_' or '-'",
            field="username",
        )
    return name
