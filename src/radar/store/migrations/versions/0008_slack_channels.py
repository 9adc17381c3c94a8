"""slack_channels: each incident's own Slack channel

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "slack_channels",
        sa.Column("incident_id", BIG_ID, nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_slack_channels_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_slack_channels")),
        sa.UniqueConstraint("channel_id", name=op.f("uq_slack_channels_channel_id")),
    )


def downgrade() -> None:
    op.drop_table("slack_channels")
