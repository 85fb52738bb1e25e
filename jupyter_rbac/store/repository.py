"""The policy store: every read and write of roles, users, groups, tokens, owners and audit.

Every write runs in one transaction that also bumps the policy version and records an audit
event, so a change is all-or-nothing and every process notices it. Roles, users and groups carry
a revision (SQLAlchemy's version counter): a write naming the revision it read fails with
PreconditionFailed if anyone changed the record since, in this process or another.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Column, Engine, Select, delete, event, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from ..limits import MAX_AUDIT_TEXT, MAX_TOKEN_NOTE, MAX_TOKENS_PER_USER
from .accounts import AccountsMixin
from .engine import (
    WRITE_OPTION,
    ChangeWatcher,
    announce_change,
    open_engine,
    upgrade_schema,
    watch_changes,
)
from .hashing import TOKEN_PREFIX, GuessThrottle, issue_secret, lookup_of
from .models import (
    AuditEvent,
    Group,
    Invitation,
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
from .records import (
    AuditRecord,
    GroupRecord,
    Page,
    PolicySnapshot,
    RoleRecord,
    TokenIdentity,
    TokenRecord,
    UserEntry,
    UserRecord,
    aware,
)

# Names become path segments (`home/{user}`) and filter values: keep them plain.
# The OpenAPI spec carries the same text. Checked with fullmatch: Python's $ (unlike
# JavaScript's) also matches before a final newline, and "bob\n" is no name.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_@+\-][A-Za-z0-9_.@+\-]{0,127}$")
NAME_RULE = "1-128 letters, digits and . _ @ + - (not starting with '.')"
OWNED_KINDS = ("kernel", "terminal", "session")
# The role that must always keep at least one holder (see _keep_an_administrator).
GUARDED_ROLE = "admin"
# Marks "leave this field as it is" where None is a meaningful value.
KEEP: Any = object()

SORTABLE = {
    "roles": {"name": Role.name, "created_at": Role.created_at, "updated_at": Role.updated_at},
    "users": {
        "name": User.name,
        "display_name": User.display_name,
        "created_at": User.created_at,
        "updated_at": User.updated_at,
    },
    "groups": {"name": Group.name, "created_at": Group.created_at, "updated_at": Group.updated_at},
}

ChangeListener = Callable[[AuditRecord], None]


def check_name(kind: str, name: object) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InvalidInput(f"invalid {kind} name {name!r}: use {NAME_RULE}")
    return name


# What a terminal or a page may act on instead of showing: C0 and C1 controls (escape sequences),
# line and paragraph separators, and the bidirectional overrides and isolates that reorder text
# ("Trojan Source"). Other format characters (zero-width joiners of emoji and scripts) are text.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def check_text(field_name: str, value: object) -> str:
    """`value` if it is a string without control characters (one line, shown as it is)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{field_name}: a string")
    found = CONTROL_CHARACTERS.search(value)
    if found is not None:
        raise InvalidInput(
            f"{field_name}: a single line without control characters"
            f" (found {found.group()!r} at position {found.start()})"
        )
    return value


