"""A deliberately simple, slow re-statement of what a policy allows, for the property tests to hold
the fast engine (compiled permissions, regexes, caches) against.

It shares nothing with jupyter_rbac's engine but the list of actions: it reads scopes as text,
walks the roles a user holds and the shares given to them, and matches path globs segment by
segment, recursively. When it and the engine disagree, one of them is wrong, and the tests say
which request shows it.

A share gives a role on one place (a folder with everything beneath it, or one file) to a user or
a group. It grants the role's scopes on the (action, resource) pairs whose requests name a path,
and only at paths inside the place: an unfiltered scope (and `all`) everywhere in the place; a
`!path=G` scope everywhere in the place if G matches all of it, or else where G matches if G
matches nothing outside the place, or else nowhere (G and the place only overlap); `!user=` and
`!group=` scopes nowhere. Members of a group receive its shares; `{user}` and `{group}` are
filled in for the one asking, as in their roles. Whether G matches all of a place, or nothing
outside it, is decided exactly here from what G matches (_covers_place, _inside_place), not the
way the engine compares globs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTION_ORDER = ("read", "write", "execute")  # each implies the ones before it
SELF = ("read:users!user={user}", "tokens!user={user}")
EVERYONE_ROLE = "user"
# The actions whose requests name a path, per resource taking `!path=`: what a share can grant.
# (Converting a notebook posted to the server names no path: only reading is judged by path.)
PATH_JUDGED = {
    "contents": ACTION_ORDER,
    "sessions": ACTION_ORDER,
    "shares": ACTION_ORDER,
    "nbconvert": ("read",),
}


@dataclass(frozen=True)
class Share:
    """A role given to one user or one group on a folder (and all beneath it) or a file."""

    path: str  # segments joined by '/'; "" is the root
    is_folder: bool
    role: str
    user: str | None = None
    group: str | None = None
    expired: bool = False  # an expired share grants nothing


@dataclass
class Model:
    """A policy as plain data."""

    roles: dict[str, list[str]] = field(default_factory=dict)  # role -> scope texts
    user_roles: dict[str, set[str]] = field(default_factory=dict)  # user -> direct roles
    group_roles: dict[str, set[str]] = field(default_factory=dict)  # group -> roles
    members: dict[str, set[str]] = field(default_factory=dict)  # group -> users
    shares: list[Share] = field(default_factory=list)

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

    def shares_of(self, user: str) -> list[Share]:
        """The shares in force for `user`: given to them, or to a group they are in."""
        groups = self.groups_of(user)
        return [
            share
            for share in self.shares
            if not share.expired and (share.user == user or share.group in groups)
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
        if any(
            _grants(scope, user, groups, action, resource, path, owner, owner_groups)
            for scope in self.scopes_of(user)
        ):
            return True
        return path is not None and any(
            _shares_grant(
                share, self.roles.get(share.role, ()), user, groups, action, resource, path
            )
            for share in self.shares_of(user)
        )


def _base(scope: str) -> tuple[str, tuple[str, ...], str]:
    """(resource, actions granted, filter text) of a scope other than a metascope."""
    base, _, filt = scope.partition("!")
    if ":" in base:
        scope_action, scope_resource = base.split(":", 1)
        return scope_resource, ACTION_ORDER[: ACTION_ORDER.index(scope_action) + 1], filt
    return base, ACTION_ORDER, filt


def _grants(scope, user, groups, action, resource, path, owner, owner_groups) -> bool:
    if scope == "all":
        return True
    scope_resource, actions, filt = _base(scope)
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


def _shares_grant(share, role_scopes, user, groups, action, resource, path) -> bool:
    """Does `share` (of a role with `role_scopes`) let `user` do `action` on `resource` at `path`?"""
    if action not in PATH_JUDGED.get(resource, ()) or not _in_place(share, path):
        return False
    for scope in role_scopes:
        if scope == "all":
            return True
        if scope == "self":
            continue  # it stands for owner-filtered scopes: a share grants none of them
        scope_resource, actions, filt = _base(scope)
        if scope_resource != resource or action not in actions:
            continue
        if not filt:
            return True
        name, _, value = filt.partition("=")
        if name != "path":
            continue  # an owner's objects at a path: nothing
        for glob in _fill(value, user, groups):
            if _covers_place(glob, share):
                return True
            if _inside_place(glob, share) and glob_matches(glob, path):
                return True
    return False


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _in_place(share: Share, path: str) -> bool:
    place, parts = _segments(share.path), _segments(path)
    if share.is_folder:
        return parts[: len(place)] == place
    return parts == place


def _covers_place(glob: str, share: Share) -> bool:
    """Does `glob` match every path of the share's place?

    A file: that one path. A folder P: P followed by k names, for every k. It is enough to try
    k fresh names (made of a character no segment of the glob has, so only segments that are
    all `*`, and `**`, match them) for k = 0 .. n + 1, n the glob's segment count: once k > n,
    some `**` takes a fresh name, and can take any number more; and a segment that matches a
    fresh name matches any name.
    """
    if not share.is_folder:
        return glob_matches(glob, share.path)
    fresh = next(c for c in map(chr, range(ord("~"), 0x250)) if c not in glob)
    depth = len(_glob_parts(glob))
    return all(
        glob_matches(glob, "/".join([*_segments(share.path), *[fresh] * k]))
        for k in range(depth + 2)
    )


def _inside_place(glob: str, share: Share) -> bool:
    """Does `glob` match nothing outside the share's place?

    A glob with a `*` or a `**` among its first segments matches, there, other names (or more
    or fewer segments) than the place's path: it must spell that path literally. A file: the
    glob is exactly its path. A folder: the glob begins with its path.
    """
    place, parts = _segments(share.path), _glob_parts(glob)
    if share.is_folder:
        return parts[: len(place)] == place
    return parts == place


def _fill(value: str, user: str, groups: set[str]) -> list[str]:
    values = [value.replace("{user}", user)]
    if "{group}" in value:
        values = [v.replace("{group}", group) for v in values for group in sorted(groups)]
    return values


def glob_matches(glob: str, path: str) -> bool:
    """`*` is any text within one segment, `**` any number of segments (none too)."""
    return _match(_glob_parts(glob), _segments(path))


def _glob_parts(glob: str) -> list[str]:
    return [part for part in glob.split("/") if part not in ("", ".")] or ["**"]


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
