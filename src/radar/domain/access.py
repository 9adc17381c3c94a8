"""Accounts, API tokens and the principal behind a request. Pure data and rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class UserRole(StrEnum):
    ADMIN = "admin"
    RESPONDER = "responder"
    VIEWER = "viewer"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: UserRole
    disabled: bool = False


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable_at(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True)
class Principal:
    """Who is making a request: the user, and the token they used (None for a local admin)."""

    user: User
    token_id: int | None = None

    @property
    def name(self) -> str:
        return self.user.display_name or self.user.username

    @property
    def can_write(self) -> bool:
        return self.user.role in (UserRole.ADMIN, UserRole.RESPONDER)
