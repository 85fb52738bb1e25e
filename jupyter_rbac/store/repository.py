"""The policy store: every read and write of roles, users, groups, tokens, owners and audit.

Every write runs in one transaction that also bumps the policy version and records an audit
event, so a change is all-or-nothing and every process notices it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ..errors import Conflict, InvalidInput, NotFound
from .engine import ChangeWatcher, open_engine, upgrade_schema
from .models import (
    AuditEvent,
    Group,
    PolicyState,
    ResourceOwner,
    Role,
    Token,
    User,
    group_members,
    role_groups,
    role_users,
    utcnow,
)

# Names become path segments (`home/{user}`) and filter values: keep them plain.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_@+\-][A-Za-z0-9_.@+\-]{0,127}$")
TOKEN_PREFIX = "rbac_"
OWNED_KINDS = ("kernel", "terminal", "session")


def check_name(kind: str, name: object) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise InvalidInput(
            f"invalid {kind} name {name!r}: use 1-128 letters, digits and . _ @ + - "
            "(not starting with '.')"
        )
    return name


def hash_token(secret: str) -> str:
    # Tokens are 256-bit random strings: a plain SHA-256 is enough (no dictionary to attack).
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class PolicySnapshot:
    """The shared part of the policy, read in one go: roles and what groups hold them.

    Per-user facts (their roles and groups) are read on demand, see `user_record`, so the cost
    of a change does not grow with the number of users.
    """

    version: int
    roles: dict[str, tuple[str, ...]]
    group_roles: dict[str, frozenset[str]]


@dataclass(frozen=True)
class UserRecord:
    name: str
    display_name: str
    roles: frozenset[str]
    groups: frozenset[str]


@dataclass(frozen=True)
class TokenIdentity:
    """Who a token speaks for, and which scopes it is limited to (None: all of the owner's)."""

    token_id: int
    username: str
    scopes: tuple[str, ...] | None
    one_time: bool
    expires_at: datetime | None = None


@dataclass
class RoleRecord:
    name: str
    description: str
    scopes: list[str]
    builtin: bool
    users: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


class Store:
    """The policy database, behind plain-data methods. Open with `Store.open(url)`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._watcher: ChangeWatcher | None = None

    @classmethod
    def open(cls, url: str, migrate: bool = True) -> Store:
        engine = open_engine(url)
        if migrate:
            upgrade_schema(engine)
        return cls(engine)

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
        self.engine.dispose()

    # -- change notification ---------------------------------------------------------------

    def changed(self) -> bool:
        """True if the database may have changed since the last call (cheap; no disk I/O on SQLite)."""
        if self._watcher is None:
            self._watcher = ChangeWatcher(self.engine)
            return True
        return self._watcher.changed()

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def _write(self, actor: str, action: str, target: str, **detail) -> Iterator[Session]:
        """A transaction that bumps the policy version and records an audit event."""
        with self._sessions.begin() as session:
            try:
                yield session
                session.flush()
            except IntegrityError as error:
                raise Conflict(f"{action} {target}: conflicts with existing data") from error
            session.execute(
                update(PolicyState).where(PolicyState.id == 1).values(version=PolicyState.version + 1)
            )
            session.add(AuditEvent(actor=actor, action=action, target=target, detail=detail))

    def version(self) -> int:
        with self._sessions() as session:
            return session.execute(select(PolicyState.version).where(PolicyState.id == 1)).scalar_one()

    # -- reading the whole policy ----------------------------------------------------------

    def snapshot(self) -> PolicySnapshot:
        with self._sessions() as session, session.begin():
            version = session.execute(select(PolicyState.version)).scalar_one()
            roles = {name: tuple(scopes) for name, scopes in session.execute(select(Role.name, Role.scopes))}
            group_roles = _pairs(
                session.execute(
                    select(Group.name, Role.name).join_from(role_groups, Group).join_from(role_groups, Role)
                )
            )
        return PolicySnapshot(version, roles, group_roles)

    def user_record(self, name: str) -> UserRecord | None:
        """One user's display name, direct roles and groups; None if there is no such user."""
        with self._sessions() as session, session.begin():
            row = session.execute(select(User.id, User.display_name).where(User.name == name)).first()
            if row is None:
                return None
            roles = session.scalars(
                select(Role.name).join_from(role_users, Role).where(role_users.c.user_id == row.id)
            )
            role_names = frozenset(roles)
            groups = session.scalars(
                select(Group.name).join_from(group_members, Group).where(group_members.c.user_id == row.id)
            )
            return UserRecord(name, row.display_name, role_names, frozenset(groups))

    def list_users(self) -> list[UserRecord]:
        with self._sessions() as session:
            users = session.scalars(
                select(User).options(selectinload(User.roles), selectinload(User.groups)).order_by(User.name)
            )
            return [
                UserRecord(
                    u.name, u.display_name, frozenset(r.name for r in u.roles), frozenset(g.name for g in u.groups)
                )
                for u in users
            ]

    # -- roles -------------------------------------------------------------------------------

    def get_role(self, name: str) -> RoleRecord:
        with self._sessions() as session:
            return _role_record(self._role(session, name))

    def list_roles(self) -> list[RoleRecord]:
        with self._sessions() as session:
            roles = session.scalars(
                select(Role).options(selectinload(Role.users), selectinload(Role.groups)).order_by(Role.name)
            )
            return [_role_record(role) for role in roles]

    def create_role(
        self,
        name: str,
        scopes: Iterable[str],
        description: str = "",
        builtin: bool = False,
        actor: str = "system",
    ) -> None:
        check_name("role", name)
        scopes = list(scopes)
        with self._write(actor, "role.create", name, scopes=scopes) as session:
            if session.scalar(select(Role.id).where(Role.name == name)) is not None:
                raise Conflict(f"role {name!r} already exists")
            session.add(Role(name=name, description=description, scopes=scopes, builtin=builtin))

    def update_role(
        self,
        name: str,
        scopes: Iterable[str] | None = None,
        description: str | None = None,
        actor: str = "system",
    ) -> None:
        detail = {"scopes": list(scopes) if scopes is not None else None}
        with self._write(actor, "role.update", name, **detail) as session:
            role = self._role(session, name)
            if scopes is not None:
                role.scopes = list(scopes)
            if description is not None:
                role.description = description
            role.updated_at = utcnow()

    def delete_role(self, name: str, actor: str = "system") -> None:
        with self._write(actor, "role.delete", name) as session:
            session.delete(self._role(session, name))

    def assign_role(
        self, role: str, users: Iterable[str] = (), groups: Iterable[str] = (), actor: str = "system"
    ) -> None:
        """Give `role` to users and groups (idempotent; users and groups must exist)."""
        users, groups = list(users), list(groups)
        with self._write(actor, "role.assign", role, users=users, groups=groups) as session:
            record = self._role(session, role)
            for name in users:
                user = self._user(session, name)
                if user not in record.users:
                    record.users.append(user)
            for name in groups:
                group = self._group(session, name)
                if group not in record.groups:
                    record.groups.append(group)

    def unassign_role(
        self, role: str, users: Iterable[str] = (), groups: Iterable[str] = (), actor: str = "system"
    ) -> None:
        users, groups = set(users), set(groups)
        with self._write(actor, "role.unassign", role, users=sorted(users), groups=sorted(groups)) as session:
            record = self._role(session, role)
            record.users = [u for u in record.users if u.name not in users]
            record.groups = [g for g in record.groups if g.name not in groups]

    # -- users -------------------------------------------------------------------------------

    def create_user(self, name: str, display_name: str = "", actor: str = "system") -> None:
        check_name("user", name)
        with self._write(actor, "user.create", name) as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise Conflict(f"user {name!r} already exists")
            session.add(User(name=name, display_name=display_name or name))

    def delete_user(self, name: str, actor: str = "system") -> None:
        with self._write(actor, "user.delete", name) as session:
            session.delete(self._user(session, name))

    def user_exists(self, name: str) -> bool:
        with self._sessions() as session:
            return session.scalar(select(User.id).where(User.name == name)) is not None

    def count_users(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(User))

    # -- groups ------------------------------------------------------------------------------

    def create_group(self, name: str, description: str = "", actor: str = "system") -> None:
        check_name("group", name)
        with self._write(actor, "group.create", name) as session:
            if session.scalar(select(Group.id).where(Group.name == name)) is not None:
                raise Conflict(f"group {name!r} already exists")
            session.add(Group(name=name, description=description))

    def add_members(self, group: str, users: Iterable[str], actor: str = "system") -> None:
        users = list(users)
        with self._write(actor, "group.add_members", group, users=users) as session:
            record = self._group(session, group)
            for name in users:
                user = self._user(session, name)
                if user not in record.members:
                    record.members.append(user)

    def remove_members(self, group: str, users: Iterable[str], actor: str = "system") -> None:
        users = set(users)
        with self._write(actor, "group.remove_members", group, users=sorted(users)) as session:
            record = self._group(session, group)
            record.members = [u for u in record.members if u.name not in users]

    def group_exists(self, name: str) -> bool:
        with self._sessions() as session:
            return session.scalar(select(Group.id).where(Group.name == name)) is not None

    # -- tokens ------------------------------------------------------------------------------

    def create_token(
        self,
        username: str,
        note: str = "",
        scopes: Iterable[str] | None = None,
        one_time: bool = False,
        expires_at: datetime | None = None,
        actor: str = "system",
    ) -> tuple[int, str]:
        """A new token for `username`: returns (id, secret). The secret is never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        scopes = list(scopes) if scopes is not None else None
        with self._write(actor, "token.create", username, note=note, one_time=one_time) as session:
            user = self._user(session, username)
            token = Token(
                user=user,
                hashed=hash_token(secret),
                prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 4],
                note=note,
                scopes=scopes,
                one_time=one_time,
                expires_at=expires_at,
            )
            session.add(token)
            session.flush()
            token_id = token.id
        return token_id, secret

    def identify_token(self, secret: str) -> TokenIdentity | None:
        """Who `secret` speaks for, or None if it is unknown or expired."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        with self._sessions() as session:
            row = session.execute(
                select(Token.id, User.name, Token.scopes, Token.one_time, Token.expires_at)
                .join(User)
                .where(Token.hashed == hash_token(secret))
            ).first()
        if row is None:
            return None
        expires_at = row.expires_at
        if expires_at is not None:
            if expires_at.tzinfo is None:  # SQLite forgets time zones
                expires_at = expires_at.replace(tzinfo=timezone.utc)
            if expires_at <= datetime.now(timezone.utc):
                return None
        scopes = tuple(row.scopes) if row.scopes is not None else None
        return TokenIdentity(row.id, row.name, scopes, row.one_time, expires_at)

    def delete_token(self, token_id: int, actor: str = "system") -> None:
        with self._write(actor, "token.delete", str(token_id)) as session:
            token = session.get(Token, token_id)
            if token is None:
                raise NotFound(f"no token with id {token_id}")
            session.delete(token)

    def consume_one_time_token(self, token_id: int) -> bool:
        """Delete a one-time token; True only for the caller that actually removed it."""
        with self._write("system", "token.consume", str(token_id)) as session:
            result = session.execute(delete(Token).where(Token.id == token_id, Token.one_time.is_(True)))
            return result.rowcount == 1

    # -- owners of kernels, terminals, sessions ---------------------------------------------

    def set_owner(self, kind: str, resource_id: str, owner: str) -> None:
        if kind not in OWNED_KINDS:
            raise InvalidInput(f"unknown owned kind {kind!r}")
        # Not a policy change: no version bump, no audit (a kernel start is not an admin act).
        with self._sessions.begin() as session:
            session.merge(ResourceOwner(kind=kind, resource_id=resource_id, owner=owner))

    def forget_owner(self, kind: str, resource_id: str) -> None:
        with self._sessions.begin() as session:
            session.execute(
                delete(ResourceOwner).where(
                    ResourceOwner.kind == kind, ResourceOwner.resource_id == resource_id
                )
            )

    def owners(self) -> dict[tuple[str, str], str]:
        with self._sessions() as session:
            rows = session.execute(select(ResourceOwner.kind, ResourceOwner.resource_id, ResourceOwner.owner))
            return {(kind, rid): owner for kind, rid, owner in rows}

    # -- audit -------------------------------------------------------------------------------

    def audit_events(self, limit: int = 100) -> list[dict]:
        with self._sessions() as session:
            rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
            return [
                {
                    "id": e.id,
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "target": e.target,
                    "detail": e.detail,
                }
                for e in rows
            ]

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _role(session: Session, name: str) -> Role:
        role = session.scalar(select(Role).where(Role.name == name))
        if role is None:
            raise NotFound(f"no role named {name!r}")
        return role

    @staticmethod
    def _user(session: Session, name: str) -> User:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise NotFound(f"no user named {name!r}")
        return user

    @staticmethod
    def _group(session: Session, name: str) -> Group:
        group = session.scalar(select(Group).where(Group.name == name))
        if group is None:
            raise NotFound(f"no group named {name!r}")
        return group


def _pairs(rows: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    collected: dict[str, set[str]] = {}
    for left, right in rows:
        collected.setdefault(left, set()).add(right)
    return {key: frozenset(values) for key, values in collected.items()}


def _role_record(role: Role) -> RoleRecord:
    return RoleRecord(
        role.name,
        role.description,
        list(role.scopes),
        role.builtin,
        sorted(u.name for u in role.users),
        sorted(g.name for g in role.groups),
    )
