"""Use cases of groups: list, read, create, change and delete them. Whoever joins a group gains
its roles' scopes, so a membership change passes the same gate as giving a role.

A group as the API shows it names only the members and roles its reader may see (`seen_by`): a
member hidden from someone is, to them, no member, and a complete new list they send keeps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..store import GroupRecord, Page, check_name
from .inputs import Changes, Listing, check_description, once
from .rules import Actor, Move, PermissionRules, moved, owner_constraints


class GroupAdministration(PermissionRules):
    def list_groups(self, actor: Actor, listing: Listing) -> Page[GroupRecord]:
        self.require_some(actor, "read", "groups")
        constraints = owner_constraints(actor.permissions, "read", "groups")
        only = None
        if constraints is not None:
            only = frozenset.intersection(*(groups for _names, groups in constraints))
        page = self.store.page_groups(
            listing.limit, listing.offset, listing.sort, listing.query, only=only
        )
        return dataclasses.replace(page, items=[self.group_seen_by(actor, g) for g in page.items])

    def get_group(self, actor: Actor, name: str) -> GroupRecord:
        self.require_visible(actor, "groups", group=name)
        return self.group_seen_by(actor, self.store.get_group(name))

    def group_seen_by(self, actor: Actor, group: GroupRecord) -> GroupRecord:
        """The group with only the members and roles `actor` may read."""
        return dataclasses.replace(
            group,
            members=self.seen_by(actor, "users", group.members),
            roles=self.seen_by(actor, "roles", group.roles),
        )

    def create_group(
        self,
        actor: Actor,
        name: str,
        description: str = "",
        members: Iterable[str] = (),
        roles: Iterable[str] = (),
    ) -> GroupRecord:
        check_name("group", name)
        self.require(actor, "write", "groups", group=name)
        members, roles = once(members), once(roles)
        why = f"group {name!r} with roles {roles}"
        self.require_may_move(
            actor, Move(why, users=members, groups=[name], roles=roles, gains=roles)
        )
        created = self.store.create_group(
            name, check_description(description), actor=actor.name, members=members, roles=roles
        )
        return self.group_seen_by(actor, created)

    def update_group(self, actor: Actor, name: str, changes: Changes) -> GroupRecord:
        self.require(actor, "write", "groups", group=name)
        current = self.store.get_group(name)
        # the lists are complete as their sender sees them: members and roles hidden from them stay
        changes = dataclasses.replace(
            changes,
            members=self.keeping_hidden(actor, "users", current.members, changes.members),
            roles=self.keeping_hidden(actor, "roles", current.roles, changes.roles),
        )
        roles = changes.roles if changes.roles is not None else current.roles
        moved_roles = moved(current.roles, changes.roles)
        if moved_roles:
            added = [r for r in moved_roles if r not in current.roles]
            why = f"giving group {name!r} roles {added}"
            self.require_may_move(actor, Move(why, groups=[name], roles=moved_roles, gains=added))
        members = moved(current.members, changes.members)
        if members:
            # whoever joins gains the group's roles (as they will be after this change); whoever
            # leaves loses its roles (as they are now), unless they hold them some other way
            gains = roles if any(m not in current.members for m in members) else ()
            leaving = [m for m in members if m in current.members]
            taken = self.roles_taken_from(leaving, leaving=[name])
            why = f"adding members to group {name!r}"
            move = Move(why, users=members, groups=[name], gains=gains, takes=taken)
            self.require_may_move(actor, move)
        description = changes.description
        updated = self.store.update_group(
            name,
            description=check_description(description) if description is not None else None,
            members=changes.members,
            roles=changes.roles,
            actor=actor.name,
            expected_revision=changes.expected_revision,
        )
        return self.group_seen_by(actor, updated)

    def delete_group(self, actor: Actor, name: str, expected_revision: int | None = None) -> None:
        self.require(actor, "write", "groups", group=name)
        # deleting a group takes every member out of it, and its roles from it (and from them)
        group = self.store.get_group(name)
        self.require_write_unnamed(actor, "users", group.members)  # a refusal names no hidden one
        taken = [role for role in group.roles if role != self.policy.everyone_role]
        move = Move(f"deleting group {name!r}", users=group.members, groups=[name], takes=taken)
        self.require_may_move(actor, move)
        self.store.delete_group(name, actor=actor.name, expected_revision=expected_revision)
