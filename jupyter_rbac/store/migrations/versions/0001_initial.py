"""The first schema: roles, users, groups, memberships, assignments, tokens, owners, audit, version.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rbac_roles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("builtin", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "rbac_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "rbac_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    for table, left, right in (
        ("rbac_role_users", "role", "user"),
        ("rbac_role_groups", "role", "group"),
        ("rbac_group_members", "group", "user"),
    ):
        op.create_table(
            table,
            sa.Column(
                f"{left}_id",
                sa.Integer,
                sa.ForeignKey(f"rbac_{left}s.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column(
                f"{right}_id",
                sa.Integer,
                sa.ForeignKey(f"rbac_{right}s.id", ondelete="CASCADE"),
                primary_key=True,
            ),
        )
        # look-ups go from a user (or a group) to their rows: index the second column
        op.create_index(f"ix_{table}_{right}_id", table, [f"{right}_id"])
    op.create_table(
        "rbac_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("rbac_users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("hashed", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("scopes", sa.JSON, nullable=True),
        sa.Column("one_time", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=True),
    )
    op.create_table(
        "rbac_resource_owners",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("resource_id", sa.String(255), primary_key=True),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "rbac_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(512), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_rbac_audit_at", "rbac_audit", ["at"])
    op.create_table(
        "rbac_policy_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.bulk_insert(
        sa.table("rbac_policy_state", sa.column("id"), sa.column("version")),
        [{"id": 1, "version": 1}],
    )


def downgrade() -> None:
    for table in (
        "rbac_policy_state",
        "rbac_audit",
        "rbac_resource_owners",
        "rbac_tokens",
        "rbac_group_members",
        "rbac_role_groups",
        "rbac_role_users",
        "rbac_groups",
        "rbac_users",
        "rbac_roles",
    ):
        op.drop_table(table)
