"""Accounts and API tokens: the first admin, users and their roles, new tokens, and who a bearer
token belongs to.

Tokens are 256 random bits, shown once, stored as a SHA-256 digest (a digest of a random secret
needs no slow hash); passwords use argon2. A token may carry scopes: a subset of what its user's
role grants, and then it grants only those.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher

from radar.clock import Clock
from radar.domain.access import (
    GRANTS,
    ApiToken,
    Permission,
    Principal,
    User,
    UserRole,
    parse_scopes,
)
from radar.domain.errors import Conflict, InvalidInput, Unauthenticated
from radar.services.digest_cache import DigestCache
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

TOKEN_PREFIX = "radar_"  # noqa: S105 (a public marker, not a secret)
LAST_USED_RESOLUTION = timedelta(minutes=1)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1000


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


@dataclass(frozen=True)
class Account:
    """A user as `radar user list` shows it."""

    user: User
    created_at: datetime


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_password(password: str, field: str = "password") -> str:
    """A password people may choose: ``InvalidInput`` naming ``field`` otherwise."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"use at least {MIN_PASSWORD} characters", field=field)
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"use at most {MAX_PASSWORD} characters", field=field)
    return password


class AccountService:
    def __init__(
        self,
        uow: UnitOfWorkProvider,
        clock: Clock,
        token_cache_ttl: timedelta = timedelta(0),
        *,
        viewers_may_report: bool = True,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._hasher = PasswordHasher()
        self._cache: DigestCache[tuple[ApiToken, User]] = DigestCache(token_cache_ttl)
        self._viewers_may_report = viewers_may_report

    def bootstrap_admin(self, username: str) -> BootstrapResult | None:
        """Create the first admin with a random password and a token, only if no user exists."""
        with self._uow(write=True) as uow:
            if uow.accounts.count_users() > 0:
                return None
            password = secrets.token_urlsafe(18)
            user = uow.accounts.add_user(
                username=check_username(username),
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
        hashed = self._hasher.hash(check_password(password)) if password else None
        with self._uow(write=True) as uow:
            user = uow.accounts.add_user(
                username=check_username(username),
                display_name=display_name.strip() or username,
                role=role,
                password_hash=hashed,
                now=self._clock.now(),
            )
            uow.commit()
        return user

    def user(self, username: str) -> User:
        """``NotFound`` when there is no such user."""
        with self._uow() as uow:
            return uow.accounts.user_by_name(_known(username))

    def users(self) -> list[Account]:
        with self._uow() as uow:
            return [Account(u, created) for u, created in uow.accounts.users_created()]

    def disable_user(self, username: str) -> User:
        """Disable an account: its web sessions end and its tokens stop working, at once.
        The last active admin cannot be disabled."""
        with self._uow(write=True) as uow:
            name = _known(username)
            self._keep_an_admin(uow, uow.accounts.user_by_name(name), "disable")
            user = uow.accounts.set_disabled(name, self._clock.now())
            uow.sessions.remove_for_user(user.id)
            uow.commit()
        self._forget_user(user.id)
        return user

    def enable_user(self, username: str) -> User:
        with self._uow(write=True) as uow:
            user = uow.accounts.set_disabled(_known(username), None)
            uow.commit()
        return user

    def set_role(self, username: str, role: UserRole) -> User:
        """Change a user's role; their tokens and sessions carry the new one from the next
        request. The last active admin cannot be demoted."""
        with self._uow(write=True) as uow:
            name = _known(username)
            if role is not UserRole.ADMIN:
                self._keep_an_admin(uow, uow.accounts.user_by_name(name), "demote")
            user = uow.accounts.set_role(name, role)
            uow.commit()
        self._forget_user(user.id)
        return user

    def reset_password(self, username: str, password: str | None = None) -> str:
        """Set a user's password (a random one when None, returned to be shown once); their
        web sessions end. Their API tokens keep working."""
        chosen = check_password(password) if password is not None else secrets.token_urlsafe(18)
        hashed = self._hasher.hash(chosen)
        with self._uow(write=True) as uow:
            user = uow.accounts.user_by_name(_known(username))
            uow.accounts.set_password(user.id, hashed)
            uow.sessions.remove_for_user(user.id)
            uow.commit()
        return chosen

    def create_token(
        self,
        username: str,
        *,
        name: str,
        expires_in: timedelta | None = None,
        scopes: str | Iterable[str] | None = None,
    ) -> NewToken:
        """A new token for ``username``. ``scopes`` (``read,respond`` or a list) must be within
        what the user's role grants; None gives the token everything the role grants."""
        label = name.strip()
        if not 1 <= len(label) <= 100:
            raise InvalidInput("a token name of 1 to 100 characters is required", field="name")
        try:
            wanted = parse_scopes(scopes)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="scopes") from None
        expires_at = self._clock.now() + expires_in if expires_in else None
        with self._uow(write=True) as uow:
            user = uow.accounts.user_by_name(username)
            self._check_scopes(user, wanted)
            token = self._new_token(uow, user.id, label, expires_at, wanted)
            uow.commit()
        return token

    def tokens(self, username: str | None = None) -> list[tuple[ApiToken, str]]:
        """Tokens (never their secrets) with the username they belong to."""
        return [(t, owner.username) for t, owner in self.tokens_with_owners(username)]

    def tokens_with_owners(self, username: str | None = None) -> list[tuple[ApiToken, User]]:
        """Tokens (never their secrets) with the user they belong to."""
        with self._uow() as uow:
            users = {u.id: u for u in uow.accounts.users()}
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
        return None if found is None else self._principal(*found, now)

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
        principal = self._principal(token, user, now)
        self._cache.put(digest, (token, user), now)
        last = token.last_used_at
        if last is None or now - last >= LAST_USED_RESOLUTION:
            with self._uow(write=True) as uow:
                uow.accounts.touch_token(token.id, now)
                uow.commit()
        return principal

    def _principal(self, token: ApiToken, user: User, now: datetime) -> Principal:
        """Checked on every use, cached or not: expiry, revocation, a disabled account."""
        if not token.usable_at(now):
            raise Unauthenticated("this API token has expired or was revoked")
        if user.disabled:
            raise Unauthenticated("this account is disabled")
        return Principal(
            user=user,
            token_id=token.id,
            scopes=token.scopes,
            viewers_may_report=self._viewers_may_report,
        )

    def _check_scopes(self, user: User, scopes: frozenset[Permission] | None) -> None:
        granted = GRANTS[user.role]
        if self._viewers_may_report:
            granted = granted | {Permission.REPORT}
        beyond = sorted(p.value for p in (scopes or frozenset()) - granted)
        if beyond:
            allowed = ", ".join(sorted(p.value for p in granted))
            raise InvalidInput(
                f"scope {beyond[0]!r} is more than the {user.role.value} role of "
                f"{user.username} grants ({allowed})",
                field="scopes",
            )

    def _keep_an_admin(self, uow: UnitOfWork, user: User, action: str) -> None:
        """Refuse to leave Radar without an enabled admin."""
        active_admin = user.role is UserRole.ADMIN and not user.disabled
        if active_admin and uow.accounts.active_admins() == [user.username]:
            raise Conflict(
                f"{user.username} is the last active admin; make another user an admin "
                f"before you {action} {user.username}",
                field="username",
            )

    def _forget_user(self, user_id: int) -> None:
        """Remembered tokens of this user are checked again on their next use."""
        self._cache.forget(lambda found: found[1].id == user_id)

    def _new_token(
        self,
        uow: UnitOfWork,
        user_id: int,
        name: str,
        expires_at: datetime | None,
        scopes: frozenset[Permission] | None = None,
    ) -> NewToken:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = uow.accounts.add_token(
            user_id=user_id,
            name=name,
            token_hash=token_digest(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            now=self._clock.now(),
            expires_at=expires_at,
            scopes=scopes,
        )
        return NewToken(token=token, secret=secret)


def _known(raw: str) -> str:
    """A username as people type it, to look up: names are stored lower-case."""
    return raw.strip().lower()


def check_username(raw: str) -> str:
    """A username people may have, lower-cased: ``InvalidInput`` on ``username`` otherwise."""
    name = raw.strip().lower()
    if not USERNAME.match(name):
        raise InvalidInput(
            "a username is 1 to 100 characters: lowercase letters, digits, '.', '_' or '-'",
            field="username",
        )
    return name
