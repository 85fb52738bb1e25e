"""Shares: a role given to one user or one group on one folder or file.

Deleting the role, the user or the group deletes its shares; one recipient holds at most one
share of a path (a new role for them changes that share).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rbac_shares",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("is_folder", sa.Boolean, nullable=False),
        sa.Column(
            "role_id",
            sa.Integer,
            sa.ForeignKey("rbac_roles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("rbac_users.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column(
            "group_id",
            sa.Integer,
            sa.ForeignKey("rbac_groups.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (group_id IS NULL)", name="ck_rbac_shares_one_recipient"
        ),
    )
    op.create_index("ix_rbac_shares_user_id", "rbac_shares", ["user_id"])
    op.create_index("ix_rbac_shares_group_id", "rbac_shares", ["group_id"])
    # one share per path and recipient (NULLs are distinct: each index holds one kind)
    op.create_index("ux_rbac_shares_user_path", "rbac_shares", ["user_id", "path"], unique=True)
    op.create_index("ux_rbac_shares_group_path", "rbac_shares", ["group_id", "path"], unique=True)


def downgrade() -> None:
    op.drop_table("rbac_shares")
