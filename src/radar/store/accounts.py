"""Users and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from radar.domain.access import ApiToken, User, UserRole
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
    )


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

    def user_by_name(self, username: str) -> User:
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        if row is None:
            raise NotFound(f"no user named {username!r}", field="username")
        return user_of(row)

    def add_token(
        self,
        *,
        user_id: int,
        name: str,
        token_hash: str,
        prefix: str,
        now: datetime,
        expires_at: datetime | None,
    ) -> ApiToken:
        row = ApiTokenRow(
            user_id=user_id,
            name=name,
            token_hash=token_hash,
            prefix=prefix,
            created_at=now,
            expires_at=expires_at,
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
