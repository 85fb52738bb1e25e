"""Compiled permissions: what a user's set of scopes allows, with `{user}` and `{group}`
templates filled in for that user, and the checks the authorizer asks of them. Pure: no I/O.

A check is a couple of dict look-ups: compile once per policy change, ask many times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .glob_sets import Glob, GlobSet, glob_of, glob_set
from .globs import glob_as_subject, glob_contains_regex
from .grammar import Scope, canonical_text
from .names import is_plain_name
from .vocabulary import SELF_SCOPES, ScopeError

if TYPE_CHECKING:
    from .catalog import Catalog
    from .shares import PathGrant


def expand_templates(scope: Scope, user: str, groups: Iterable[str]) -> list[Scope]:
    """A template scope made concrete for one user: `{user}` once, `{group}` once per group."""
    if not scope.is_template:
        return [scope]
    assert scope.value is not None
    values = [scope.value]
    if "{user}" in scope.value:
        values = [v.replace("{user}", user) for v in values] if is_plain_name(user) else []
    if "{group}" in scope.value:
        safe_groups = [g for g in sorted(groups) if is_plain_name(g)]
        values = [v.replace("{group}", g) for v in values for g in safe_groups]
    return [
        Scope(scope.text, scope.actions, scope.resources, scope.filter, value) for value in values
    ]


class FilteredGrant:
    """What filtered scopes allow on one (action, resource): some paths, owners or groups.

    Its globs are gathered, then compiled into a GlobSet shared with every grant (of this user or
    another) that has the same ones."""

    __slots__ = ("_globs", "_set", "groups", "users")

    def __init__(self) -> None:
        self._globs: list[Glob] = []
        self._set: GlobSet | None = None
        self.users: set[str] = set()
        self.groups: set[str] = set()

    def add(self, filter_name: str, value: str) -> None:
        if filter_name == "path":
            self.add_glob(glob_of(value))
        elif filter_name == "user":
            self.users.add(value)
        else:
            self.groups.add(value)

    def add_glob(self, segments: Glob) -> None:
        if segments not in self._globs:
            self._globs.append(segments)

    def compile(self) -> None:
        if self._globs:
            self._set = glob_set(tuple(sorted(self._globs)))  # one order: more grants share
        self._globs = []  # the set holds them now
        self.users = frozenset(self.users)  # type: ignore[assignment]
        self.groups = frozenset(self.groups)  # type: ignore[assignment]

    def allows_path(self, path: str) -> bool:
        return self._set is not None and self._set.allows(path)

    def leads_to_path(self, path: str) -> bool:
        """True if `path` is a folder on the way to something the globs grant."""
        return self._set is not None and self._set.leads_to(path)

    def allows_owner(self, owner: str | None, owner_groups: Iterable[str] = ()) -> bool:
        """True if `!user=` names the owner or `!group=` one of `owner_groups` (a group itself,
        for objects that are groups)."""
        if owner is not None and owner in self.users:
            return True
        return bool(self.groups) and not self.groups.isdisjoint(owner_groups)

    def allows_object(
        self, path: str | None, owner: str | None, owner_groups: Iterable[str] = ()
    ) -> bool:
        """True if any filter admits the object: its path, its owner, or its owner's groups."""
        if path is not None and self.allows_path(path):
            return True
        return self.allows_owner(owner, owner_groups)

    @property
    def path_globs(self) -> tuple[Glob, ...]:
        """The `!path=` globs, as segments (for the sandbox, which turns them into folders)."""
        return self._set.globs if self._set is not None else ()

    def covers(self, filter_name: str, value: str) -> bool:
        """True if these filters admit everything `!filter_name=value` admits.

        Templates in `value` stand for any name, so only a wildcard covers them.
        """
        if filter_name == "path":
            subject = glob_as_subject(value)
            return any(glob_contains_regex(g).fullmatch(subject) for g in self.path_globs)
        if "{" in value:
            return False
        return value in (self.users if filter_name == "user" else self.groups)


# The marker for a grant with no filter: everything of that (action, resource).
UNRESTRICTED = object()


@dataclass
class Permissions:
    """A user's effective permissions, compiled: a check is a couple of dict look-ups.

    `grants[resource][action]` is UNRESTRICTED, a FilteredGrant, or absent (denied).
    """

    is_all: bool = False
    grants: dict[str, dict[str, object]] = field(default_factory=dict)
    scopes: frozenset[str] = frozenset()  # the concrete scopes this was compiled from
    # How many times its user's permissions had come out otherwise than at the compile before,
    # in this process, when these were compiled (the Policy counts): what the event stream
    # compares to tell a user that their permissions changed.
    changes: int = field(default=0, compare=False)
    # Requests these permissions were found to allow (see RBACAuthorizer): a policy change
    # compiles new permissions, so nothing here outlives the policy it was decided under.
    decisions: dict = field(default_factory=dict, compare=False, repr=False)

    def grant(self, action: str, resource: str) -> object | None:
        """UNRESTRICTED, a FilteredGrant, or None. `all` grants every resource, known or not."""
        if self.is_all:
            return UNRESTRICTED
        by_action = self.grants.get(resource)
        if by_action is None:
            return None
        return by_action.get(action)

    def allows(self, action: str, resource: str) -> bool:
        """True if the user may do `action` on every object of `resource`."""
        return self.grant(action, resource) is UNRESTRICTED

    def allows_some(self, action: str, resource: str) -> bool:
        """True if the user may do `action` on at least some objects of `resource`."""
        return self.grant(action, resource) is not None

    def allows_path(self, action: str, resource: str, path: str) -> bool:
        grant = self.grant(action, resource)
        if grant is UNRESTRICTED:
            return True
        return isinstance(grant, FilteredGrant) and grant.allows_path(path)

    def leads_to_path(self, resource: str, path: str) -> bool:
        """True if `path` is a folder on the way to something the user may read."""
        grant = self.grant("read", resource)
        return isinstance(grant, FilteredGrant) and grant.leads_to_path(path)

    def allows_object(
        self,
        action: str,
        resource: str,
        path: str | None = None,
        owner: str | None = None,
        owner_groups: Iterable[str] = (),
    ) -> bool:
        """True if the user may do `action` on this object (a path, an owner, or both)."""
        grant = self.grant(action, resource)
        if grant is UNRESTRICTED:
            return True
        return isinstance(grant, FilteredGrant) and grant.allows_object(path, owner, owner_groups)

    def covers(self, scope: Scope) -> bool:
        """True if these permissions include everything `scope` grants: may its holder grant it?"""
        return _covers(self, scope)


