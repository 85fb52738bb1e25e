"""The change log: what each policy version touched (roles, users, groups, tokens, or
everything), so a server reloads only that.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rbac_policy_changes",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("touched", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rbac_policy_changes")
