"""A random key per user record, which browser sessions name instead of the id and creation time.

SQLite gives a deleted user's id (the highest) to the next user, and a clock can give a creation
time twice: a cookie that named those could sign in a user made again by the same name. Each
existing user gets a key of their own; cookies made before this revision name no key and end
(everyone signs in once more).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jupyter_rbac.store.record_keys import new_record_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_users = sa.table("rbac_users", sa.column("id", sa.Integer), sa.column("record_key", sa.String))


def upgrade() -> None:
    # A plain ADD COLUMN and an index: SQLite copying rbac_users would cascade deletes into
    # tokens and memberships (foreign keys are on inside the migration's transaction).
    op.add_column("rbac_users", sa.Column("record_key", sa.String(32), nullable=True))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(_users.c.id)).all():
        connection.execute(
            sa.update(_users).where(_users.c.id == user_id).values(record_key=new_record_key())
        )
    op.create_index("ix_rbac_users_record_key", "rbac_users", ["record_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_rbac_users_record_key", "rbac_users")
    op.drop_column("rbac_users", "record_key")  # in place (SQLite 3.35+), for the same reason
