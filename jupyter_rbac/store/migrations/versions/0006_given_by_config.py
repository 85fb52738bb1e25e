"""Which holdings the server's configuration gave: a `given_by` column on the role memberships.

`c.RBAC.load_roles` takes back, at a start, what an earlier start gave and configuration no longer
declares. Before this revision, what configuration had given was worked out at every start by
replaying the audit trail; now the membership row says so. This revision replays the trail once
(the rules the replay had, below) and marks what it finds.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CONFIGURATION = "config"  # the audit actor of what a start did, and the mark this revision writes
MEMBER_KINDS = ("users", "groups")

_audit = sa.table(
    "rbac_audit",
    sa.column("id", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("target", sa.String),
    sa.column("detail", sa.JSON),
)
_roles = sa.table("rbac_roles", sa.column("id", sa.Integer), sa.column("name", sa.String))
_users = sa.table("rbac_users", sa.column("id", sa.Integer), sa.column("name", sa.String))
_groups = sa.table("rbac_groups", sa.column("id", sa.Integer), sa.column("name", sa.String))
_holdings = {
    "users": (
        sa.table(
            "rbac_role_users",
            sa.column("role_id", sa.Integer),
            sa.column("user_id", sa.Integer),
            sa.column("given_by", sa.String),
        ),
        "user_id",
        _users,
    ),
    "groups": (
        sa.table(
            "rbac_role_groups",
            sa.column("role_id", sa.Integer),
            sa.column("group_id", sa.Integer),
            sa.column("given_by", sa.String),
        ),
        "group_id",
        _groups,
    ),
}
# Audit actions that may change who holds a role, in the order the trail recorded them.
_ACTIONS = (
    "policy.import",
    "role.create",
    "role.assign",
    "role.unassign",
    "role.update",
    "role.delete",
    "user.create",
    "user.update",
    "user.delete",
    "group.create",
    "group.update",
    "group.delete",
)


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite copying a table would cascade deletes (as in 0005).
    for table in ("rbac_role_users", "rbac_role_groups"):
        op.add_column(table, sa.Column("given_by", sa.String(32), nullable=True))
    connection = op.get_bind()
    for role, kind, name in sorted(_given_by_configuration(connection)):
        table, column, named = _holdings[kind]
        role_id = sa.select(_roles.c.id).where(_roles.c.name == role).scalar_subquery()
        member_id = sa.select(named.c.id).where(named.c.name == name).scalar_subquery()
        connection.execute(
            sa.update(table)
            .where(table.c.role_id == role_id, table.c[column] == member_id)
            .values(given_by=CONFIGURATION)
        )


def downgrade() -> None:
    for table in ("rbac_role_users", "rbac_role_groups"):
        op.drop_column(table, "given_by")  # in place (SQLite 3.35+), for the same reason


def _given_by_configuration(connection) -> set[tuple[str, str, str]]:
    """(role, "users" or "groups", name) that configuration gave and nobody took or gave since:
    configuration's `role.assign` adds; any other change of the same holding removes it (a later
    grant by someone else makes it theirs); an import starts over."""
    given: set[tuple[str, str, str]] = set()
    rows = connection.execute(
        sa.select(_audit.c.actor, _audit.c.action, _audit.c.target, _audit.c.detail)
        .where(_audit.c.action.in_(_ACTIONS))
        .order_by(_audit.c.id)
    )
    for actor, action, target, detail in rows:
        _replay(given, actor, action, target, detail or {})
    return given


def _replay(given: set, actor: str, action: str, target: str, detail: dict) -> None:
    if action == "policy.import":
        given.clear()
    elif action.startswith("role.") and action != "role.delete":
        touched = {(target, k, name) for k in MEMBER_KINDS for name in _listed(detail.get(k))}
        if action == "role.assign" and actor == CONFIGURATION:
            given |= touched
        else:
            given -= touched
    elif action == "role.delete":
        given -= {member for member in given if member[0] == target}
    elif action.endswith((".create", ".update")):
        kind = "users" if action.startswith("user.") else "groups"
        given -= {(role, kind, target) for role in _listed(detail.get("roles"))}
    else:  # user.delete, group.delete
        kind = "users" if action.startswith("user.") else "groups"
        given -= {member for member in given if member[1:] == (kind, target)}


def _listed(value: object) -> list[str]:
    """Names in an audit detail: a list, or a change ({"added": [...], "removed": [...]})."""
    if isinstance(value, dict):
        return [*value.get("added", []), *value.get("removed", [])]
    return list(value) if isinstance(value, list) else []
