"""Lists of roles, users, groups and tokens a page at a time: the sort keys, paging, and linked
names."""

from __future__ import annotations

from sqlalchemy import Column, Select, func, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from .models import Group, Invitation, Role, Token, User

# What each list may be sorted by (the OpenAPI spec's sort parameters list the same keys).
SORTABLE = {
    "roles": {"name": Role.name, "created_at": Role.created_at, "updated_at": Role.updated_at},
    "users": {
        "name": User.name,
        "username": User.name,
        "display_name": User.display_name,
        "created_at": User.created_at,
        "updated_at": User.updated_at,
        "last_seen_at": User.last_seen_at,
    },
    "groups": {"name": Group.name, "created_at": Group.created_at, "updated_at": Group.updated_at},
    "tokens": {
        "created_at": Token.created_at,
        "last_used_at": Token.last_used_at,
        "expires_at": Token.expires_at,
        "username": User.name,
    },
    "invitations": {
        "created_at": Invitation.created_at,
        "expires_at": Invitation.expires_at,
        "accepted_at": Invitation.accepted_at,
        "username": Invitation.username,
    },
}
# What orders the rows a sort key leaves tied, so that pages never overlap.
TIE_BREAKERS = {
    "roles": Role.name,
    "users": User.name,
    "groups": Group.name,
    "tokens": Token.id,
    "invitations": Invitation.id,
}


def page(session: Session, statement: Select, kind: str, sort: str, limit: int | None, offset: int):
    """(rows of one page, total count) of `statement`, ordered by `sort` ("name", "-created_at");
    what was never set (a token never used) comes last either way, in every database."""
    descending = sort.startswith("-")
    column = SORTABLE[kind].get(sort[1:] if descending else sort)
    if column is None:
        raise InvalidInput(
            f"sort: cannot sort {kind} by {sort!r}; use one of {', '.join(SORTABLE[kind])}"
        )
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    order = (column.desc() if descending else column.asc()).nulls_last()
    statement = statement.order_by(order, TIE_BREAKERS[kind]).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement)), total


def names_by(
    session: Session, own: Column, other: Column, model: type, ids: list[int]
) -> dict[int, list[str]]:
    """For each id in `ids`, the sorted names linked to it through an association table.

    One query of (id, name) pairs: lists of thousands of names without building ORM objects.
    """
    if not ids:
        return {}
    rows = session.execute(
        select(own, model.name)
        .join(model, model.id == other)
        .where(own.in_(ids))
        .order_by(own, model.name)
    )
    names: dict[int, list[str]] = {}
    for key, name in rows:
        names.setdefault(key, []).append(name)
    return names
