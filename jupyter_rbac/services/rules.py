"""The permission rules every change obeys, whichever way it arrives (REST API or command line):

- the caller needs the scope for the change (`write:roles`, `write:users!user=...`, ...);
- nobody grants a scope they do not hold (in a role, an assignment, a membership or a token);
- every change of who holds a role or who is in a group passes one gate (`require_may_move`):
  write access to each user and group it touches, as the policy stands before the change;
- nobody changes, strips or deletes a role unless they hold every scope it grants now, and nobody
  takes a role from anyone (directly, by taking them out of a group, or by deleting them or the
  group) unless they could give it;
- reading one object you may not see answers as if it did not exist, and a record names only the
  users, groups and roles its reader may see (a list they send back keeps the others).

(The last administrator and an administrator's own role are kept by the store, inside each
transaction.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Forbidden, InvalidInput, NotFound
from ..model import UNRESTRICTED, Catalog, FilteredGrant, Permissions, TokenLimitedPermissions
from ..policy import Policy
from ..store import Store


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, and with which permissions (a token's, if it is limited)."""

    name: str
    permissions: Any  # Permissions | TokenLimitedPermissions

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """Someone with every permission: start-up, config, and the shell (which owns the database)."""
        return cls(name, Permissions.everything(name))


@dataclass(frozen=True)
class Move:
    """One change of who holds what, judged by `require_may_move` whichever endpoint it came
    through (users, groups, roles, invitations)."""

    why: str  # what the change does, for the refusal: "adding members to group 'class'"
    users: Sequence[str] = ()  # users put into or taken out of a group or role
    groups: Sequence[str] = ()  # groups whose members or roles change
    roles: Sequence[str] = ()  # roles given to or taken from someone directly
    gains: Sequence[str] = ()  # roles whose scopes someone gains
    joins: Sequence[str] = ()  # groups someone joins (gaining their roles' scopes)
    takes: Sequence[str] = ()  # roles someone stops holding: leaving a group, deleted, ...


