"""Use cases of roles: list, read, create, change and delete them. Default roles cannot be
deleted, `admin` cannot be edited (only who holds it), config-managed roles are read-only.

A role as the API shows it names only the holders its reader may see (`read:users` on a user,
`read:groups` on a group, as reading that user or group decides): a holder hidden from someone is,
to them, no holder, and a complete new list of holders they send keeps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..errors import Conflict
from ..model.defaults import FIXED_ROLE, redefined_field
from ..store import CONFIGURATION, Page, RoleRecord
from .inputs import Changes, Listing, check_description, check_scopes
from .role_specs import check_role_spec
from .rules import Actor, Move, PermissionRules, moved

# `managed_by` of a role that c.RBAC.load_roles or c.RBAC.policy_file defines.
MANAGED_BY_CONFIG = CONFIGURATION


def may_be_redefined(role: RoleRecord) -> bool:
    """May anyone change what the role means (its scopes and description)? Not `admin`, nor a
    role config defines. Who holds a role can always change."""
    return role.managed_by != MANAGED_BY_CONFIG and role.name != FIXED_ROLE


def may_be_deleted(role: RoleRecord) -> bool:
    """May anyone delete the role? Not a default role, nor a role config defines."""
    return role.managed_by != MANAGED_BY_CONFIG and not role.builtin


class RoleAdministration(PermissionRules):
    def validate_scopes(self, scopes: object, where: str = "scopes") -> list[str]:
        """The scopes, checked against the catalog (a scope listed twice counts once)."""
        return check_scopes(self.catalog, scopes, where)

    def list_roles(self, actor: Actor, listing: Listing) -> Page[RoleRecord]:
        self.require(actor, "read", "roles")
        page = self.store.page_roles(listing.limit, listing.offset, listing.sort, listing.query)
        return dataclasses.replace(page, items=[self.role_seen_by(actor, r) for r in page.items])

    def get_role(self, actor: Actor, name: str) -> RoleRecord:
        self.require(actor, "read", "roles")
        return self.role_seen_by(actor, self.store.get_role(name))

    def role_seen_by(self, actor: Actor, role: RoleRecord) -> RoleRecord:
        """The role with only the holders `actor` may read (`seen_by`)."""
        return dataclasses.replace(
            role,
            users=self.seen_by(actor, "users", role.users),
            groups=self.seen_by(actor, "groups", role.groups),
        )

    def create_role(
        self,
        actor: Actor,
        name: str,
        scopes: object,
        description: str = "",
        users: Iterable[str] = (),
        groups: Iterable[str] = (),
    ) -> RoleRecord:
        self.require(actor, "write", "roles")
        spec = {"name": name, "scopes": scopes, "description": description}
        role = check_role_spec({**spec, "users": list(users), "groups": list(groups)}, self.catalog)
        self.require_held(actor, role.scopes, f"role {name!r}")
        self.require_may_move(
            actor, Move(f"giving role {name!r}", users=role.users, groups=role.groups)
        )
        created = self.store.create_role(
            name,
            role.scopes,
            role.description or "",
            actor=actor.name,
            users=role.users,
            groups=role.groups,
        )
        return self.role_seen_by(actor, created)

    def update_role(self, actor: Actor, name: str, changes: Changes) -> RoleRecord:
        self.require(actor, "write", "roles")
        current = self.store.get_role(name)
        # the lists are complete as their sender sees them: holders hidden from them stay
        changes = dataclasses.replace(
            changes,
            users=self.keeping_hidden(actor, "users", current.users, changes.users),
            groups=self.keeping_hidden(actor, "groups", current.groups, changes.groups),
        )
        scopes = self.validate_scopes(changes.scopes) if changes.scopes is not None else None
        redefined = (
            redefined_field(current.scopes, current.description, scopes, changes.description)
            is not None
        )
        # Who holds a role can always change; what a config-managed or the admin role means cannot.
        if redefined and current.managed_by == MANAGED_BY_CONFIG:
            raise Conflict(
                f"role {name!r} is managed by the server's configuration (c.RBAC.load_roles or the policy"
                " file): change its scopes and description there"
            )
        if redefined and name == FIXED_ROLE:
            raise Conflict(f"the {FIXED_ROLE!r} role cannot be edited (only who holds it)")
        new_scopes = scopes if scopes is not None else current.scopes
        added = [s for s in new_scopes if s not in current.scopes]
        self.require_held(actor, added, f"role {name!r}")
        users = moved(current.users, changes.users)
        groups = moved(current.groups, changes.groups)
        if any(u not in current.users for u in users) or any(
            g not in current.groups for g in groups
        ):
            self.require_held(actor, new_scopes, f"giving role {name!r}")
        if users or groups:
            move = Move(f"giving role {name!r}", users=users, groups=groups, roles=[name])
            self.require_may_move(actor, move)
        elif redefined:
            self.require_whole_role(actor, name)
        description = changes.description
        updated = self.store.update_role(
            name,
            scopes=scopes,
            description=check_description(description) if description is not None else None,
            users=changes.users,
            groups=changes.groups,
            actor=actor.name,
            expected_revision=changes.expected_revision,
        )
        return self.role_seen_by(actor, updated)

    def delete_role(self, actor: Actor, name: str, expected_revision: int | None = None) -> None:
        self.require(actor, "write", "roles")
        role = self.store.get_role(name)
        if role.builtin:
            raise Conflict(f"the default role {name!r} cannot be deleted")
        if role.managed_by == MANAGED_BY_CONFIG:
            raise Conflict(
                f"role {name!r} is managed by the server's configuration: remove it there"
            )
        # deleting takes the role from everyone who holds it; a refusal names no holder the
        # actor may not see (only the unfiltered scope that would do)
        self.require_write_unnamed(actor, "users", role.users)
        self.require_write_unnamed(actor, "groups", role.groups)
        self.require_may_move(
            actor,
            Move(f"deleting role {name!r}", users=role.users, groups=role.groups, roles=[name]),
        )
        self.store.delete_role(name, actor=actor.name, expected_revision=expected_revision)
