"""notifications.send_started_at: a send begun and not yet recorded

A worker marks a notification just before it hands it to a channel, in a short transaction
that also checks it still holds the lease, and clears the mark when it records the outcome. A
notification taken over with the mark set (its worker died mid-send) may already have reached
its recipient: it is the one repeat the delivery guarantee allows, and the timeline says so.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("send_started_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("send_started_at")
