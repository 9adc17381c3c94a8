"""Users and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from radar.domain.access import ApiToken, Permission, User, UserRole, parse_scopes
from radar.domain.errors import Conflict, NotFound
from radar.store.tables import ApiTokenRow, UserRow

_TOKENS: Table = ApiTokenRow.__table__  # type: ignore[assignment]
_USERS: Table = UserRow.__table__  # type: ignore[assignment]
_TOKEN_BY_HASH = (
    select(
        _TOKENS,
        _USERS.c.username,
        _USERS.c.display_name,
        _USERS.c.role,
        _USERS.c.disabled_at,
    )
    .join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.token_hash == bindparam("hash"))
)


def user_of(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=UserRole(row.role),
        disabled=row.disabled_at is not None,
    )


def _token(row: ApiTokenRow | Row[Any]) -> ApiToken:
    """From an ORM row or a Core row with the same column names."""
    return ApiToken(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        scopes=parse_scopes(row.scopes),
    )


def _scopes_text(scopes: frozenset[Permission] | None) -> str | None:
    """Stored as ``read,respond`` (sorted); NULL for all the role grants."""
    return ",".join(sorted(p.value for p in scopes)) if scopes else None


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count_users(self) -> int:
        return self.session.scalar(select(func.count()).select_from(UserRow)) or 0

    def add_user(
        self,
        *,
        username: str,
        display_name: str,
        role: UserRole,
        password_hash: str | None,
        now: datetime,
    ) -> User:
        if self.session.scalar(select(UserRow.id).where(UserRow.username == username)):
            raise Conflict(f"a user named {username!r} already exists", field="username")
        row = UserRow(
            username=username,
            display_name=display_name,
            role=role.value,
            password_hash=password_hash,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return user_of(row)

    def users(self) -> list[User]:
        return [user_of(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.id))]

    def users_created(self) -> list[tuple[User, datetime]]:
        """Every user with when it was made, oldest first."""
        rows = self.session.scalars(select(UserRow).order_by(UserRow.id))
        return [(user_of(r), r.created_at) for r in rows]

    def user_by_name(self, username: str) -> User:
        return user_of(self._row(username))

    def _row(self, username: str, *, for_update: bool = False) -> UserRow:
        stmt = select(UserRow).where(UserRow.username == username)
        row = self.session.scalars(stmt.with_for_update() if for_update else stmt).first()
        if row is None:
            raise NotFound(f"no user named {username!r}", field="username")
        return row

    def active_admins(self) -> list[str]:
        """Usernames of the enabled admins, their rows locked (PostgreSQL) until the transaction
        ends, so that two changes at once cannot both remove "the other" admin."""
        stmt = (
            select(UserRow.username)
            .where(UserRow.role == UserRole.ADMIN.value, UserRow.disabled_at.is_(None))
            .order_by(UserRow.id)
            .with_for_update()
        )
        return list(self.session.scalars(stmt))

    def set_disabled(self, username: str, disabled_at: datetime | None) -> User:
        """Disable (``disabled_at``) or enable (None); disabling twice keeps the first time."""
        row = self._row(username, for_update=True)
        if disabled_at is None or row.disabled_at is None:
            row.disabled_at = disabled_at
        self.session.flush()
        return user_of(row)

    def set_role(self, username: str, role: UserRole) -> User:
        row = self._row(username, for_update=True)
        row.role = role.value
        self.session.flush()
        return user_of(row)

    def add_user_if_absent(
        self, *, username: str, display_name: str, role: UserRole, now: datetime
    ) -> None:
        """Add a user without a password unless one named ``username`` exists; two processes
        adding the same name at once add it once (the unique name decides)."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        row = {
            "username": username,
            "display_name": display_name,
            "role": role.value,
            "password_hash": None,
            "created_at": now,
        }
        self.session.execute(dialect.insert(_USERS).values(row).on_conflict_do_nothing())

    def locked_user(self, username: str) -> tuple[User, bool] | None:
        """The user named ``username``, its row locked (PostgreSQL) until the transaction ends,
        and whether it has a password; None when there is no such user."""
        stmt = select(UserRow).where(UserRow.username == username).with_for_update()
        row = self.session.scalars(stmt).first()
        return None if row is None else (user_of(row), row.password_hash is not None)

    def set_profile(self, username: str, display_name: str, role: UserRole) -> User:
        """A user's display name and role, as another system says they are now."""
        row = self._row(username, for_update=True)
        row.display_name = display_name
        row.role = role.value
        self.session.flush()
        return user_of(row)

    def password_hash(self, user_id: int) -> str | None:
        return self.session.scalar(select(UserRow.password_hash).where(UserRow.id == user_id))

    def set_password(self, user_id: int, password_hash: str) -> None:
        stmt = update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        self.session.execute(stmt)

    def add_token(
        self,
        *,
        user_id: int,
        name: str,
        token_hash: str,
        prefix: str,
        now: datetime,
        expires_at: datetime | None,
        scopes: frozenset[Permission] | None = None,
    ) -> ApiToken:
        row = ApiTokenRow(
            user_id=user_id,
            name=name,
            token_hash=token_hash,
            prefix=prefix,
            created_at=now,
            expires_at=expires_at,
            scopes=_scopes_text(scopes),
        )
        self.session.add(row)
        self.session.flush()
        return _token(row)

    def token_by_hash(self, token_hash: str) -> tuple[ApiToken, User] | None:
        """Every API request asks this, so it is one prebuilt Core query, not an ORM load."""
        row = self.session.execute(_TOKEN_BY_HASH, {"hash": token_hash}).first()
        if row is None:
            return None
        user = User(
            id=row.user_id,
            username=row.username,
            display_name=row.display_name,
            role=UserRole(row.role),
            disabled=row.disabled_at is not None,
        )
        return _token(row), user

    def touch_token(self, token_id: int, now: datetime) -> None:
        stmt = update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=now)
        self.session.execute(stmt)

    def tokens(self, user_id: int | None = None) -> list[ApiToken]:
        stmt = select(ApiTokenRow).order_by(ApiTokenRow.id)
        if user_id is not None:
            stmt = stmt.where(ApiTokenRow.user_id == user_id)
        return [_token(r) for r in self.session.scalars(stmt)]

    def revoke_token(self, token_id: int, now: datetime) -> None:
        row = self.session.get(ApiTokenRow, token_id)
        if row is None:
            raise NotFound(f"no token {token_id}", field="token")
        if row.revoked_at is None:
            row.revoked_at = now
