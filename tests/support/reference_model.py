"""A deliberately simple, slow re-statement of what a policy allows, for the property tests to hold
the fast engine (compiled permissions, regexes, caches) against.

It shares nothing with jupyter_rbac's engine but the list of actions: it reads scopes as text,
walks the roles a user holds, and matches path globs segment by segment, recursively. When it
and the engine disagree, one of them is wrong, and the tests say which request shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTION_ORDER = ("read", "write", "execute")  # each implies the ones before it
SELF = ("read:users!user={user}", "tokens!user={user}")
EVERYONE_ROLE = "user"


@dataclass
class Model:
    """A policy as plain data."""

    roles: dict[str, list[str]] = field(default_factory=dict)  # role -> scope texts
    user_roles: dict[str, set[str]] = field(default_factory=dict)  # user -> direct roles
    group_roles: dict[str, set[str]] = field(default_factory=dict)  # group -> roles
    members: dict[str, set[str]] = field(default_factory=dict)  # group -> users

    def groups_of(self, user: str) -> set[str]:
        return {group for group, users in self.members.items() if user in users}

    def roles_of(self, user: str) -> set[str]:
        held = set(self.user_roles.get(user, ()))
        if EVERYONE_ROLE in self.roles:
            held.add(EVERYONE_ROLE)
        for group in self.groups_of(user):
            held |= self.group_roles.get(group, set())
        return held

    def scopes_of(self, user: str) -> list[str]:
        scopes = [scope for role in self.roles_of(user) for scope in self.roles.get(role, ())]
        return [
            expanded for scope in scopes for expanded in (SELF if scope == "self" else (scope,))
        ]

    def allows(
        self,
        user: str,
        action: str,
        resource: str,
        path: str | None = None,
        owner: str | None = None,
        owner_groups: frozenset[str] = frozenset(),
    ) -> bool:
        """May `user` do `action` on `resource` (at `path`, or on something `owner` has)?
        Without path and owner: on every object (only an unfiltered scope will do)."""
        groups = self.groups_of(user)
        return any(
            _grants(scope, user, groups, action, resource, path, owner, owner_groups)
            for scope in self.scopes_of(user)
        )


def _grants(scope, user, groups, action, resource, path, owner, owner_groups) -> bool:
    if scope == "all":
        return True
    base, _, filt = scope.partition("!")
    if ":" in base:
        scope_action, scope_resource = base.split(":", 1)
        actions = ACTION_ORDER[: ACTION_ORDER.index(scope_action) + 1]
    else:
        scope_resource, actions = base, ACTION_ORDER
    if scope_resource != resource or action not in actions:
        return False
    if not filt:
        return True
    name, _, value = filt.partition("=")
    for concrete in _fill(value, user, groups):
        if name == "path" and path is not None and glob_matches(concrete, path):
            return True
        if name == "user" and owner is not None and concrete == owner:
            return True
        if name == "group" and concrete in owner_groups:
            return True
    return False


def _fill(value: str, user: str, groups: set[str]) -> list[str]:
    values = [value.replace("{user}", user)]
    if "{group}" in value:
        values = [v.replace("{group}", group) for v in values for group in sorted(groups)]
    return values


def glob_matches(glob: str, path: str) -> bool:
    """`*` is any text within one segment, `**` any number of segments (none too)."""
    glob_parts = [part for part in glob.split("/") if part not in ("", ".")] or ["**"]
    path_parts = [part for part in path.split("/") if part]
    return _match(glob_parts, path_parts)


def _match(glob: list[str], path: list[str]) -> bool:
    if not glob:
        return not path
    if glob[0] == "**":
        return _match(glob[1:], path) or (bool(path) and _match(glob, path[1:]))
    return bool(path) and _segment_matches(glob[0], path[0]) and _match(glob[1:], path[1:])


def _segment_matches(pattern: str, text: str) -> bool:
    if "*" not in pattern:
        return pattern == text
    head, _, rest = pattern.partition("*")
    if not text.startswith(head):
        return False
    remainder = text[len(head) :]
    return any(_segment_matches(rest, remainder[i:]) for i in range(len(remainder) + 1))