def clipped(text: str, limit: int = MAX_AUDIT_TEXT) -> str:
    """`text`, cut to `limit` characters (ending in "…" when cut): what an audit row keeps."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clipped_detail(value: Any) -> Any:
    """An audit detail with every text in it clipped, however deep."""
    if isinstance(value, str):
        return clipped(value)
    if isinstance(value, dict):
        return {key: clipped_detail(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clipped_detail(item) for item in value]
    return value


def _refuse_on_set(attribute, check: Callable[[str, object], Any], label: str) -> None:
    """Every write of `attribute`, whoever makes it (API, shell, import, identity sources),
    is checked: one rule, however many ways in."""

    @event.listens_for(attribute, "set", retval=True)
    def checked(_target, value, _old, _initiator):
        check(label, value)
        return value


_NAMES = (
    (User.name, "user"),
    (Group.name, "group"),
    (Role.name, "role"),
    (Invitation.username, "user"),
)
_TEXTS = (
    (User.display_name, "display_name"),
    (Invitation.display_name, "display_name"),
    (Token.note, "note"),
)
for _attribute, _label in _NAMES:
    _refuse_on_set(_attribute, check_name, _label)
for _attribute, _label in _TEXTS:
    _refuse_on_set(_attribute, check_text, _label)


@dataclass
class _Repeat:
    """Refusals of one actor and action, counted into the row of the first."""

    row: int
    since: float  # time.monotonic() of the first
    count: int = 1


# A token from before migration 0003 was found by its unsalted SHA-256: finding it verified it.
LEGACY_HASH = "legacy-sha256"


# What identifying a token reads: who it speaks for, its limits, and who made it.
_IDENTITY_COLUMNS = (
    Token.id,
    User.name,
    Token.scopes,
    Token.one_time,
    Token.expires_at,
    Token.hashed,
    Token.lookup,
    Token.created_by,
)


def legacy_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def verify_token(hashed: str, secret: str, throttle: GuessThrottle) -> bool:
    """Is `secret` the token `hashed` was made of? Wrong guesses per look-up key are throttled."""
    return hashed == LEGACY_HASH or throttle.verify(lookup_of(TOKEN_PREFIX, secret), hashed, secret)


class Store(AccountsMixin):
    """The policy database, behind plain-data methods. Open with `Store.open(url)`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self._watcher: ChangeWatcher | None = None
        self._wrote = False  # a change committed by this Store since the last `changed()`
        # Called after each committed change, in this process (the server emits events here).
        self.listeners: list[ChangeListener] = []
        # Wrong token secrets, per look-up key (the server sets c.RBAC's numbers).
        self.guesses = GuessThrottle()
        # Repeated refusals of one actor within this many seconds become one audit row.
        self.coalesce_seconds = 10.0
        self._repeats: dict[tuple[str, str], _Repeat] = {}

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
        """True if the database may have changed since the last call (cheap; no disk I/O on SQLite).

        Our own writes count at once; other processes' as soon as their notification arrives
        (PostgreSQL: about a millisecond after their commit) or at once (SQLite).
        """
        if self._watcher is None:
            self._watcher = watch_changes(self.engine)
            return True
        own, self._wrote = self._wrote, False
        return self._watcher.changed() or own

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def _write(self, actor: str, action: str, target: str, **detail) -> Iterator[Session]:
        """A transaction that bumps the policy version and records an audit event.

        The body may add to `detail` through `session.info["detail"]`.
        """
        with self._write_sessions.begin() as session:
            # Policy writers take turns (they are rare): each reads what the previous committed,
            # so checks such as "an admin remains" see the true state, and no two deadlock.
            # SQLite: BEGIN IMMEDIATE already did this. PostgreSQL: lock the version row.
            session.execute(select(PolicyState.id).where(PolicyState.id == 1).with_for_update())
            session.info["detail"] = detail
            had_admin = self._administrators(session) > 0
            actor_was_admin = self._administrators(session, actor) > 0
            try:
                yield session
                session.flush()
            except IntegrityError as error:
                raise Conflict(f"{action} {target}: conflicts with existing data") from error
            except StaleDataError as error:
                raise PreconditionFailed(
                    f"{target} was changed by someone else; reload it and try again"
                ) from error
            if had_admin and self._administrators(session) == 0:
                raise Conflict(
                    f"{action} {target}: refused, it would leave nobody with the {GUARDED_ROLE!r} role"
                )
            if actor_was_admin and self._administrators(session, actor) == 0:
                raise Conflict(
                    f"{action} {target}: refused, you would lose your own {GUARDED_ROLE!r} role;"
                    " ask another administrator"
                )
            session.execute(
                update(PolicyState).where(PolicyState.id == 1).values(version=PolicyState.version + 1)
            )
            event = _audit_event(actor, action, target, detail)
            session.add(event)
            announce_change(session.connection())
            session.flush()
            record = _audit_record(event)
        self._wrote = True
        for listener in self.listeners:
            listener(record)

    @staticmethod
    def _administrators(session: Session, only: str | None = None) -> int:
        """How many users hold the guarded role, directly or through a group (of `only`: 0 or 1)."""
        role_id = select(Role.id).where(Role.name == GUARDED_ROLE).scalar_subquery()
        direct = select(role_users.c.user_id).where(role_users.c.role_id == role_id)
        via_groups = (
            select(group_members.c.user_id)
            .join(role_groups, role_groups.c.group_id == group_members.c.group_id)
            .where(role_groups.c.role_id == role_id)
        )
        if only is not None:
            user_id = select(User.id).where(User.name == only).scalar_subquery()
            direct = direct.where(role_users.c.user_id == user_id)
            via_groups = via_groups.where(group_members.c.user_id == user_id)
        holders = direct.union(via_groups).subquery()
        return session.scalar(select(func.count()).select_from(holders)) or 0

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
            row = session.execute(
                select(User.id, User.display_name, User.avatar_url, User.color, User.session_epoch).where(
                    User.name == name
                )
            ).first()
            if row is None:
                return None
            roles = session.scalars(
                select(Role.name).join_from(role_users, Role).where(role_users.c.user_id == row.id)
            )
            role_names = frozenset(roles)
            groups = session.scalars(
                select(Group.name).join_from(group_members, Group).where(group_members.c.user_id == row.id)
            )
            return UserRecord(
                name,
                row.display_name,
                role_names,
                frozenset(groups),
                avatar_url=row.avatar_url or "",
                color=row.color or "",
                session_epoch=row.session_epoch or 0,
            )

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
        return self.page_roles().items

    def page_roles(
        self, limit: int | None = None, offset: int = 0, sort: str = "name", query: str = ""
    ) -> Page[RoleRecord]:
        statement = select(Role)
        if query:
            statement = statement.where(Role.name.icontains(query, autoescape=True))
        with self._sessions() as session:
            roles, total = _page(session, statement, "roles", sort, limit, offset)
            ids = [role.id for role in roles]
            users = _names_by(session, role_users.c.role_id, role_users.c.user_id, User, ids)
            groups = _names_by(session, role_groups.c.role_id, role_groups.c.group_id, Group, ids)
            return Page([_role_record(r, users.get(r.id, []), groups.get(r.id, [])) for r in roles], total)

    def create_role(
        self,
        name: str,
        scopes: Iterable[str],
        description: str = "",
        builtin: bool = False,
        actor: str = "system",
        users: Iterable[str] = (),
        groups: Iterable[str] = (),
        managed_by: str | None = None,
    ) -> RoleRecord:
        check_name("role", name)
        scopes, users, groups = list(scopes), list(users), list(groups)
        detail = {"scopes": scopes, "users": users, "groups": groups}
        with self._write(actor, "role.create", name, **detail) as session:
            if session.scalar(select(Role.id).where(Role.name == name)) is not None:
                raise Conflict(f"role {name!r} already exists")
            role = Role(
                name=name, description=description, scopes=scopes, builtin=builtin, managed_by=managed_by
            )
            session.add(role)
            role.users = [self._touched(self._ref(session, User, u, "users")) for u in _unique(users)]
            role.groups = [self._touched(self._ref(session, Group, g, "groups")) for g in _unique(groups)]
            session.flush()
            record = _role_record(role)
        return record

    def update_role(
        self,
        name: str,
        scopes: Iterable[str] | None = None,
        description: str | None = None,
        actor: str = "system",
        users: Iterable[str] | None = None,
        groups: Iterable[str] | None = None,
        managed_by: Any = KEEP,
        expected_revision: int | None = None,
    ) -> RoleRecord:
        """Change the fields given (users and groups: the complete new lists)."""
        with self._write(actor, "role.update", name) as session:
            role = self._role(session, name, expected_revision)
            changes = session.info["detail"]
            if scopes is not None:
                _note_change(changes, "scopes", role.scopes, scopes)
                role.scopes = list(scopes)
            if description is not None and description != role.description:
                changes["description"] = description
                role.description = description
            if managed_by is not KEEP:
                role.managed_by = managed_by
            if users is not None:
                role.users = self._relink(session, User, "users", role.users, users)
            if groups is not None:
                role.groups = self._relink(session, Group, "groups", role.groups, groups)
            self._touched(role)
            session.flush()
            record = _role_record(role)
        return record

    def delete_role(self, name: str, actor: str = "system", expected_revision: int | None = None) -> None:
        with self._write(actor, "role.delete", name) as session:
            role = self._role(session, name, expected_revision)
            session.info["detail"].update(
                scopes=list(role.scopes), users=[u.name for u in role.users], groups=[g.name for g in role.groups]
            )
            for holder in [*role.users, *role.groups]:
                self._touched(holder)
            session.delete(role)

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
                    record.users.append(self._touched(user))
            for name in groups:
                group = self._group(session, name)
                if group not in record.groups:
                    record.groups.append(self._touched(group))
            self._touched(record)

    def unassign_role(
        self, role: str, users: Iterable[str] = (), groups: Iterable[str] = (), actor: str = "system"
    ) -> None:
        users, groups = set(users), set(groups)
        with self._write(actor, "role.unassign", role, users=sorted(users), groups=sorted(groups)) as session:
            record = self._role(session, role)
            for holder in [*record.users, *record.groups]:
                if holder.name in (users if isinstance(holder, User) else groups):
                    self._touched(holder)
            record.users = [u for u in record.users if u.name not in users]
            record.groups = [g for g in record.groups if g.name not in groups]
            self._touched(record)

    # -- users -------------------------------------------------------------------------------

    def get_user(self, name: str) -> UserEntry:
        with self._sessions() as session:
            return _user_entry(self._user(session, name))

    def page_users(
        self,
        limit: int | None = None,
        offset: int = 0,
        sort: str = "name",
        query: str = "",
        role: str | None = None,
        group: str | None = None,
        only: list[tuple[frozenset[str], frozenset[str]]] | None = None,
    ) -> Page[UserEntry]:
        """Users, a page at a time. Each (names, groups) of `only` limits the list to those users
        and the members of those groups (for callers whose read permission is filtered)."""
        statement = select(User)
        if query:
            statement = statement.where(
                or_(User.name.icontains(query, autoescape=True), User.display_name.icontains(query, autoescape=True))
            )
        if role is not None:
            holds = Role.name == role
            statement = statement.where(or_(User.roles.any(holds), User.groups.any(Group.roles.any(holds))))
        if group is not None:
            statement = statement.where(User.groups.any(Group.name == group))
        for names, groups in only or ():
            statement = statement.where(
                or_(User.name.in_(sorted(names)), User.groups.any(Group.name.in_(sorted(groups))))
            )
        with self._sessions() as session:
            users, total = _page(session, statement, "users", sort, limit, offset)
            ids = [user.id for user in users]
            roles = _names_by(session, role_users.c.user_id, role_users.c.role_id, Role, ids)
            groups = _names_by(session, group_members.c.user_id, group_members.c.group_id, Group, ids)
            return Page([_user_entry(u, roles.get(u.id, []), groups.get(u.id, [])) for u in users], total)

    def create_user(
        self,
        name: str,
        display_name: str = "",
        actor: str = "system",
        roles: Iterable[str] = (),
        groups: Iterable[str] = (),
    ) -> UserEntry:
        check_name("user", name)
        roles, groups = list(roles), list(groups)
        with self._write(actor, "user.create", name, roles=roles, groups=groups) as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise Conflict(f"user {name!r} already exists")
            user = User(name=name, display_name=display_name or name)
            session.add(user)
            user.roles = [self._touched(self._ref(session, Role, r, "roles")) for r in _unique(roles)]
            user.groups = [self._touched(self._ref(session, Group, g, "groups")) for g in _unique(groups)]
            session.flush()
            entry = _user_entry(user)
        return entry

    def update_user(
        self,
        name: str,
        display_name: str | None = None,
        roles: Iterable[str] | None = None,
        groups: Iterable[str] | None = None,
        actor: str = "system",
        expected_revision: int | None = None,
    ) -> UserEntry:
        """Change the fields given (roles: the user's complete list of direct roles)."""
        with self._write(actor, "user.update", name) as session:
            user = self._user(session, name, expected_revision)
            changes = session.info["detail"]
            if display_name is not None and display_name != user.display_name:
                changes["display_name"] = display_name
                user.display_name = display_name or name
            if roles is not None:
                user.roles = self._relink(session, Role, "roles", user.roles, roles)
            if groups is not None:
                user.groups = self._relink(session, Group, "groups", user.groups, groups)
            self._touched(user)
            session.flush()
            entry = _user_entry(user)
        return entry

    def delete_user(self, name: str, actor: str = "system", expected_revision: int | None = None) -> None:
        with self._write(actor, "user.delete", name) as session:
            user = self._user(session, name, expected_revision)
            for holder in [*user.roles, *user.groups]:
                self._touched(holder)
            session.delete(user)

    def user_exists(self, name: str) -> bool:
        with self._sessions() as session:
            return session.scalar(select(User.id).where(User.name == name)) is not None

    def count_users(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(User))

    # -- groups ------------------------------------------------------------------------------

    def get_group(self, name: str) -> GroupRecord:
        with self._sessions() as session:
            return _group_record(self._group(session, name))

    def page_groups(
        self,
        limit: int | None = None,
        offset: int = 0,
        sort: str = "name",
        query: str = "",
        only: frozenset[str] | None = None,
    ) -> Page[GroupRecord]:
        statement = select(Group)
        if query:
            statement = statement.where(Group.name.icontains(query, autoescape=True))
        if only is not None:
            statement = statement.where(Group.name.in_(sorted(only)))
        with self._sessions() as session:
            groups, total = _page(session, statement, "groups", sort, limit, offset)
            ids = [group.id for group in groups]
            members = _names_by(session, group_members.c.group_id, group_members.c.user_id, User, ids)
            roles = _names_by(session, role_groups.c.group_id, role_groups.c.role_id, Role, ids)
            return Page([_group_record(g, members.get(g.id, []), roles.get(g.id, [])) for g in groups], total)

    def create_group(
        self,
        name: str,
        description: str = "",
        actor: str = "system",
        members: Iterable[str] = (),
        roles: Iterable[str] = (),
    ) -> GroupRecord:
        check_name("group", name)
        members, roles = list(members), list(roles)
        with self._write(actor, "group.create", name, members=members, roles=roles) as session:
            if session.scalar(select(Group.id).where(Group.name == name)) is not None:
                raise Conflict(f"group {name!r} already exists")
            group = Group(name=name, description=description)
            session.add(group)
            group.members = [self._touched(self._ref(session, User, u, "members")) for u in _unique(members)]
            group.roles = [self._touched(self._ref(session, Role, r, "roles")) for r in _unique(roles)]
            session.flush()
            record = _group_record(group)
        return record

    def update_group(
        self,
        name: str,
        description: str | None = None,
        members: Iterable[str] | None = None,
        roles: Iterable[str] | None = None,
        actor: str = "system",
        expected_revision: int | None = None,
    ) -> GroupRecord:
        with self._write(actor, "group.update", name) as session:
            group = self._group(session, name, expected_revision)
            changes = session.info["detail"]
            if description is not None and description != group.description:
                changes["description"] = description
                group.description = description
            if members is not None:
                group.members = self._relink(session, User, "members", group.members, members)
            if roles is not None:
                group.roles = self._relink(session, Role, "roles", group.roles, roles)
            self._touched(group)
            session.flush()
            record = _group_record(group)
        return record

    def delete_group(self, name: str, actor: str = "system", expected_revision: int | None = None) -> None:
        with self._write(actor, "group.delete", name) as session:
            group = self._group(session, name, expected_revision)
            session.info["detail"].update(
                members=[u.name for u in group.members], roles=[r.name for r in group.roles]
            )
            for holder in [*group.members, *group.roles]:
                self._touched(holder)
            session.delete(group)

    def add_members(self, group: str, users: Iterable[str], actor: str = "system") -> None:
        users = list(users)
        with self._write(actor, "group.add_members", group, users=users) as session:
            record = self._group(session, group)
            for name in users:
                user = self._user(session, name)
                if user not in record.members:
                    record.members.append(self._touched(user))
            self._touched(record)

    def remove_members(self, group: str, users: Iterable[str], actor: str = "system") -> None:
        users = set(users)
        with self._write(actor, "group.remove_members", group, users=sorted(users)) as session:
            record = self._group(session, group)
            for member in record.members:
                if member.name in users:
                    self._touched(member)
            record.members = [u for u in record.members if u.name not in users]
            self._touched(record)

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
        """A new token for `username`: returns (id, secret). Only a salted hash of it is stored."""
        if len(check_text("note", note)) > MAX_TOKEN_NOTE:
            raise InvalidInput(f"note: at most {MAX_TOKEN_NOTE} characters")
        issued = issue_secret(TOKEN_PREFIX)
        scopes = list(scopes) if scopes is not None else None
        detail = {"note": note, "scopes": scopes, "one_time": one_time}
        with self._write(actor, "token.create", username, **detail) as session:
            user = self._user(session, username)
            if self._live_tokens(session, user) >= MAX_TOKENS_PER_USER:
                raise InvalidInput(
                    f"{username!r} has {MAX_TOKENS_PER_USER} tokens, the most one user may have:"
                    " revoke one first"
                )
            token = Token(
                user=user,
                hashed=issued.hashed,
                lookup=issued.lookup,
                prefix=issued.lookup[:4],
                note=note,
                scopes=scopes,
                one_time=one_time,
                expires_at=expires_at,
                created_by=actor,
            )
            session.add(token)
            session.flush()
            token_id = token.id
            session.info["detail"]["id"] = token_id
        return token_id, issued.secret

    @staticmethod
    def _live_tokens(session: Session, user: User) -> int:
        """How many unexpired tokens `user` has (expired ones no longer count towards the limit)."""
        unexpired = Token.expires_at.is_(None) | (Token.expires_at > utcnow())
        live = select(func.count()).select_from(Token).where(Token.user_id == user.id, unexpired)
        return session.scalar(live) or 0

    def list_tokens(self, username: str) -> list[TokenRecord]:
        with self._sessions() as session:
            user = self._user(session, username)
            tokens = session.scalars(select(Token).where(Token.user_id == user.id).order_by(Token.id))
            return [_token_record(token, username) for token in tokens]

    def get_token(self, username: str, token_id: int) -> TokenRecord:
        with self._sessions() as session:
            token = self._token(session, username, token_id)
            return _token_record(token, username)

    def find_token(self, secret: str) -> tuple[TokenIdentity, str] | None:
        """The token `secret` claims to be, with the hash to verify it against (not verified here).

        None if no token has its look-up key, or if it has expired.
        """
        lookup = lookup_of(TOKEN_PREFIX, secret)
        if lookup is not None:
            condition = Token.lookup == lookup
        elif secret.startswith(TOKEN_PREFIX):  # issued before migration 0003: unsalted SHA-256
            condition = (Token.lookup.is_(None)) & (Token.hashed == legacy_token_hash(secret))
        else:
            return None
        with self._sessions() as session:
            row = session.execute(
                select(*_IDENTITY_COLUMNS)
                .join(User)
                .where(condition)
            ).first()
        if row is None:
            return None
        expires_at = aware(row.expires_at)
        if expires_at is not None and expires_at <= datetime.now(timezone.utc):
            return None
        scopes = tuple(row.scopes) if row.scopes is not None else None
        hashed = row.hashed if row.lookup is not None else LEGACY_HASH
        return TokenIdentity(row.id, row.name, scopes, row.one_time, expires_at, row.created_by), hashed

    def identify_token(self, secret: str) -> TokenIdentity | None:
        """Who `secret` speaks for, or None if it is unknown, wrong or expired (slow: verifies)."""
        found = self.find_token(secret)
        if found is None or not verify_token(found[1], secret, self.guesses):
            return None
        return found[0]

    def delete_token(self, token_id: int, actor: str = "system", username: str | None = None) -> None:
        """Revoke a token (of `username`, if given: another user's token id is 'not found')."""
        with self._write(actor, "token.delete", username or "", id=token_id) as session:
            token = self._token(session, username, token_id)
            session.info["detail"]["user"] = token.user.name
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

    def record_event(
        self, actor: str, action: str, target: str, coalesce: str | None = None, **detail
    ) -> AuditRecord | None:
        """An audit row that is not a policy change (a denied request): no version bump.

        With `coalesce` (a kind, e.g. the method and the scope a refusal lacked), a repeat of the
        same actor, action and kind within `coalesce_seconds` of the first adds to that row's
        `count` (and `last_at`) instead of making a row or an event: a flood of refusals costs
        one row, and a refusal of another kind still shows by itself. Returns None for a repeat.
        """
        key = (actor, action, coalesce or "")
        if coalesce is not None and self._counted_as_repeat(key):
            return None
        with self._sessions.begin() as session:
            event = _audit_event(actor, action, target, detail)
            session.add(event)
            session.flush()
            record = _audit_record(event)
        if coalesce is not None:
            self._remember_repeat(key, record.id)
        for listener in self.listeners:
            listener(record)
        return record

    def _counted_as_repeat(self, key: tuple[str, str, str]) -> bool:
        """Add one to the row of a refusal repeated within the window; False if there is none."""
        repeat = self._repeats.get(key)
        if repeat is None or time.monotonic() - repeat.since >= self.coalesce_seconds:
            return False
        repeat.count += 1
        with self._sessions.begin() as session:
            event = session.get(AuditEvent, repeat.row)
            if event is None:  # pruned meanwhile
                return False
            counted = {"count": repeat.count, "last_at": utcnow().isoformat()}
            event.detail = {**(event.detail or {}), **counted}
        return True

    def _remember_repeat(self, key: tuple[str, str, str], row: int) -> None:
        if len(self._repeats) >= 10_000:  # a bound: forget the windows that ended
            now = time.monotonic()
            window = self.coalesce_seconds
            self._repeats = {k: r for k, r in self._repeats.items() if now - r.since < window}
        self._repeats[key] = _Repeat(row, time.monotonic())

    def prune_audit(self, max_age_days: float, max_rows: int) -> int:
        """Delete audit rows older than `max_age_days` and all but the newest `max_rows`
        (0: no limit of that kind). Returns how many rows went."""
        removed = 0
        with self._sessions.begin() as session:
            if max_age_days > 0:
                cutoff = utcnow() - timedelta(days=max_age_days)
                removed += _deleted(session, AuditEvent.at < cutoff)
            if max_rows > 0:
                newest = select(AuditEvent.id).order_by(AuditEvent.id.desc())
                oldest_kept = session.scalar(newest.offset(max_rows - 1).limit(1))
                if oldest_kept is not None:
                    removed += _deleted(session, AuditEvent.id < oldest_kept)
        return removed

    def audit_events(self, limit: int = 100) -> list[dict]:
        return [event.to_json() for event in self.page_audit(limit=limit).items]

    def page_audit(
        self,
        limit: int = 100,
        before: int | None = None,
        offset: int = 0,
        actor: str | None = None,
        target: str | None = None,
        kind: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[AuditRecord]:
        """The trail, newest first. `before` (an event id) is a cursor for the next page."""
        statement = select(AuditEvent)
        if actor is not None:
            statement = statement.where(AuditEvent.actor == actor)
        if target is not None:
            statement = statement.where(AuditEvent.target == target)
        if kind is not None:
            statement = statement.where(AuditEvent.action.startswith(f"{kind}.", autoescape=True))
        if action is not None:
            statement = statement.where(AuditEvent.action == action)
        if since is not None:
            statement = statement.where(AuditEvent.at >= since)
        if until is not None:
            statement = statement.where(AuditEvent.at < until)
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
            if before is not None:
                statement = statement.where(AuditEvent.id < before)
            statement = statement.order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
            return Page([_audit_record(event) for event in session.scalars(statement)], total)

    # -- helpers -----------------------------------------------------------------------------

    def _relink(self, session: Session, model: type, field_name: str, current: list, names: Iterable[str]) -> list:
        """The records `names` lists (a complete new list for `field_name`): the change is noted
        for the audit trail, and every record gaining or losing the link is touched."""
        wanted = [self._ref(session, model, name, field_name) for name in _unique(names)]
        _note_change(session.info["detail"], field_name, [r.name for r in current], [r.name for r in wanted])
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
        _check_revision(role, f"role {name!r}", expected_revision)
        return role

    @staticmethod
    def _user(session: Session, name: str, expected_revision: int | None = None) -> User:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise NotFound(f"no user named {name!r}")
        _check_revision(user, f"user {name!r}", expected_revision)
        return user

    @staticmethod
    def _group(session: Session, name: str, expected_revision: int | None = None) -> Group:
        group = session.scalar(select(Group).where(Group.name == name))
        if group is None:
            raise NotFound(f"no group named {name!r}")
        _check_revision(group, f"group {name!r}", expected_revision)
        return group

    @staticmethod
    def _token(session: Session, username: str | None, token_id: int) -> Token:
        token = session.get(Token, token_id)
        if token is None or (username is not None and token.user.name != username):
            raise NotFound(f"no token with id {token_id}" + (f" for user {username!r}" if username else ""))
        return token


def _check_revision(record, what: str, expected: int | None) -> None:
    if expected is not None and record.revision != expected:
        raise PreconditionFailed(f"{what} was changed by someone else; reload it and try again")


def _page(session: Session, statement: Select, kind: str, sort: str, limit: int | None, offset: int):
    """(rows of one page, total count) of `statement`, ordered by `sort` ("name", "-created_at")."""
    descending = sort.startswith("-")
    column = SORTABLE[kind].get(sort[1:] if descending else sort)
    if column is None:
        raise InvalidInput(f"sort: cannot sort {kind} by {sort!r}; use one of {', '.join(SORTABLE[kind])}")
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    order = column.desc() if descending else column.asc()
    name_column = SORTABLE[kind]["name"]  # a stable tie-breaker
    statement = statement.order_by(order, name_column).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement)), total


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _note_change(changes: dict, field_name: str, before: Iterable[str], after: Iterable[str]) -> None:
    before, after = list(before), list(after)
    added = [x for x in after if x not in before]
    removed = [x for x in before if x not in after]
    if added or removed:
        changes[field_name] = {"added": added, "removed": removed}


