"""ORM rows. Each class mirrors one table; domain types are built from them in the repositories."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite has no 64-bit autoincrement type other than INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    scopes: Mapped[str | None] = mapped_column(String(100))  # "read,respond"; NULL: the role's


class PolicyVersionRow(Base):
    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_status_id", "status", "id"),
        Index("ix_incidents_service_id", "service", "id"),
        Index("ix_incidents_severity_id", "severity", "id"),
        # The dashboard's "resolved in the last 24 hours": a walk back from now.
        Index("ix_incidents_resolved_at", "resolved_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    service: Mapped[str] = mapped_column(String(63))
    severity: Mapped[str] = mapped_column(String(63))
    status: Mapped[str] = mapped_column(String(20))
    reporter: Mapped[str] = mapped_column(String(200))
    restricted: Mapped[bool] = mapped_column(Boolean)
    drill: Mapped[bool] = mapped_column(Boolean)
    declared_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_via: Mapped[str | None] = mapped_column(String(20))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    ticket_url: Mapped[str | None] = mapped_column(String(2000))
    # When people last posted an update: an incident being worked on gets upgrades proposed.
    last_update_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # False once a person moved it to a less severe level with a reason: Radar stops upgrading.
    auto_upgrade: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # An upgrade Radar proposed to the commander, waiting for an answer.
    proposed_severity: Mapped[str | None] = mapped_column(String(63))
    proposed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    roles: Mapped[list[IncidentRoleRow]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="IncidentRoleRow.role"
    )


class IncidentRoleRow(Base):
    __tablename__ = "incident_roles"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)
    assignee: Mapped[str] = mapped_column(String(200))


class TimelineEntryRow(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the first migration)."""

    __tablename__ = "timeline_entries"
    __table_args__ = (Index("ix_timeline_entries_incident_id_id", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    via: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(100))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(20))


