"""Sign-in links: an invitation for a user who exists already (`user_key`, the random key of their
record when the link was made; none for an invitation that creates a user). And the record key
of every invitation's maker (`created_by_key`): a user deleted and made again by the maker's name
is someone else, whose links these are not.

The link signs that user in and may let them choose a new password; it gives no roles or groups.
A user deleted and made again by the same name has a new record key, so an old link is not theirs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite copying a table would cascade deletes (as in 0005).
    op.add_column("rbac_invitations", sa.Column("user_key", sa.String(32), nullable=True))
    op.add_column("rbac_invitations", sa.Column("created_by_key", sa.String(32), nullable=True))


def downgrade() -> None:
    op.drop_column("rbac_invitations", "created_by_key")
    op.drop_column("rbac_invitations", "user_key")