def _pairs(rows: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    collected: dict[str, set[str]] = {}
    for left, right in rows:
        collected.setdefault(left, set()).add(right)
    return {key: frozenset(values) for key, values in collected.items()}


def _versioned(record) -> dict:
    return {
        "id": record.id,
        "revision": record.revision,
        "created_at": aware(record.created_at),
        "updated_at": aware(record.updated_at),
    }


def _names_by(session: Session, own: Column, other: Column, model: type, ids: list[int]) -> dict[int, list[str]]:
    """For each id in `ids`, the sorted names linked to it through an association table.

    One query of (id, name) pairs: lists of thousands of names without building ORM objects.
    """
    if not ids:
        return {}
    rows = session.execute(
        select(own, model.name).join(model, model.id == other).where(own.in_(ids)).order_by(own, model.name)
    )
    names: dict[int, list[str]] = {}
    for key, name in rows:
        names.setdefault(key, []).append(name)
    return names


def _role_record(role: Role, users: list[str] | None = None, groups: list[str] | None = None) -> RoleRecord:
    return RoleRecord(
        **_versioned(role),
        name=role.name,
        description=role.description,
        scopes=list(role.scopes),
        builtin=role.builtin,
        managed_by=role.managed_by,
        users=users if users is not None else sorted(u.name for u in role.users),
        groups=groups if groups is not None else sorted(g.name for g in role.groups),
    )


def _user_entry(user: User, roles: list[str] | None = None, groups: list[str] | None = None) -> UserEntry:
    return UserEntry(
        **_versioned(user),
        name=user.name,
        display_name=user.display_name,
        roles=roles if roles is not None else sorted(r.name for r in user.roles),
        groups=groups if groups is not None else sorted(g.name for g in user.groups),
        avatar_url=user.avatar_url or "",
        color=user.color or "",
        password_set=user.password_hash is not None,
    )


def _group_record(group: Group, members: list[str] | None = None, roles: list[str] | None = None) -> GroupRecord:
    return GroupRecord(
        **_versioned(group),
        name=group.name,
        description=group.description,
        members=members if members is not None else sorted(u.name for u in group.members),
        roles=roles if roles is not None else sorted(r.name for r in group.roles),
    )


def _token_record(token: Token, username: str) -> TokenRecord:
    return TokenRecord(
        id=token.id,
        user=username,
        note=token.note,
        prefix=TOKEN_PREFIX + token.prefix,
        scopes=list(token.scopes) if token.scopes is not None else None,
        one_time=token.one_time,
        created_at=aware(token.created_at),
        expires_at=aware(token.expires_at),
        created_by=token.created_by,
    )


def _audit_event(actor: str, action: str, target: str, detail: dict) -> AuditEvent:
    """A new audit row; its texts clipped, so no request can make one large."""
    return AuditEvent(
        actor=actor,
        action=action,
        target=clipped(target),
        detail=clipped_detail(detail),
        at=utcnow(),
    )


def _deleted(session: Session, condition) -> int:
    """Delete the audit rows matching `condition`; how many went."""
    return session.execute(delete(AuditEvent).where(condition)).rowcount or 0


def _audit_record(event: AuditEvent) -> AuditRecord:
    return AuditRecord(event.id, aware(event.at), event.actor, event.action, event.target, dict(event.detail or {}))
