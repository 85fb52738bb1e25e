"""The store's plumbing, under every part: the engine, its sessions, and finding records by name.

`StoreBase` owns the engine and the session factories; each part of `Store` (roles.py, users.py,
groups.py, tokens.py, accounts.py, owners.py, audit.py) builds on it. The helpers here are the
ones several parts share.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from ..errors import InvalidInput, NotFound, PreconditionFailed
from .engine import WRITE_OPTION, IdleConnections, open_engine, upgrade_schema
from .models import Group, Role, User, utcnow

if TYPE_CHECKING:
    from typing_extensions import Self

# Marks "leave this field as it is" where None is a meaningful value.
KEEP: Any = object()


def unique(names: Iterable[str]) -> list[str]:
    """`names` without repeats, in their first order."""
    return list(dict.fromkeys(names))


def note_change(
    changes: dict, field_name: str, before: Iterable[str], after: Iterable[str]
) -> None:
    """Record in an audit detail what a list field gained and lost (nothing if it did not change)."""
    before, after = list(before), list(after)
    added = [x for x in after if x not in before]
    removed = [x for x in before if x not in after]
    if added or removed:
        changes[field_name] = {"added": added, "removed": removed}


def check_revision(record, what: str, expected: int | None) -> None:
    """PreconditionFailed if `record` is no longer at the revision the caller read."""
    if expected is not None and record.revision != expected:
        raise PreconditionFailed(f"{what} was changed by someone else; reload it and try again")


@contextmanager
def plain_connection(engine: Engine, given: Connection | None) -> Iterator[Connection]:
    """`given`, or a connection of `engine`'s for the block: reads that run at the first
    request after every change share one (Store.reading), without the ORM's session."""
    if given is not None:
        yield given
        return
    with engine.connect() as connection:
        yield connection


class StoreBase:
    """The policy database's engine and sessions. Open with `Store.open(url)`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.listen_url: str | None = None  # see `open`
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        # a server (PostgreSQL) keeps no pooled connection while it is idle
        self.idle_connections = (
            IdleConnections(engine) if engine.dialect.name == "postgresql" else None
        )

    def release_idle_connections(self) -> bool:
        """Close the pool's connections if none was used for a while (the server's timer
        asks). True if it did."""
        return self.idle_connections is not None and self.idle_connections.release()

    @classmethod
    def open(cls, url: str, migrate: bool = True, listen_url: str | None = None) -> Self:
        """The store of the database at `url`; `listen_url`: where the change listener connects
        when `url` goes through a pooler in transaction mode (PostgreSQL)."""
        engine = open_engine(url, through_pooler=listen_url is not None)
        if migrate:
            upgrade_schema(engine)
        store = cls(engine)
        store.listen_url = listen_url
        return store

    def reading(self) -> AbstractContextManager[Connection]:
        """One plain connection, without the ORM's session, for quick reads at the first request
        after a change (Store.changes_since, then policy_part)."""
        return self.engine.connect()

    def close(self) -> None:
        self.engine.dispose()

    # -- finding records in a session ------------------------------------------------------

    def _relink(
        self, session: Session, model: type, field_name: str, current: list, names: Iterable[str]
    ) -> list:
        """The records `names` lists (a complete new list for `field_name`): the change is noted
        for the audit trail, and every record gaining or losing the link is touched."""
        wanted = [self._ref(session, model, name, field_name) for name in unique(names)]
        note_change(
            session.info["detail"], field_name, [r.name for r in current], [r.name for r in wanted]
        )
        for record in set(current).symmetric_difference(wanted):
            self._touched(record)
        return wanted

    @staticmethod
    def _touched(record):
        """Mark a role, user or group changed: its revision (and so its ETag) moves on."""
        record.updated_at = utcnow()
        return record

    @staticmethod
    def _ref(session: Session, model: type, name: object, field_name: str):
        """A role, user or group named in a list field: unknown names are the caller's mistake (400)."""
        if isinstance(name, str):
            found = session.scalar(select(model).where(model.name == name))
            if found is not None:
                return found
        kind = {Role: "role", User: "user", Group: "group"}[model]
        raise InvalidInput(f"{field_name}: no {kind} named {name!r}")

    @staticmethod
    def _role(session: Session, name: str, expected_revision: int | None = None) -> Role:
        role = session.scalar(select(Role).where(Role.name == name))
        if role is None:
            raise NotFound(f"no role named {name!r}")
        check_revision(role, f"role {name!r}", expected_revision)
        return role

    @staticmethod
    def _user(session: Session, name: str, expected_revision: int | None = None) -> User:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise NotFound(f"no user named {name!r}")
        check_revision(user, f"user {name!r}", expected_revision)
        return user

    @staticmethod
    def _group(session: Session, name: str, expected_revision: int | None = None) -> Group:
        group = session.scalar(select(Group).where(Group.name == name))
        if group is None:
            raise NotFound(f"no group named {name!r}")
        check_revision(group, f"group {name!r}", expected_revision)
        return group
