"""incidents.resolved_at indexed: the dashboard lists what was resolved in the last 24 hours

A walk back along the index from now reads a day of resolutions, not every ended incident.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incidents_resolved_at", "incidents", ["resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_incidents_resolved_at", table_name="incidents")