class TimerRow(Base):
    """Something the engine must do for an incident at ``due_at`` (see ``domain.escalation``)."""

    __tablename__ = "timers"
    __table_args__ = (
        Index(
            "ix_timers_pending_due",
            "due_at",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
        Index("ix_timers_incident_id_state", "incident_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    generation: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(63))
    step: Mapped[int] = mapped_column(Integer)
    repeat: Mapped[int] = mapped_column(Integer)
    until_ack: Mapped[bool] = mapped_column(Boolean)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    planned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)


class NotificationRow(Base):
    """The outbox: one message to one target, written with the change that causes it.

    ``key`` is the natural key (incident, generation, timer kind, level, step, repeat, target)
    under a unique constraint, so a step can never notify the same target twice.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index(
            "ix_notifications_pending_next",
            "next_attempt_at",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
        Index("ix_notifications_incident_id_id", "incident_id", "id"),
        Index("ix_notifications_incident_id_target", "incident_id", "target"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    timer_id: Mapped[int | None] = mapped_column(ForeignKey("timers.id"))
    key: Mapped[str] = mapped_column(String(400), unique=True)
    target: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(String(300))
    channels: Mapped[str] = mapped_column(String(100))
    contacts: Mapped[str] = mapped_column(Text)  # JSON: channel -> address
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When a worker handed it to a channel and has not yet recorded the outcome: one taken over
    # with this set (its worker died mid-send) may already have reached its recipient.
    send_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    channel: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(Text)
    link_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # ``message``, or ``refresh``: bring an earlier Slack message up to date (``chat.update``).
    kind: Mapped[str] = mapped_column(String(12), server_default="message")
    provider_id: Mapped[str | None] = mapped_column(String(200))  # Slack ts, Twilio SID ...
    facts: Mapped[str] = mapped_column(Text, server_default="[]")  # JSON: [[name, value]]
    # The level it was decided for, checked again when it is sent; ``rank`` orders levels (0 is
    # the most severe) and ``urgent`` is never held behind a less severe level's send window.
    level: Mapped[str | None] = mapped_column(String(63))
    rank: Mapped[int | None] = mapped_column(Integer)
    urgent: Mapped[bool] = mapped_column(Boolean, server_default=false())
    until_ack: Mapped[bool] = mapped_column(Boolean, server_default=false())


class NotificationAttemptRow(Base):
    """Each try at a notification, and what the provider said later (a call answered, a key
    pressed): the delivery story shown on the incident."""

    __tablename__ = "notification_attempts"
    __table_args__ = (
        Index("ix_notification_attempts_notification_id_id", "notification_id", "id"),
        Index("ix_notification_attempts_provider_id", "provider_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(200))


class SendWindowRow(Base):
    """When a recipient on a channel was last sent to: at most one call per person per two
    minutes, one Slack message per channel per second. What piles up is sent as one bundle."""

    __tablename__ = "send_windows"

    key: Mapped[str] = mapped_column(String(600), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    rank: Mapped[int | None] = mapped_column(Integer)  # the level of what opened it


class ServerSecretRow(Base):
    """Secrets Radar makes for itself, shared by every process (the acknowledge-link key)."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A signed-in browser. The cookie holds a random secret; only its SHA-256 digest is kept."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_expires_at", "expires_at"),)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class IntegrationRow(Base):
    """An integration key: a monitoring tool's way in, for one service. Only its digest is kept."""

    __tablename__ = "integrations"
    __table_args__ = (Index("ix_integrations_heartbeat_due_at", "heartbeat_due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(63))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    per_minute: Mapped[int | None] = mapped_column(Integer)
    every_seconds: Mapped[int | None] = mapped_column(Integer)  # heartbeats: the ping interval
    mapping: Mapped[str | None] = mapped_column(String(63))  # generic: the policy's mapping id
    heartbeat_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # None once missed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AlertRow(Base):
    """An alert: one problem a tool reports under a dedup key, and what became of it."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "ux_alerts_open_key",
            "integration_id",
            "dedup_key",
            unique=True,
            postgresql_where=text("status != 'resolved'"),
            sqlite_where=text("status != 'resolved'"),
        ),
        Index("ix_alerts_service_grp_last_seen", "service", "grp", "last_seen"),
        Index("ix_alerts_incident_id", "incident_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"))
    service: Mapped[str] = mapped_column(String(63))
    dedup_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(1024))
    severity: Mapped[str] = mapped_column(String(63))
    source: Mapped[str] = mapped_column(String(1024))
    grp: Mapped[str] = mapped_column(String(1024))
    labels: Mapped[str] = mapped_column(Text)
    links: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    count: Mapped[int] = mapped_column(Integer)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class IncidentParticipantRow(Base):
    """Who may see a restricted incident besides admins: by username, so a person paged before
    they have an account sees it once they have one."""

    __tablename__ = "incident_participants"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    why: Mapped[str] = mapped_column(String(20))  # reporter, role, paged, added
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """One authenticated write (or refused attempt): who, when, from where, with which token."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    token_id: Mapped[int | None] = mapped_column(BigId)
    source_ip: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status: Mapped[int] = mapped_column(Integer)


class SigninThrottleRow(Base):
    """Failed sign-ins per username and per source address, shared by every server process."""

    __tablename__ = "signin_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # user:NAME or ip:ADDRESS
    failures: Mapped[int] = mapped_column(Integer)
    first_failed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SlackEventRow(Base):
    """An Events API event that acted (a reply in a card's thread acknowledged its incident):
    kept by Slack's ``event_id``, in the same transaction as what it did, so Slack's retries of
    that event act no more."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SlackChannelRow(Base):
    """An incident's own Slack channel, once Slack created it: which incident a message or a
    reaction in a channel is about, and where status updates are posted."""

    __tablename__ = "slack_channels"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StatusComponentRow(Base):
    """A state a person set for a status page component (a service), instead of the one its
    incidents imply (``domain.status.ComponentSetting``). Released: the row is gone."""

    __tablename__ = "status_components"

    service: Mapped[str] = mapped_column(String(63), primary_key=True)
    state: Mapped[str] = mapped_column(String(40))
    held: Mapped[bool] = mapped_column(Boolean)
    basis: Mapped[str] = mapped_column(Text)  # the open incidents it was set over
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
