"""Identities: passwords and profiles of users, salted slow hashes for tokens, invitations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("rbac_users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
        batch.add_column(
            sa.Column("avatar_url", sa.String(2048), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("color", sa.String(64), nullable=False, server_default=""))
        # Bumped to end every browser session of the user (password change, "sign out everywhere").
        batch.add_column(sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("rbac_tokens") as batch:
        # Tokens issued before 0003 keep their unsalted SHA-256 (`lookup` NULL) until revoked.
        batch.alter_column("hashed", type_=sa.String(255), existing_type=sa.String(64))
        batch.add_column(sa.Column("lookup", sa.String(16), nullable=True))
        batch.create_unique_constraint("uq_rbac_tokens_lookup", ["lookup"])
    op.create_table(
        "rbac_invitations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("lookup", sa.String(16), nullable=False, unique=True),
        sa.Column("hashed", sa.String(255), nullable=False),
        sa.Column("username", sa.String(255), nullable=False, index=True),
        sa.Column("display_name", sa.String(255), nullable=False, server_default=""),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.Column("password_allowed", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("accepted_at", TZ, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("rbac_invitations")
    with op.batch_alter_table("rbac_tokens") as batch:
        batch.drop_constraint("uq_rbac_tokens_lookup", type_="unique")
        batch.drop_column("lookup")
        batch.alter_column("hashed", type_=sa.String(64), existing_type=sa.String(255))
    with op.batch_alter_table("rbac_users") as batch:
        for column in ("session_epoch", "color", "avatar_url", "password_hash"):
            batch.drop_column(column)
