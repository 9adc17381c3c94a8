"""alerts: integration keys (and heartbeats), and the alerts they bring

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPEN = sa.text("status != 'resolved'")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=63), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("per_minute", sa.Integer(), nullable=True),
        sa.Column("every_seconds", sa.Integer(), nullable=True),
        sa.Column("mapping", sa.String(length=63), nullable=True),
        sa.Column("heartbeat_due_at", _ts(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("revoked_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_integrations_key_hash")),
    )
    op.create_index("ix_integrations_heartbeat_due_at", "integrations", ["heartbeat_due_at"])
    op.create_table(
        "alerts",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("integration_id", _id(), nullable=False),
        sa.Column("service", sa.String(length=63), nullable=False),
        sa.Column("dedup_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.String(length=1024), nullable=False),
        sa.Column("severity", sa.String(length=63), nullable=False),
        sa.Column("source", sa.String(length=1024), nullable=False),
        sa.Column("grp", sa.String(length=1024), nullable=False),
        sa.Column("labels", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("first_seen", _ts(), nullable=False),
        sa.Column("last_seen", _ts(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("incident_id", _id(), nullable=True),
        sa.Column("resolved_at", _ts(), nullable=True),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_alerts_integration_id_integrations"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_alerts_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    # One open alert per dedup key and integration: the database itself refuses a second.
    op.create_index(
        "ux_alerts_open_key",
        "alerts",
        ["integration_id", "dedup_key"],
        unique=True,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index("ix_alerts_service_grp_last_seen", "alerts", ["service", "grp", "last_seen"])
    op.create_index("ix_alerts_incident_id", "alerts", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_alerts_incident_id", table_name="alerts")
    op.drop_index("ix_alerts_service_grp_last_seen", table_name="alerts")
    op.drop_index("ux_alerts_open_key", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_integrations_heartbeat_due_at", table_name="integrations")
    op.drop_table("integrations")