class PermissionRules:
    """The rules, as methods of RBACService (which mixes them in with the use cases)."""

    store: Store
    catalog: Catalog
    policy: Policy

    def require(
        self,
        actor: Actor,
        action: str,
        resource: str,
        user: str | None = None,
        group: str | None = None,
    ) -> None:
        """Raise Forbidden (naming the missing scope) unless `actor` may do this."""
        if self.may(actor, action, resource, user=user, group=group):
            return
        if user is not None:
            missing = f"{action}:{resource}!user={user}"
        elif group is not None:
            missing = f"{action}:{resource}!group={group}"
        else:
            missing = f"{action}:{resource}"
        raise Forbidden(f"Forbidden: you need the scope {missing}", missing_scope=missing)

    def may(
        self,
        actor: Actor,
        action: str,
        resource: str,
        user: str | None = None,
        group: str | None = None,
    ) -> bool:
        permissions = actor.permissions
        if permissions.allows(action, resource):
            return True
        if user is not None:
            return permissions.allows_object(
                action, resource, owner=user, owner_groups=self.policy.groups_of(user)
            )
        if group is not None:
            return permissions.allows_object(action, resource, owner_groups=(group,))
        return False

    def require_some(self, actor: Actor, action: str, resource: str) -> None:
        """`action` on some `resource` (a listing then shows what the filters let through)."""
        if not actor.permissions.allows_some(action, resource):
            self.require(actor, action, resource)

    def require_visible(
        self, actor: Actor, resource: str, user: str | None = None, group: str | None = None
    ) -> None:
        """Reading one object: no read scope at all is a 403; a scope for other objects only is a 404
        (the answer must not tell whether an object you may not see exists)."""
        self.require_some(actor, "read", resource)
        if not self.may(actor, "read", resource, user=user, group=group):
            what = f"user named {user!r}" if user is not None else f"group named {group!r}"
            raise NotFound(f"no {what}")

    def may_name(self, actor: Actor, action: str, kind: str, name: str) -> bool:
        """`may` for one user, group or role by name (`kind`: "users", "groups" or "roles"),
        judged by the filter that kind of object takes (roles take none)."""
        if kind == "users":
            return self.may(actor, action, kind, user=name)
        if kind == "groups":
            return self.may(actor, action, kind, group=name)
        return self.may(actor, action, kind)

    def seen_by(self, actor: Actor, kind: str, names: Iterable[str]) -> list[str]:
        """The names in a record (a role's holders, a group's members, a user's groups and roles)
        that `actor` may read: one rule with reading that object (`require_visible`), so a name
        that answers 404 there is not shown here either."""
        return [name for name in names if self.may_name(actor, "read", kind, name)]

    def hidden_from(self, actor: Actor, kind: str, names: Iterable[str]) -> list[str]:
        """The names `actor` may not read (the rest of `seen_by`)."""
        return [name for name in names if not self.may_name(actor, "read", kind, name)]

    def keeping_hidden(
        self, actor: Actor, kind: str, current: Iterable[str], wanted: Iterable[str] | None
    ) -> list[str] | None:
        """A complete new list as its sender sees it: the names of `current` hidden from them stay
        (nobody takes out what they cannot see, nor learns it from a refusal). None: not given."""
        if wanted is None:
            return None
        wanted = list(wanted)
        kept = [name for name in self.hidden_from(actor, kind, current) if name not in wanted]
        return [*wanted, *kept] if kept else wanted

    def require_write_unnamed(self, actor: Actor, kind: str, names: Iterable[str]) -> None:
        """Before a change touches these objects: if one hidden from `actor` may not be written,
        the refusal names only the unfiltered scope that would do, never that object."""
        hidden = self.hidden_from(actor, kind, names)
        if any(not self.may_name(actor, "write", kind, name) for name in hidden):
            self.require(actor, "write", kind)

    def require_held(self, actor: Actor, scopes: Iterable[str], why: str) -> None:
        """No escalation: `actor` must hold every scope they hand out."""
        missing = self.first_not_held(actor, scopes)
        if missing is not None:
            raise Forbidden(
                f"Forbidden: {why} grants {missing!r}, which you do not hold yourself",
                missing_scope=missing,
            )

    def first_not_held(self, actor: Actor, scopes: Iterable[str]) -> str | None:
        for text in scopes:
            if not actor.permissions.covers(self.catalog.parse(text)):
                return text
        return None

    def require_may_move(self, actor: Actor, move: Move) -> None:
        """The one gate of every membership change: a user into or out of a group, a role to or
        from a user or group, through any endpoint.

        Write access to each user and group touched is judged by the policy before the change, so
        nobody widens their own `!group=` scopes by moving someone into their group (F4). A role
        given or taken directly needs `write:roles` and every scope it grants now; whatever
        someone gains, the actor must hold; a role someone stops holding by any other way
        (`takes`: leaving a group, a user or group deleted) needs every scope it grants, as
        taking it directly does.
        """
        if move.roles:
            self.require(actor, "write", "roles")
        for user in dict.fromkeys(move.users):
            self.require(actor, "write", "users", user=user)
        for group in dict.fromkeys(move.groups):
            self.require(actor, "write", "groups", group=group)
        gained = self.scopes_of_roles(move.gains) + self.scopes_of_groups(move.joins)
        self.require_held(actor, gained, move.why)
        for role in dict.fromkeys([*move.roles, *move.takes]):
            self.require_whole_role(actor, role)

    def require_whole_role(self, actor: Actor, role: str) -> None:
        """Nobody rewrites, strips or deletes what they could not grant: the actor holds every
        scope the role grants now. Everyone holds the `user` role, and its scopes through it, so
        holding them proves nothing: changing it changes every user, and needs `write:users`."""
        if role == self.policy.everyone_role:
            self.require(actor, "write", "users")
        missing = self.first_not_held(actor, self.store.snapshot().roles.get(role, ()))
        if missing is not None:
            # a role taken through a group or a deletion may be one the actor may not see
            what = f"role {role!r}" if self.may_name(actor, "read", "roles", role) else "a role"
            raise Forbidden(
                f"Forbidden: {what} grants {missing!r}, which you do not hold yourself: only"
                " someone who holds every scope of a role may change it, delete it, or give or take it",
                missing_scope=missing,
            )

    def roles_taken_from(
        self,
        users: Iterable[str],
        roles: Iterable[str] | None = None,
        groups: Iterable[str] | None = None,
        leaving: Iterable[str] = (),
    ) -> list[str]:
        """The roles these users stop holding when their direct roles become `roles` and their
        groups `groups` (None: as they are), less the groups they are `leaving`; both empty: they
        are deleted. As the policy stands before the change, like the rest of the gate; the role
        everyone holds nobody stops holding."""
        group_roles = self.store.snapshot().group_roles

        def held(direct: Iterable[str], member_of: Iterable[str]) -> set[str]:
            return set(direct).union(*(group_roles.get(group, ()) for group in member_of))

        left = frozenset(leaving)
        taken: set[str] = set()
        for user in dict.fromkeys(users):
            record = self.policy.user(user)
            if record is None:
                continue
            after_roles = record.roles if roles is None else roles
            after_groups = record.groups if groups is None else groups
            before = held(record.roles, record.groups)
            taken |= before - held(after_roles, [g for g in after_groups if g not in left])
        taken.discard(self.policy.everyone_role)
        return sorted(taken)

    def scopes_of_roles(self, roles: Iterable[str], field_name: str = "roles") -> list[str]:
        """Every scope of these roles (the roles are named in the request's `field_name`)."""
        known = self.store.snapshot().roles
        scopes: list[str] = []
        for role in roles:
            if role not in known:
                raise InvalidInput(f"{field_name}: no role named {role!r}")
            scopes.extend(known[role])
        return scopes

    def scopes_of_groups(self, groups: Iterable[str]) -> list[str]:
        roles: list[str] = []
        for group in groups:
            try:
                roles.extend(self.store.get_group(group).roles)
            except NotFound:
                raise InvalidInput(f"groups: no group named {group!r}") from None
        return self.scopes_of_roles(roles)


def owner_constraints(
    permissions, action: str, resource: str
) -> list[tuple[frozenset, frozenset]] | None:
    """The (names, groups) filters a listing must respect: None if the read is unrestricted.

    A token-limited permission contributes the constraints of both the owner and the token.
    """
    if isinstance(permissions, TokenLimitedPermissions):
        parts = [
            owner_constraints(p, action, resource) for p in (permissions.owner, permissions.token)
        ]
        found = [c for part in parts if part is not None for c in part]
        return found or None
    grant = permissions.grant(action, resource)
    if grant is UNRESTRICTED:
        return None
    if isinstance(grant, FilteredGrant):
        return [(frozenset(grant.users), frozenset(grant.groups))]
    return [(frozenset(), frozenset())]


def moved(current: Iterable[str], wanted: Iterable[str] | None) -> list[str]:
    """The names a complete new list adds or removes (none if the list is not given)."""
    if wanted is None:
        return []
    before, after = list(current), list(wanted)
    return [n for n in after if n not in before] + [n for n in before if n not in after]
