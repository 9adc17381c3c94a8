"""Calm by construction: what the engine needs to decide again at the moment it acts

- incidents.last_update_at: when people last posted an update (an incident being worked on
  gets an upgrade *proposed*, not imposed);
- incidents.auto_upgrade: false once a person moved the incident down with a reason;
- incidents.proposed_severity / proposed_at: an upgrade waiting for the commander's answer;
- notifications.level / rank / urgent / until_ack: the level a notification was decided for, so
  that it is checked again when it is sent (resolved? acknowledged? still that level?) and an
  urgent level is never held behind a lower one's send window;
- send_windows.rank: the level of what last opened the window.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("last_update_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("auto_upgrade", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("proposed_severity", sa.String(63), nullable=True))
        batch.add_column(sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("level", sa.String(63), nullable=True))
        batch.add_column(sa.Column("rank", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("until_ack", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("send_windows") as batch:
        batch.add_column(sa.Column("rank", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("send_windows") as batch:
        batch.drop_column("rank")
    with op.batch_alter_table("notifications") as batch:
        for name in ("until_ack", "urgent", "rank", "level"):
            batch.drop_column(name)
    with op.batch_alter_table("incidents") as batch:
        for name in ("proposed_at", "proposed_severity", "auto_upgrade", "last_update_at"):
            batch.drop_column(name)
