"""Users: what the policy reads about one, listing them, and creating, changing, deleting them.

Passwords, profiles, sessions and invitations are the accounts part (accounts.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, literal, or_, select, union_all
from sqlalchemy.orm import selectinload

from ..errors import Conflict
from .base import unique
from .checks import check_name
from .listing import names_by, page
from .models import Group, Role, Share, User, group_members, role_users
from .records import Page, UserEntry, UserRecord
from .rows import user_entry
from .shares import PLAIN_SHARE_ROWS, Shares, plain_share_records

_USER_ROW = select(
    User.id, User.display_name, User.avatar_url, User.color, User.session_epoch
).where(User.name == bindparam("name"))
# ("role", name) for each role the user holds directly, ("group", name) for each of their groups
_USER_HOLDINGS = union_all(
    select(literal("role"), Role.name)
    .join_from(role_users, Role)
    .where(role_users.c.user_id == bindparam("user_id")),
    select(literal("group"), Group.name)
    .join_from(group_members, Group)
    .where(group_members.c.user_id == bindparam("user_id")),
)
_USER_SHARES = PLAIN_SHARE_ROWS.where(Share.user_id == bindparam("user_id")).order_by(Share.id)


class Users(Shares):
    """The users part of `Store`."""

    def user_record(self, name: str) -> UserRecord | None:
        """One user's display name, direct roles, groups and shares; None if there is no such
        user. Plain statements on one connection: a user's first request after a change that
        concerned them reads this."""
        with self.engine.connect() as connection:
            row = connection.execute(_USER_ROW, {"name": name}).first()
            if row is None:
                return None
            holdings: dict[str, set[str]] = {"role": set(), "group": set()}
            for kind, held in connection.execute(_USER_HOLDINGS, {"user_id": row.id}):
                holdings[kind].add(held)
            shares = plain_share_records(connection.execute(_USER_SHARES, {"user_id": row.id}))
        return UserRecord(
            name,
            row.display_name,
            frozenset(holdings["role"]),
            frozenset(holdings["group"]),
            avatar_url=row.avatar_url or "",
            color=row.color or "",
            session_epoch=row.session_epoch or 0,
            shares=tuple(shares),
        )

    def list_users(self) -> list[UserRecord]:
        with self._sessions() as session:
            users = session.scalars(
                select(User)
                .options(selectinload(User.roles), selectinload(User.groups))
                .order_by(User.name)
            )
            return [
                UserRecord(
                    u.name,
                    u.display_name,
                    frozenset(r.name for r in u.roles),
                    frozenset(g.name for g in u.groups),
                )
                for u in users
            ]

    def get_user(self, name: str) -> UserEntry:
        with self._sessions() as session:
            return user_entry(self._user(session, name))

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
                or_(
                    User.name.icontains(query, autoescape=True),
                    User.display_name.icontains(query, autoescape=True),
                )
            )
        if role is not None:
            holds = Role.name == role
            statement = statement.where(
                or_(User.roles.any(holds), User.groups.any(Group.roles.any(holds)))
            )
        if group is not None:
            statement = statement.where(User.groups.any(Group.name == group))
        for names, groups in only or ():
            statement = statement.where(
                or_(User.name.in_(sorted(names)), User.groups.any(Group.name.in_(sorted(groups))))
            )
        with self._sessions() as session:
            users, total = page(session, statement, "users", sort, limit, offset)
            ids = [user.id for user in users]
            roles = names_by(session, role_users.c.user_id, role_users.c.role_id, Role, ids)
            groups = names_by(
                session, group_members.c.user_id, group_members.c.group_id, Group, ids
            )
            return Page(
                [user_entry(u, roles.get(u.id, []), groups.get(u.id, [])) for u in users], total
            )

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
            user.roles = [
                self._touched(self._ref(session, Role, r, "roles")) for r in unique(roles)
            ]
            user.groups = [
                self._touched(self._ref(session, Group, g, "groups")) for g in unique(groups)
            ]
            session.flush()
            entry = user_entry(user)
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
            entry = user_entry(user)
        return entry

    def delete_user(
        self, name: str, actor: str = "system", expected_revision: int | None = None
    ) -> None:
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
