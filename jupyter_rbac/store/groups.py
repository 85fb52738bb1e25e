"""Groups: reading, creating, changing and deleting them, and their members."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..errors import Conflict
from .base import unique
from .changes import PolicyChanges
from .checks import check_name
from .listing import names_by, page
from .models import Group, Role, User, group_members, role_groups
from .records import GroupRecord, Page
from .rows import group_record


class Groups(PolicyChanges):
    """The groups part of `Store`."""

    def get_group(self, name: str) -> GroupRecord:
        with self._sessions() as session:
            return group_record(self._group(session, name))

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
            groups, total = page(session, statement, "groups", sort, limit, offset)
            ids = [group.id for group in groups]
            members = names_by(
                session, group_members.c.group_id, group_members.c.user_id, User, ids
            )
            roles = names_by(session, role_groups.c.group_id, role_groups.c.role_id, Role, ids)
            return Page(
                [group_record(g, members.get(g.id, []), roles.get(g.id, [])) for g in groups], total
            )

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
            group.members = [
                self._touched(self._ref(session, User, u, "members")) for u in unique(members)
            ]
            group.roles = [
                self._touched(self._ref(session, Role, r, "roles")) for r in unique(roles)
            ]
            session.flush()
            record = group_record(group)
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
            record = group_record(group)
        return record

    def delete_group(
        self, name: str, actor: str = "system", expected_revision: int | None = None
    ) -> None:
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
