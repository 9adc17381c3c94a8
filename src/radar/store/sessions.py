"""Web sessions: add, find (with their user), and end them (one, or all of a user's)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from radar.domain.access import User
from radar.store.accounts import user_of
from radar.store.tables import UserRow, WebSessionRow


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, digest: str, user_id: int, csrf: str, now: datetime, expires: datetime) -> None:
        self.session.add(
            WebSessionRow(
                digest=digest, user_id=user_id, csrf=csrf, created_at=now, expires_at=expires
            )
        )

    def find(self, digest: str, now: datetime) -> tuple[User, str] | None:
        """The user and CSRF token of an unexpired session."""
        stmt = (
            select(UserRow, WebSessionRow.csrf)
            .join(WebSessionRow, WebSessionRow.user_id == UserRow.id)
            .where(WebSessionRow.digest == digest, WebSessionRow.expires_at > now)
        )
        row = self.session.execute(stmt).first()
        return (user_of(row[0]), row[1]) if row else None

    def password_hash(self, username: str) -> tuple[User, str | None] | None:
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return (user_of(row), row.password_hash) if row else None

    def remove(self, digest: str, now: datetime) -> None:
        """End this session, and forget every expired one."""
        self.session.execute(
            delete(WebSessionRow).where(
                (WebSessionRow.digest == digest) | (WebSessionRow.expires_at <= now)
            )
        )

    def remove_for_user(self, user_id: int, keep: str | None = None) -> None:
        """End every session of this user but the one whose digest is ``keep``."""
        stmt = delete(WebSessionRow).where(WebSessionRow.user_id == user_id)
        if keep is not None:
            stmt = stmt.where(WebSessionRow.digest != keep)
        self.session.execute(stmt)
