"""Use cases of users: list, read, create (directly or by invitation), change and delete them;
a user's effective permissions, and the question "may this user do this?" (`check`).

A user as the API shows them names only the groups and roles their reader may see (`seen_by`):
a group or role hidden from someone is, to them, none, and a complete new list they send keeps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..errors import Conflict, InvalidInput, NotFound
from ..model import ACTIONS
from ..model.paths import PathError, normalize_path
from ..policy import Decision, Question, share_provenance
from ..store import Page, UserEntry, check_name
from .inputs import Changes, Listing, check_display_name, check_names, once, string_field
from .rules import Actor, Move, PermissionRules, moved, owner_constraints


class UserAdministration(PermissionRules):
    def list_users(
        self, actor: Actor, listing: Listing, role: str | None = None, group: str | None = None
    ) -> Page[UserEntry]:
        """Users, a page at a time; `role`: who holds it (directly or through a group), `group`:
        its members."""
        self.require_some(actor, "read", "users")
        # a role or group the actor may not read is answered as one that does not exist
        if role is not None and (
            role not in self.store.snapshot().roles or not self.may(actor, "read", "roles")
        ):
            raise InvalidInput(f"role: no role named {role!r}")
        if role == self.policy.everyone_role:
            role = None  # every user holds it
        if group is not None and (
            not self.store.group_exists(group) or not self.may(actor, "read", "groups", group=group)
        ):
            raise InvalidInput(f"group: no group named {group!r}")
        only = owner_constraints(actor.permissions, "read", "users")
        page = self.store.page_users(
            listing.limit,
            listing.offset,
            listing.sort,
            listing.query,
            role=role,
            group=group,
            only=only,
        )
        return dataclasses.replace(page, items=[self.user_seen_by(actor, u) for u in page.items])

    def get_user(self, actor: Actor, name: str) -> UserEntry:
        self.require_visible(actor, "users", user=name)
        return self.user_seen_by(actor, self.store.get_user(name))

    def user_seen_by(self, actor: Actor, user: UserEntry) -> UserEntry:
        """The user with only the groups and roles `actor` may read; one's own record whole
        (/api/rbac/me shows them all anyway)."""
        if user.name != actor.name:
            user = dataclasses.replace(
                user,
                groups=self.seen_by(actor, "groups", user.groups),
                roles=self.seen_by(actor, "roles", user.roles),
            )
        held = self.policy.held_through(user.roles, user.groups)
        if user.name != actor.name:
            held = {
                role: via
                for role, via in held.items()
                if self.may_name(actor, "read", "roles", role)
            }
        return dataclasses.replace(user, held_roles=held)

    def create_user(
        self,
        actor: Actor,
        name: str,
        roles: Iterable[str] = (),
        groups: Iterable[str] = (),
        display_name: str = "",
    ) -> UserEntry:
        roles = check_names(list(roles), "role", "roles")
        groups = check_names(list(groups), "group", "groups")
        self.check_user_creation(actor, name, roles, groups)
        created = self.store.create_user(
            name, check_display_name(display_name), actor=actor.name, roles=roles, groups=groups
        )
        return self.user_seen_by(actor, created)

    def check_user_creation(
        self, actor: Actor, name: str, roles: list[str], groups: list[str]
    ) -> None:
        """May `actor` create user `name` with these roles and groups (directly or by invitation)?"""
        check_name("user", name)
        roles, groups = once(roles), once(groups)  # each judged once
        # A filtered administrator (write:users!group=class) may only create users inside their filter.
        if not (
            actor.permissions.allows("write", "users")
            or actor.permissions.allows_object("write", "users", owner=name, owner_groups=groups)
        ):
            self.require(actor, "write", "users")
        # the new user is judged above (there is no "before" for them); their roles and groups here
        self.require_may_move(
            actor, Move(f"giving {name!r} roles {roles}", roles=roles, gains=roles)
        )
        joining = Move(f"adding {name!r} to groups {groups}", groups=groups, joins=groups)
        self.require_may_move(actor, joining)

    def update_user(self, actor: Actor, name: str, changes: Changes) -> UserEntry:
        self.require(actor, "write", "users", user=name)
        current = self.store.get_user(name)
        # the lists are complete as their sender sees them: groups and roles hidden from them stay
        changes = dataclasses.replace(
            changes,
            roles=self.keeping_hidden(actor, "roles", current.roles, changes.roles),
            groups=self.keeping_hidden(actor, "groups", current.groups, changes.groups),
        )
        roles = moved(current.roles, changes.roles)
        if roles:
            added = [r for r in roles if r not in current.roles]
            move = Move(f"giving {name!r} roles {added}", users=[name], roles=roles, gains=added)
            self.require_may_move(actor, move)
        groups = moved(current.groups, changes.groups)
        if groups:
            added = [g for g in groups if g not in current.groups]
            # leaving a group takes its roles, unless the user keeps them some other way
            taken = self.roles_taken_from([name], changes.roles, changes.groups)
            move = Move(
                f"adding {name!r} to groups {added}",
                users=[name],
                groups=groups,
                joins=added,
                takes=taken,
            )
            self.require_may_move(actor, move)
        display_name = changes.display_name
        updated = self.store.update_user(
            name,
            display_name=check_display_name(display_name) if display_name is not None else None,
            roles=changes.roles,
            groups=changes.groups,
            actor=actor.name,
            expected_revision=changes.expected_revision,
        )
        return self.user_seen_by(actor, updated)

    def delete_user(self, actor: Actor, name: str, expected_revision: int | None = None) -> None:
        self.require(actor, "write", "users", user=name)
        if name == actor.name:
            raise Conflict("you cannot delete yourself; ask another administrator")
        # deleting a user takes every role they hold, as taking each one would
        taken = self.roles_taken_from([name], roles=(), groups=())
        self.require_may_move(actor, Move(f"deleting user {name!r}", users=[name], takes=taken))
        self.store.delete_user(name, actor=actor.name, expected_revision=expected_revision)

    def end_sessions_of(self, actor: Actor, name: str) -> None:
        """Sign `name` out of every browser: changing a user, so `write:users` on them."""
        self.require_visible(actor, "users", user=name)
        self.require(actor, "write", "users", user=name)
        self.store.end_sessions(name, actor=actor.name)

    def permissions_of(self, actor: Actor, name: str) -> dict:
        """A user's effective permissions, each scope with the role and the way it is held."""
        self.require_visible(actor, "users", user=name)
        if not self.policy.knows_user(name):
            raise NotFound(f"no user named {name!r}")
        roles = self.policy.roles_of(name)
        effective = sorted(self.policy.permissions(name).scopes)
        groups = sorted(self.policy.groups_of(name))
        grants = self.policy.grants_of(name)
        if name != actor.name:  # the roles and groups the reader may not see stay unnamed
            groups = self.seen_by(actor, "groups", groups)
            roles = {
                role: [way for way in via if self._way_seen_by(actor, way)]
                for role, via in roles.items()
                if self.may_name(actor, "read", "roles", role)
            }
            grants = [
                grant
                if grant.share is not None
                else dataclasses.replace(grant, via=tuple(roles[grant.role]))
                for grant in grants
                if grant.share is not None or grant.role in roles
            ]
        return {
            "username": name,
            "name": name,  # deprecated alias of username (0.2)
            "groups": groups,
            "roles": [{"name": role, "via": via} for role, via in roles.items()],
            "scopes": [grant.to_json() for grant in grants],
            # the shares in force for them: a role on a folder or file, and who gave it
            "shares": [share_provenance(share) for share in self.policy.shares_of(name)],
            "effective": effective,
            "effective_parts": [self.catalog.scope_parts(scope) for scope in effective],
        }

    def preview_new_user(
        self, actor: Actor, name: str, roles: list[str], groups: list[str]
    ) -> dict:
        """What a user made with these roles and groups could do, before they are made (an
        invitation's preview). Asked as making them would be: the same refusals, in that order."""
        roles = check_names(roles, "role", "roles")
        groups = check_names(groups, "group", "groups")
        self.check_user_creation(actor, name, roles, groups)  # unknown names are refused there
        if self.store.user_exists(name):  # as the invitation answers (and shows no one's roles)
            raise Conflict(f"user {name!r} already exists")
        if self.store.has_pending_invitation(name):
            raise Conflict(f"{name!r} already has a pending invitation; revoke it first")
        held, permissions = self.policy.would_hold(name, roles, groups)
        effective = sorted(permissions.scopes)
        return {
            "username": name,
            "groups": sorted(groups),
            # a role reached through a group the inviter may not read stays unnamed, as in
            # permissions_of; what it grants is in `effective`, as it will be for the user
            "roles": [
                {"name": role, "via": [way for way in via if self._way_seen_by(actor, way)]}
                for role, via in held.items()
                if self.may_name(actor, "read", "roles", role)
            ],
            "effective": effective,
            "effective_parts": [self.catalog.scope_parts(scope) for scope in effective],
        }

    def _way_seen_by(self, actor: Actor, way: str) -> bool:
        """May `actor` see how a role is held: through a group only if they may see the group."""
        group = way.removeprefix("group:")
        return group == way or self.may_name(actor, "read", "groups", group)

    def check(self, actor: Actor, body: dict) -> Decision:
        """May user U do action A on resource R (at path P, or on something owner O started)?"""
        user = string_field(body, "user", required=True)
        self.require_visible(actor, "users", user=user)
        if not self.policy.knows_user(user):
            raise NotFound(f"no user named {user!r}")
        action = string_field(body, "action", required=True)
        if action not in ACTIONS:
            raise InvalidInput(f"action: {action!r} is not one of {', '.join(ACTIONS)}")
        resource = string_field(body, "resource", required=True)
        if resource not in self.catalog.resources:
            raise InvalidInput(f"resource: unknown resource {resource!r}")
        path = string_field(body, "path")
        if path is not None:
            try:
                path = normalize_path(path)
            except PathError as error:
                raise InvalidInput(f"path: {error}") from error
        owner = string_field(body, "owner")
        if owner is not None:
            check_name("owner", owner)
        return self.policy.explain(user, Question(action, resource, path, owner))
