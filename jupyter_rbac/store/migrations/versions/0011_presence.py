"""Presence shared by the servers of one policy database: `rbac_presence`, a row per server
process and user present there, refreshed while they are connected and ignored once expired.

Not policy: written outside the versioned, audited transactions (store/presence.py).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rbac_presence",
        sa.Column("server", sa.String(32), primary_key=True),
        sa.Column("username", sa.String(255), primary_key=True),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("initials", sa.String(64), nullable=True),
        sa.Column("color", sa.String(64), nullable=True),
        sa.Column("avatar_url", sa.String(2048), nullable=True),
        sa.Column("connections", sa.JSON, nullable=False),
        sa.Column("first_seen", sa.Float, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_rbac_presence_expires_at", "rbac_presence", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_rbac_presence_expires_at", table_name="rbac_presence")
    op.drop_table("rbac_presence")
