"""Alembic environment: migrations run on the connection the store hands over (never from a .ini)."""

from __future__ import annotations

from alembic import context

from jupyter_rbac.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only ALTER tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
