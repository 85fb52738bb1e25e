"""When a user was last seen and a token last used: `last_seen_at` and `last_used_at`.

Both are written in batches by the server (at most once a `activity_resolution` per user or
token), outside the audited policy transactions: they change no record's revision or ETag.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite copying a table would cascade deletes (as in 0005).
    op.add_column("rbac_users", sa.Column("last_seen_at", sa.DateTime(timezone=True)))
    op.add_column("rbac_tokens", sa.Column("last_used_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("rbac_tokens", "last_used_at")
    op.drop_column("rbac_users", "last_seen_at")
