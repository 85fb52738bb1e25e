"""Writing an import's plan with bulk statements: a thousand roles and ten thousand users in a
few statements, not an ORM object and a collection event for each row and each holding.

`import_export` decides what changes and whether it may (the plan and its rules); this only makes
the rows so, in the caller's transaction. A record the plan changes gets a new revision (and so a
new ETag), as the ORM's version counter would give it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from .models import Group, Role, Share, User, group_members, role_groups, role_users, utcnow

# Each kind of record: its table, and the columns a spec of the document sets.
RECORDS: dict[str, tuple[Table, Callable[[Any], dict]]] = {
    "users": (User.__table__, lambda spec: {"display_name": spec.display_name}),
    "groups": (Group.__table__, lambda spec: {"description": spec.description}),
    "roles": (
        Role.__table__,
        lambda spec: {"description": spec.description, "scopes": list(spec.scopes)},
    ),
}
# Each holding: its table, the owning record (kind, column), the spec's list of members, and the
# member (kind, column).
HOLDINGS = (
    (role_users, ("roles", "role_id"), "users", ("users", "user_id")),
    (role_groups, ("roles", "role_id"), "groups", ("groups", "group_id")),
    (group_members, ("groups", "group_id"), "members", ("users", "user_id")),
)
SHARES = Share.__table__


def write_plan(
    session: Session,
    wanted: Any,  # import_export.PolicyContents
    plan: Any,  # import_export.ImportPlan
    share_ids: Mapping[str, int],
) -> None:
    """Make the rows `wanted`, as `plan` (made from what the database holds now) says: records
    added, changed and removed; every holding exactly the document's; shares removed, changed
    (made anew) and added (`share_ids`: the id of each share held now, by its key). ORM objects
    of the session read before are expired: they are read again when next used."""
    now = utcnow()
    if wanted.shares is not None:
        _delete_by_id(session, SHARES, (share_ids[key] for key in _gone_shares(plan)))
    for kind, (table, columns) in RECORDS.items():
        specs, changes = getattr(wanted, kind), getattr(plan, kind)
        if changes.added:
            rows = [
                {"name": name, **columns(specs[name]), "created_at": now, "updated_at": now}
                for name in changes.added
            ]
            session.execute(insert(table), rows)
    ids = {kind: _ids(session, table) for kind, (table, _) in RECORDS.items()}
    for kind, (table, columns) in RECORDS.items():
        specs, changes = getattr(wanted, kind), getattr(plan, kind)
        _update_changed(session, table, columns, specs, changes.changed, ids[kind], now)
    for table, owner, members, member in HOLDINGS:
        _write_holdings(session, table, owner, members, member, getattr(wanted, owner[0]), ids)
    if wanted.shares is not None:
        _insert_shares(session, wanted.shares, plan, ids, now)
    for kind, (table, _) in RECORDS.items():
        # a user's tokens, and every holding and share of what goes, go with it (ON DELETE CASCADE)
        _delete_by_id(session, table, (ids[kind][name] for name in getattr(plan, kind).removed))
    session.expire_all()


def _gone_shares(plan: Any) -> tuple[str, ...]:
    return (*plan.shares.removed, *plan.shares.changed)


def _ids(session: Session, table: Table) -> dict[str, int]:
    return dict(session.execute(select(table.c.name, table.c.id)).tuples().all())


def _update_changed(
    session: Session,
    table: Table,
    columns: Callable[[Any], dict],
    specs: Mapping[str, Any],
    changed: Iterable[str],
    ids: Mapping[str, int],
    now: Any,
) -> None:
    """Write each changed record's fields; its revision moves on (also when only what it holds
    or who holds it changed: an ETag read before no longer matches)."""
    rows = [
        {"_id": ids[name], **{f"_{key}": value for key, value in columns(specs[name]).items()}}
        for name in changed
    ]
    if not rows:
        return
    values = {key[1:]: bindparam(key) for key in rows[0] if key != "_id"}
    statement = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values(**values, updated_at=now, revision=table.c.revision + 1)
    )
    session.connection().execute(statement, rows)


def _write_holdings(
    session: Session,
    table: Table,
    owner: tuple[str, str],
    members: str,
    member: tuple[str, str],
    owners: Mapping[str, Any],
    ids: Mapping[str, Mapping[str, int]],
) -> None:
    """Make `table` hold exactly the pairs the specs name: those gone deleted, those new added
    (who gave them is settled after, by import_export._mark_configured)."""
    (owner_kind, owner_column), (member_kind, member_column) = owner, member
    wanted = {
        (ids[owner_kind][name], ids[member_kind][held])
        for name, spec in owners.items()
        for held in getattr(spec, members)
    }
    existing = set(session.execute(select(table.c[owner_column], table.c[member_column])).tuples())
    gone = [{"_owner": o, "_member": m} for o, m in sorted(existing - wanted)]
    if gone:
        statement = delete(table).where(
            table.c[owner_column] == bindparam("_owner"),
            table.c[member_column] == bindparam("_member"),
        )
        session.connection().execute(statement, gone)
    new = [{owner_column: o, member_column: m} for o, m in sorted(wanted - existing)]
    if new:
        session.execute(insert(table), new)


def _insert_shares(
    session: Session, shares: Mapping[str, Any], plan: Any, ids: Mapping, now: Any
) -> None:
    """The shares added, and those changed made anew (a new id: the recipient or role may
    differ)."""
    rows = []
    for key in (*plan.shares.added, *plan.shares.changed):
        spec = shares[key]
        rows.append(
            {
                "path": spec.path,
                "is_folder": spec.is_folder,
                "role_id": ids["roles"][spec.role],
                "user_id": ids["users"][spec.user] if spec.user is not None else None,
                "group_id": ids["groups"][spec.group] if spec.group is not None else None,
                "created_by": spec.shared_by,
                "created_at": now,
                "updated_at": now,
                "expires_at": spec.expires_at,
            }
        )
    if rows:
        session.execute(insert(SHARES), rows)


def _delete_by_id(session: Session, table: Table, ids: Iterable[int]) -> None:
    rows = [{"_id": id_} for id_ in ids]
    if rows:
        session.connection().execute(delete(table).where(table.c.id == bindparam("_id")), rows)
