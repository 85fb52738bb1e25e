"""Revisions for optimistic concurrency (ETags), roles managed by config, audit filters.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
EPOCH = sa.text("'1970-01-01 00:00:00+00:00'")


def upgrade() -> None:
    for table in ("rbac_roles", "rbac_users", "rbac_groups"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("rbac_roles") as batch:
        batch.add_column(sa.Column("managed_by", sa.String(32), nullable=True))
    for table in ("rbac_users", "rbac_groups"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("updated_at", TZ, nullable=False, server_default=EPOCH))
    op.create_index("ix_rbac_audit_actor", "rbac_audit", ["actor"])
    op.create_index("ix_rbac_audit_target", "rbac_audit", ["target"])
    op.create_index("ix_rbac_audit_action", "rbac_audit", ["action"])


def downgrade() -> None:
    for name in ("ix_rbac_audit_action", "ix_rbac_audit_target", "ix_rbac_audit_actor"):
        op.drop_index(name, "rbac_audit")
    for table in ("rbac_users", "rbac_groups"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_at")
    with op.batch_alter_table("rbac_roles") as batch:
        batch.drop_column("managed_by")
    for table in ("rbac_roles", "rbac_users", "rbac_groups"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("revision")
