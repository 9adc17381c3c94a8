"""status_components: a state a person set (or holds) for a status page component

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "status_components",
        sa.Column("service", sa.String(length=63), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("incident_id", BIG_ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_status_components_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("service", name=op.f("pk_status_components")),
    )


def downgrade() -> None:
    op.drop_table("status_components")