def _covers(permissions, scope: Scope) -> bool:
    """True if `permissions` include everything `scope` grants (templates: for anyone)."""
    if scope.is_all:
        return permissions.is_all
    for resource in scope.resources:
        for action in scope.actions:
            grant = permissions.grant(action, resource)
            if grant is UNRESTRICTED:
                continue
            if grant is None or scope.filter is None or scope.value is None:
                return False
            if not grant.covers(scope.filter, scope.value):
                return False
    return True


class TokenLimitedPermissions:
    """A token's permissions: what both its owner and the token's own scopes allow."""

    def __init__(self, owner: Permissions, token: Permissions):
        self.owner = owner
        self.token = token
        self.decisions: dict = {}
        self.is_all = owner.is_all and token.is_all
        self.scopes = owner.scopes if token.is_all else token.scopes
        self.changes = owner.changes  # a token's own scopes never change

    def allows(self, action: str, resource: str) -> bool:
        return self.owner.allows(action, resource) and self.token.allows(action, resource)

    def allows_some(self, action: str, resource: str) -> bool:
        return self.owner.allows_some(action, resource) and self.token.allows_some(action, resource)

    def allows_path(self, action: str, resource: str, path: str) -> bool:
        return self.owner.allows_path(action, resource, path) and self.token.allows_path(
            action, resource, path
        )

    def leads_to_path(self, resource: str, path: str) -> bool:
        def either(p: Permissions) -> bool:
            return p.allows_path("read", resource, path) or p.leads_to_path(resource, path)

        return (
            either(self.owner)
            and either(self.token)
            and not self.allows_path("read", resource, path)
        )

    def allows_object(self, action, resource, path=None, owner=None, owner_groups=()) -> bool:
        return self.owner.allows_object(
            action, resource, path, owner, owner_groups
        ) and self.token.allows_object(action, resource, path, owner, owner_groups)

    def covers(self, scope: Scope) -> bool:
        return self.owner.covers(scope) and self.token.covers(scope)


def compile_permissions(
    catalog: Catalog,
    scope_texts: Iterable[str],
    user: str,
    groups: Iterable[str],
    path_grants: Iterable[PathGrant] = (),
) -> Permissions:
    """Compile the union of scopes for one user (templates filled in, hierarchy expanded), and
    of `path_grants` (what shares give them: literal paths, which no scope text may spell).

    Scopes that no longer parse (say, an extension's resource that is gone) grant nothing.
    """
    groups = tuple(groups)
    perms = Permissions()
    concrete: set[str] = set()
    pending = list(scope_texts)
    while pending:
        text = pending.pop()
        try:
            scope = catalog.parse(text)
        except ScopeError:
            continue
        if scope.is_all:
            perms.is_all = True
            concrete.add("all")
            continue
        if text == "self":
            pending.extend(SELF_SCOPES)
            continue
        for concrete_scope in expand_templates(scope, user, groups):
            _add_scope(perms, concrete_scope)
            concrete.add(canonical_text(concrete_scope))
    for path_grant in path_grants:
        _add_path_grant(perms, path_grant)
        concrete.add(path_grant.scope)
    for by_action in perms.grants.values():
        for grant in by_action.values():
            if isinstance(grant, FilteredGrant):
                grant.compile()
    perms.scopes = frozenset(concrete)
    return perms


def _add_path_grant(perms: Permissions, path_grant: PathGrant) -> None:
    by_action = perms.grants.setdefault(path_grant.resource, {})
    current = by_action.get(path_grant.action)
    if current is UNRESTRICTED:
        return
    if current is None:
        current = by_action[path_grant.action] = FilteredGrant()
    assert isinstance(current, FilteredGrant)
    current.add_glob(path_grant.glob)


def _add_scope(perms: Permissions, scope: Scope) -> None:
    for resource in scope.resources:
        by_action = perms.grants.setdefault(resource, {})
        for action in scope.actions:
            current = by_action.get(action)
            if current is UNRESTRICTED:
                continue
            if scope.filter is None:
                by_action[action] = UNRESTRICTED
                continue
            if current is None:
                current = by_action[action] = FilteredGrant()
            assert isinstance(current, FilteredGrant) and scope.value is not None
            current.add(scope.filter, scope.value)
