"""Roles: reading, creating, changing, deleting and assigning them, and the policy's snapshot.

The snapshot is what every role grants and which groups hold it, read in one go (policy.py
compiles it); who holds a role directly is read per user (users.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, update

from ..errors import Conflict
from .base import KEEP, note_change, plain_connection, unique
from .checks import check_name
from .listing import names_by, page
from .models import Group, PolicyState, Role, Share, User, role_groups, role_users
from .records import Page, PolicyPart, PolicySnapshot, RoleRecord, ShareRecord
from .rows import role_record
from .shares import PLAIN_SHARE_ROWS, Shares, plain_share_records

# (role, its scopes, a group holding it or None) for the roles named
_ROLES_AND_HOLDERS = (
    select(Role.name, Role.scopes, Group.name)
    .select_from(Role)
    .outerjoin(role_groups, role_groups.c.role_id == Role.id)
    .outerjoin(Group, Group.id == role_groups.c.group_id)
    .where(Role.name.in_(bindparam("names", expanding=True)))
)
# (group, a role it holds or None) for the groups named
_GROUPS_AND_ROLES = (
    select(Group.name, Role.name)
    .select_from(Group)
    .outerjoin(role_groups, role_groups.c.group_id == Group.id)
    .outerjoin(Role, Role.id == role_groups.c.role_id)
    .where(Group.name.in_(bindparam("names", expanding=True)))
)

# the shares of the groups named
_GROUPS_SHARES = PLAIN_SHARE_ROWS.where(
    Share.group_id.in_(select(Group.id).where(Group.name.in_(bindparam("names", expanding=True))))
).order_by(Share.id)


class Roles(Shares):
    """The roles part of `Store`."""

    def snapshot(self) -> PolicySnapshot:
        with self._sessions() as session, session.begin():
            version = session.execute(select(PolicyState.version)).scalar_one()
            roles = {
                name: tuple(scopes)
                for name, scopes in session.execute(select(Role.name, Role.scopes))
            }
            group_roles = _pairs(
                session.execute(
                    select(Group.name, Role.name)
                    .join_from(role_groups, Group)
                    .join_from(role_groups, Role)
                )
            )
            group_shares = self._shares_of_groups(session)
        return PolicySnapshot(version, roles, group_roles, group_shares)

    def policy_part(
        self, roles: Iterable[str], groups: Iterable[str], connection: Connection | None = None
    ) -> PolicyPart:
        """What these roles grant and which groups hold them; these groups' roles and shares:
        what a server reads after a change that touched them (PolicySnapshot.patched). Plain
        statements on one connection: this runs at the first request after every change."""
        roles, groups = frozenset(roles), frozenset(groups)
        scopes: dict[str, tuple[str, ...]] = {}
        holders: list[tuple[str, str]] = []
        held: list[tuple[str, str]] = []
        existing: set[str] = set()
        with plain_connection(self.engine, connection) as reads:
            if roles:
                for name, granted, group in reads.execute(
                    _ROLES_AND_HOLDERS, {"names": sorted(roles)}
                ):
                    scopes[name] = tuple(granted)
                    if group is not None:
                        holders.append((name, group))
            shares: dict[str, list[ShareRecord]] = {}
            if groups:
                for group, role in reads.execute(_GROUPS_AND_ROLES, {"names": sorted(groups)}):
                    existing.add(group)
                    if role is not None:
                        held.append((group, role))
                rows = reads.execute(_GROUPS_SHARES, {"names": sorted(groups)})
                for share in plain_share_records(rows):
                    shares.setdefault(share.group or "", []).append(share)
        return PolicyPart(
            roles,
            groups,
            scopes,
            _pairs(holders),
            _pairs(held),
            {group: tuple(found) for group, found in shares.items()},
            frozenset(existing),
        )

    def get_role(self, name: str) -> RoleRecord:
        with self._sessions() as session:
            return role_record(self._role(session, name))

    def list_roles(self) -> list[RoleRecord]:
        return self.page_roles().items

    def page_roles(
        self, limit: int | None = None, offset: int = 0, sort: str = "name", query: str = ""
    ) -> Page[RoleRecord]:
        statement = select(Role)
        if query:
            statement = statement.where(Role.name.icontains(query, autoescape=True))
        with self._sessions() as session:
            roles, total = page(session, statement, "roles", sort, limit, offset)
            ids = [role.id for role in roles]
            users = names_by(session, role_users.c.role_id, role_users.c.user_id, User, ids)
            groups = names_by(session, role_groups.c.role_id, role_groups.c.group_id, Group, ids)
            return Page(
                [role_record(r, users.get(r.id, []), groups.get(r.id, [])) for r in roles], total
            )

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
                name=name,
                description=description,
                scopes=scopes,
                builtin=builtin,
                managed_by=managed_by,
            )
            session.add(role)
            role.users = [
                self._touched(self._ref(session, User, u, "users")) for u in unique(users)
            ]
            role.groups = [
                self._touched(self._ref(session, Group, g, "groups")) for g in unique(groups)
            ]
            session.flush()
            record = role_record(role)
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
                note_change(changes, "scopes", role.scopes, scopes)
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
            record = role_record(role)
        return record

    def delete_role(
        self, name: str, actor: str = "system", expected_revision: int | None = None
    ) -> None:
        with self._write(actor, "role.delete", name) as session:
            role = self._role(session, name, expected_revision)
            session.info["detail"].update(
                scopes=list(role.scopes),
                users=[u.name for u in role.users],
                groups=[g.name for g in role.groups],
            )
            for holder in [*role.users, *role.groups]:
                self._touched(holder)
            session.delete(role)

    def assign_role(
        self,
        role: str,
        users: Iterable[str] = (),
        groups: Iterable[str] = (),
        actor: str = "system",
    ) -> None:
        """Give `role` to users and groups (idempotent; users and groups must exist). A holding
        the configuration gave becomes the actor's: configuration no longer takes it back."""
        users, groups = list(users), list(groups)
        with self._write(actor, "role.assign", role, users=users, groups=groups) as session:
            record = self._role(session, role)
            held: dict = {role_users: [], role_groups: []}
            for name in users:
                user = self._user(session, name)
                if user in record.users:
                    held[role_users].append(role_users.c.user_id == user.id)
                else:
                    record.users.append(self._touched(user))
            for name in groups:
                group = self._group(session, name)
                if group in record.groups:
                    held[role_groups].append(role_groups.c.group_id == group.id)
                else:
                    record.groups.append(self._touched(group))
            for table, members in held.items():
                if members:
                    session.execute(
                        update(table)
                        .where(table.c.role_id == record.id, or_(*members))
                        .values(given_by=None)
                    )
            self._touched(record)

    def unassign_role(
        self,
        role: str,
        users: Iterable[str] = (),
        groups: Iterable[str] = (),
        actor: str = "system",
    ) -> None:
        users, groups = set(users), set(groups)
        with self._write(
            actor, "role.unassign", role, users=sorted(users), groups=sorted(groups)
        ) as session:
            record = self._role(session, role)
            for holder in [*record.users, *record.groups]:
                if holder.name in (users if isinstance(holder, User) else groups):
                    self._touched(holder)
            record.users = [u for u in record.users if u.name not in users]
            record.groups = [g for g in record.groups if g.name not in groups]
            self._touched(record)


def _pairs(rows: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    collected: dict[str, set[str]] = {}
    for left, right in rows:
        collected.setdefault(left, set()).add(right)
    return {key: frozenset(values) for key, values in collected.items()}
