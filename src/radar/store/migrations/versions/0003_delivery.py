"""delivery: each attempt, the provider's id, Slack messages kept current, send windows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="message")
        )
        batch.add_column(sa.Column("provider_id", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("facts", sa.Text(), nullable=False, server_default="[]"))
    op.create_index(
        "ix_notifications_incident_id_target", "notifications", ["incident_id", "target"]
    )
    op.create_table(
        "notification_attempts",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("notification_id", _id(), nullable=False),
        sa.Column("at", _ts(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_attempts_notification_id_notifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_attempts")),
    )
    op.create_index(
        "ix_notification_attempts_notification_id_id",
        "notification_attempts",
        ["notification_id", "id"],
    )
    op.create_index(
        "ix_notification_attempts_provider_id", "notification_attempts", ["provider_id"]
    )
    op.create_table(
        "send_windows",
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("opened_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_send_windows")),
    )


def downgrade() -> None:
    op.drop_table("send_windows")
    op.drop_index("ix_notification_attempts_provider_id", table_name="notification_attempts")
    op.drop_index("ix_notification_attempts_notification_id_id", table_name="notification_attempts")
    op.drop_table("notification_attempts")
    op.drop_index("ix_notifications_incident_id_target", table_name="notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("facts")
        batch.drop_column("provider_id")
        batch.drop_column("kind")
