"""Who made each token: only its owner's own unlimited tokens change their account.

Tokens made before this revision take their maker from the audit trail (`token.create`, whose
detail names the token's id); a token the trail does not name keeps None, which counts as made by
someone else (it still works, but changes no credentials).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_audit = sa.table(
    "rbac_audit",
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("detail", sa.JSON),
)
_tokens = sa.table("rbac_tokens", sa.column("id", sa.Integer), sa.column("created_by", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("rbac_tokens") as batch:
        batch.add_column(sa.Column("created_by", sa.String(255), nullable=True))
    connection = op.get_bind()
    makers = {}
    for actor, detail in connection.execute(
        sa.select(_audit.c.actor, _audit.c.detail).where(_audit.c.action == "token.create")
    ):
        token_id = (detail or {}).get("id")
        if isinstance(token_id, int):
            makers[token_id] = actor
    for token_id, actor in makers.items():
        connection.execute(
            sa.update(_tokens).where(_tokens.c.id == token_id).values(created_by=actor)
        )


def downgrade() -> None:
    with op.batch_alter_table("rbac_tokens") as batch:
        batch.drop_column("created_by")
