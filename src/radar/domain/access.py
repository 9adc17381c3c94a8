"""Accounts, API tokens and the principal behind a request. Pure data and rules.

Who may do what: a role grants permissions (``GRANTS``); an API token may carry a subset of
its user's permissions (its scopes), and then grants only those. A restricted incident is
visible only to its participants and to admins (``may_see``), whatever the permissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class UserRole(StrEnum):
    ADMIN = "admin"
    RESPONDER = "responder"
    VIEWER = "viewer"


class Permission(StrEnum):
    """What a role grants, and what a token's scopes name."""

    READ = "read"  # incidents, the policy, plans, alerts
    REPORT = "report"  # declare an incident (viewers too, when RADAR_VIEWERS_MAY_REPORT)
    RESPOND = "respond"  # acknowledge, update, resolve, assign, change severity, add people
    ADMIN = "admin"  # the policy, users, tokens of others, integration keys, the audit log


GRANTS: dict[UserRole, frozenset[Permission]] = {
    UserRole.VIEWER: frozenset({Permission.READ}),
    UserRole.RESPONDER: frozenset({Permission.READ, Permission.REPORT, Permission.RESPOND}),
    UserRole.ADMIN: frozenset(Permission),
}


def parse_scopes(text: str | Iterable[str] | None) -> frozenset[Permission] | None:
    """Scopes from ``read,respond`` (or a list); None or empty means all of the role's.
    ``ValueError`` names an unknown scope."""
    if text is None:
        return None
    names = text.split(",") if isinstance(text, str) else list(text)
    cleaned = [n.strip() for n in names if n.strip()]
    if not cleaned:
        return None
    known = {p.value: p for p in Permission}
    unknown = [n for n in cleaned if n not in known]
    if unknown:
        raise ValueError(
            f"unknown scope {unknown[0]!r}; scopes are {', '.join(p.value for p in Permission)}"
        )
    return frozenset(known[n] for n in cleaned)


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
    scopes: frozenset[Permission] | None = None  # None: everything its user's role grants

    def usable_at(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True)
class Principal:
    """Who is making a request: the user, the token they used (None for a web session or a
    local admin), and that token's scopes (None: all the role grants)."""

    user: User
    token_id: int | None = None
    scopes: frozenset[Permission] | None = None
    viewers_may_report: bool = False

    @property
    def name(self) -> str:
        return self.user.display_name or self.user.username

    @property
    def is_admin(self) -> bool:
        return self.may(Permission.ADMIN)

    def may(self, permission: Permission) -> bool:
        granted = GRANTS[self.user.role]
        if permission is Permission.REPORT and self.viewers_may_report:
            granted = granted | {Permission.REPORT}
        if permission not in granted:
            return False
        return self.scopes is None or permission in self.scopes

    @property
    def can_write(self) -> bool:
        return self.may(Permission.RESPOND)

    def may_see(self, restricted: bool, participants: Iterable[str]) -> bool:
        """A restricted incident is seen by admins and by its participants (usernames)."""
        if not restricted or self.is_admin:
            return True
        return self.user.username in participants
