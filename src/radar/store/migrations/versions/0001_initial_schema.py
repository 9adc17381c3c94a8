"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26

The timeline is append-only: triggers refuse UPDATE and DELETE on timeline_entries.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "timeline entries are append-only"


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER timeline_entries_no_{verb.lower()} BEFORE {verb} "
                f"ON timeline_entries BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION radar_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER timeline_entries_append_only BEFORE UPDATE OR DELETE "
        "ON timeline_entries FOR EACH ROW EXECUTE FUNCTION radar_timeline_append_only()"
    )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS timeline_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS timeline_entries_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS timeline_entries_append_only ON timeline_entries")
    op.execute("DROP FUNCTION IF EXISTS radar_timeline_append_only()")


def upgrade() -> None:
    op.create_table(
        "policy_versions",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
    )
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_versions_content_hash"), ["content_hash"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("disabled_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("user_id", _id(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("expires_at", _ts(), nullable=True),
        sa.Column("last_used_at", _ts(), nullable=True),
        sa.Column("revoked_at", _ts(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("service", sa.String(length=63), nullable=False),
        sa.Column("severity", sa.String(length=63), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reporter", sa.String(length=200), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("drill", sa.Boolean(), nullable=False),
        sa.Column("declared_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("policy_version_id", _id(), nullable=True),
        sa.Column("acknowledged_at", _ts(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_via", sa.String(length=20), nullable=True),
        sa.Column("resolved_at", _ts(), nullable=True),
        sa.Column("resolution_summary", sa.Text(), nullable=True),
        sa.Column("closed_at", _ts(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("ticket_url", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_version_id"],
            ["policy_versions.id"],
            name=op.f("fk_incidents_policy_version_id_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_service_id", ["service", "id"], unique=False)
        batch_op.create_index("ix_incidents_severity_id", ["severity", "id"], unique=False)
        batch_op.create_index("ix_incidents_status_id", ["status", "id"], unique=False)

    op.create_table(
        "incident_roles",
        sa.Column("incident_id", _id(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_roles_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("incident_id", "role", name=op.f("pk_incident_roles")),
    )
    op.create_table(
        "timeline_entries",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("incident_id", _id(), nullable=False),
        sa.Column("at", _ts(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=True),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_timeline_entries_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_entries")),
    )
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_timeline_entries_incident_id_id", ["incident_id", "id"], unique=False
        )
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_timeline_entries_incident_id_id")

    op.drop_table("timeline_entries")
    op.drop_table("incident_roles")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_status_id")
        batch_op.drop_index("ix_incidents_severity_id")
        batch_op.drop_index("ix_incidents_service_id")

    op.drop_table("incidents")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_versions_content_hash"))

    op.drop_table("policy_versions")
