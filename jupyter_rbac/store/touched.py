"""What one policy write touched: the roles, users and groups it changed, whether it changed
tokens, or "everything" when it cannot say.

Gathered from the write's own statements, not from what each write method says it did: the ORM's
unit of work names each role, user, group and share it flushes (both sides of a changed holding:
giving Bob a role touches Bob and the role; renaming touches the old name and the new), and a
statement written around the ORM (a bulk import) touches everything unless its table holds
nothing a server compiles. A new table, or a new way of writing, is therefore reloaded whole until
someone teaches this module about it: too much reloaded costs time, too little would be a hole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Update, UpdateBase

from .models import (
    AuditEvent,
    Group,
    Invitation,
    PolicyChange,
    PolicyState,
    ResourceOwner,
    Role,
    Share,
    Token,
    User,
)

# Tables that hold nothing a server compiles (written around the ORM too: the version, the log).
UNCOMPILED_TABLES = frozenset(
    model.__tablename__ for model in (AuditEvent, PolicyState, PolicyChange, ResourceOwner)
)
# Columns no server compiles: who gave a holding (the configuration or a person), when a token was
# last used or a user last seen. An UPDATE setting only these touches nothing.
UNCOMPILED_COLUMNS = frozenset({"given_by", "last_used_at", "last_seen_at"})
TOKEN_TABLES = frozenset(model.__tablename__ for model in (Token, Invitation))
_TOUCHED = "rbac_touched"  # where a write's Touched is kept: its session's and connection's info


@dataclass
class Touched:
    roles: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    tokens: bool = False
    everything: bool = False
    # shares flushed, by recipient id: named once the write is done (store/changes.py)
    share_users: set[int] = field(default_factory=set)
    share_groups: set[int] = field(default_factory=set)
    flushing: bool = False
    connection: Connection | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        if self.everything:
            return {"everything": True}
        return {
            "roles": sorted(self.roles),
            "users": sorted(self.users),
            "groups": sorted(self.groups),
            "tokens": self.tokens,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Touched:
        return cls(
            roles=set(data.get("roles", ())),
            users=set(data.get("users", ())),
            groups=set(data.get("groups", ())),
            tokens=bool(data.get("tokens", False)),
            everything=bool(data.get("everything", False)),
        )

    def add(self, other: Touched) -> None:
        self.roles |= other.roles
        self.users |= other.users
        self.groups |= other.groups
        self.tokens |= other.tokens
        self.everything |= other.everything

    def name_share_recipients(self, session: Session) -> None:
        """Name the recipients of the shares flushed (a recipient deleted in this write was
        named when its own row was)."""
        if self.share_users:
            self.users |= set(
                session.scalars(select(User.name).where(User.id.in_(self.share_users)))
            )
        if self.share_groups:
            self.groups |= set(
                session.scalars(select(Group.name).where(Group.id.in_(self.share_groups)))
            )
        self.share_users.clear()
        self.share_groups.clear()


def start_tracking(session: Session) -> Touched:
    """Gather what `session`'s write touches, until `stop_tracking`."""
    touched = Touched(connection=session.connection())
    session.info[_TOUCHED] = touched
    touched.connection.info[_TOUCHED] = touched
    return touched


def stop_tracking(session: Session, touched: Touched) -> None:
    """Stop gathering (whether the write committed or not: a connection goes back to the pool
    with its info, and must not carry this write's into the next)."""
    session.info.pop(_TOUCHED, None)
    if touched.connection is not None:
        touched.connection.info.pop(_TOUCHED, None)


def listen(engine: Engine) -> None:
    """Watch the writes made through `engine` (once per engine)."""
    if not event.contains(engine, "before_execute", _statement):
        event.listen(engine, "before_execute", _statement)


# The ORM's flushes, for every Session (they only record when a write tracks them).
_NAMED = {Role: "roles", User: "users", Group: "groups"}


@event.listens_for(Session, "before_flush")
def _flush_starts(session: Session, _context: Any, _instances: Any) -> None:
    touched = session.info.get(_TOUCHED)
    if touched is not None:
        touched.flushing = True


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    touched = session.info.get(_TOUCHED)
    if touched is None:
        return
    for instance in (*session.new, *session.dirty, *session.deleted):
        _note(touched, instance)


@event.listens_for(Session, "after_flush_postexec")
def _flush_ends(session: Session, _context: Any) -> None:
    touched = session.info.get(_TOUCHED)
    if touched is not None:
        touched.flushing = False


def _note(touched: Touched, instance: Any) -> None:
    kind = type(instance)
    state = inspect(instance)
    if kind in _NAMED:
        names = getattr(touched, _NAMED[kind])
        history = state.attrs.name.history
        names.update(history.added, history.deleted, history.unchanged)
        # both sides of a holding: what this record gained or lost names the other side too
        for relationship in state.mapper.relationships:
            related = state.attrs[relationship.key].history
            for other in (*related.added, *related.deleted):
                if type(other) in _NAMED:
                    getattr(touched, _NAMED[type(other)]).add(other.name)
    elif kind is Share:
        # its recipient, old and new: by the record it was given (a new share) or by id (read)
        for recipient, names in (("user", touched.users), ("group", touched.groups)):
            history = state.attrs[recipient].history
            names.update(
                r.name for r in (*history.added, *history.deleted, *history.unchanged) if r
            )
        for column, ids in (("user_id", touched.share_users), ("group_id", touched.share_groups)):
            history = state.attrs[column].history
            ids.update(i for i in (*history.added, *history.deleted, *history.unchanged) if i)
    elif kind in (Token, Invitation):
        touched.tokens = True
    elif kind.__tablename__ not in UNCOMPILED_TABLES:
        touched.everything = True


def _statement(connection: Connection, statement: Any, *_args: Any) -> None:
    """A statement written around the ORM's flush: by its table, tokens or everything."""
    touched = connection.info.get(_TOUCHED)
    if touched is None or touched.flushing or not isinstance(statement, UpdateBase):
        return
    table = statement.table.name
    if isinstance(statement, Update) and _columns_set(statement) <= UNCOMPILED_COLUMNS:
        return
    if table in TOKEN_TABLES:
        touched.tokens = True
    elif table not in UNCOMPILED_TABLES:
        touched.everything = True


def _columns_set(statement: Update) -> set[str]:
    """The names of the columns an UPDATE sets ({"?"}, touching everything, if it cannot tell)."""
    values = getattr(statement, "_values", None)
    if not values:
        return {"?"}
    return {getattr(column, "key", str(column)) for column in values}
