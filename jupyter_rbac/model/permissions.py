"""Compiled permissions: what a user's scopes allow, and the checks the authorizer asks of them.
Pure: no I/O.

The scopes of one source (the roles a user holds directly, each group's roles, a token's scopes)
are compiled once into a `Bundle` that every holder shares, templates kept: `{user}` and
`{group}` are filled with the asker's names when a path is matched (glob_sets.py). A user's
`Permissions` are their bundles and their names, so memory per user stays small however many
scopes they hold. A check is a few dict look-ups and a regex or two: compile once per policy
change, ask many times.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .glob_sets import Glob, GlobSet, Holder, glob_of, glob_set
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


# The marker for a grant with no filter: everything of that (action, resource).
UNRESTRICTED = object()
_NOT_YET = object()  # a grant not put together yet
# Path decisions a user's grant remembers before it starts over (memory stays bounded per user).
MAX_REMEMBERED_PATHS = 256


class SourceGrant:
    """What one source's filtered scopes allow on one (action, resource), templates kept: some
    path globs, owners or groups. Shared by every holder of the source."""

    __slots__ = ("globs", "groups", "users")

    def __init__(self, globs: GlobSet | None, users: frozenset[str], groups: frozenset[str]):
        self.globs = globs
        self.users = users
        self.groups = groups


class Bundle:
    """The scopes of one source (the roles a user holds directly, a group's roles, a token's
    scopes), compiled once for everyone who holds them: `grants[resource][action]` is
    UNRESTRICTED or a SourceGrant. A user's permissions are a few bundles and their name."""

    __slots__ = ("grants", "is_all", "scopes", "texts")

    def __init__(self, texts: tuple[str, ...]):
        self.texts = texts
        self.is_all = False
        self.grants: dict[str, dict[str, object]] = {}
        self.scopes: tuple[Scope, ...] = ()  # parsed, templates kept (for Permissions.scopes)


def compile_bundle(catalog: Catalog, texts: Iterable[str]) -> Bundle:
    """Compile scope texts into a bundle. Scopes that no longer parse (say, an extension's
    resource that is gone) grant nothing."""
    bundle = Bundle(tuple(texts))
    scopes: list[Scope] = []
    filters: dict[tuple[str, str], tuple[list[Glob], set[str], set[str]]] = {}
    pending = list(bundle.texts)
    while pending:
        text = pending.pop()
        try:
            scope = catalog.parse(text)
        except ScopeError:
            continue
        if scope.is_all:
            bundle.is_all = True
            scopes.append(scope)
            continue
        if text == "self":
            pending.extend(SELF_SCOPES)
            continue
        scopes.append(scope)
        for resource in scope.resources:
            for action in scope.actions:
                if scope.filter is None:
                    bundle.grants.setdefault(resource, {})[action] = UNRESTRICTED
                    continue
                globs, users, groups = filters.setdefault((resource, action), ([], set(), set()))
                assert scope.value is not None
                if scope.filter == "path":
                    globs.append(glob_of(scope.value))
                else:
                    (users if scope.filter == "user" else groups).add(scope.value)
    for (resource, action), (globs, users, groups) in filters.items():
        if bundle.grants.get(resource, {}).get(action) is UNRESTRICTED:
            continue
        compiled = glob_set(tuple(sorted(set(globs)))) if globs else None
        bundle.grants.setdefault(resource, {})[action] = SourceGrant(
            compiled, frozenset(users), frozenset(groups)
        )
    bundle.scopes = tuple(scopes)
    return bundle


def shares_bundle(path_grants: Iterable[PathGrant]) -> Bundle:
    """What a user's shares grant: literal paths (braces in them are only braces), one user's
    own (Permissions.scopes writes them from the grants themselves)."""
    bundle = Bundle(())
    globs: dict[tuple[str, str], list[Glob]] = {}
    for path_grant in path_grants:
        globs.setdefault((path_grant.resource, path_grant.action), []).append(path_grant.glob)
    for (resource, action), found in globs.items():
        compiled = glob_set(tuple(sorted(set(found))), literal=True)
        bundle.grants.setdefault(resource, {})[action] = SourceGrant(
            compiled, frozenset(), frozenset()
        )
    return bundle


def _filled(values: Iterable[str], holder: Holder) -> set[str]:
    """Filter values (`!user=`, `!group=`) with their templates filled for `holder`."""
    filled: set[str] = set()
    for value in values:
        found = [value]
        if "{user}" in value:
            found = [v.replace("{user}", holder.user) for v in found] if holder.user else []
        if "{group}" in value:
            found = [v.replace("{group}", g) for v in found for g in holder.groups]
        filled.update(found)
    return filled


class FilteredGrant:
    """What a user's filtered scopes allow on one (action, resource), all their sources
    together: some paths, owners or groups. Made when first asked for, from shared parts."""

    __slots__ = ("_decided", "_holder", "_path_globs", "_sources", "groups", "users")

    def __init__(self, sources: tuple[SourceGrant, ...], holder: Holder):
        # only the sources whose globs grant this holder something (templates it can fill)
        self._sources = tuple(s for s in sources if s.globs and s.globs.grants_some(holder))
        self._holder = holder
        self._decided: dict[str, bool] = {}
        self._path_globs: tuple[Glob, ...] | None = None
        self.users = frozenset(_filled((v for s in sources for v in s.users), holder))
        self.groups = frozenset(_filled((v for s in sources for v in s.groups), holder))

    @property
    def grants_nothing(self) -> bool:
        """No filter here can be filled for its holder: the grant is no grant."""
        return not (self._sources or self.users or self.groups)

    def allows_path(self, path: str) -> bool:
        # Decisions per path are remembered (bounded): a user opens the same files again and
        # again, and a grant never changes (a policy change compiles new permissions).
        decided = self._decided.get(path)
        if decided is None:
            if len(self._decided) >= MAX_REMEMBERED_PATHS:
                self._decided.clear()
            holder = self._holder
            decided = any(s.globs.allows(holder, path) for s in self._sources)  # type: ignore[union-attr]
            self._decided[path] = decided
        return decided

    def leads_to_path(self, path: str) -> bool:
        """True if `path` is a folder on the way to something the globs grant."""
        holder = self._holder
        return any(s.globs.leads_to(holder, path) for s in self._sources)  # type: ignore[union-attr]

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
        """The `!path=` globs, templates filled, as segments (for the sandbox, which turns them
        into folders). Filled once, when first asked (listings ask for every entry)."""
        if self._path_globs is None:
            found: dict[Glob, None] = {}
            for source in self._sources:
                found.update(dict.fromkeys(source.globs.filled(self._holder)))  # type: ignore[union-attr]
            self._path_globs = tuple(found)
        return self._path_globs

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


class Permissions:
    """A user's effective permissions: the bundles of their sources, and who they are (what
    the bundles' templates are filled with). Checks ask the bundles; the grant of an (action,
    resource), all bundles together, is put together when first asked for and kept."""

    def __init__(
        self,
        bundles: Iterable[Bundle] = (),
        user: str = "",
        groups: Iterable[str] = (),
        shares: Iterable[PathGrant] = (),
    ):
        self.bundles = tuple(bundles)
        self.user = user
        self.groups = tuple(groups)
        self.holder = Holder(
            user if is_plain_name(user) else None,
            tuple(sorted(g for g in self.groups if is_plain_name(g))),
        )
        self.shares = tuple(shares)
        self.is_all = any(bundle.is_all for bundle in self.bundles)
        # How many times its user's permissions had come out otherwise than at the compile
        # before, in this process, when these were compiled (the Policy counts): what the event
        # stream compares to tell a user that their permissions changed.
        self.changes = 0
        # Requests these permissions were found to allow (see RBACAuthorizer): a policy change
        # compiles new permissions, so nothing here outlives the policy it was decided under.
        self.decisions: dict = {}
        self._grants: dict[str, dict[str, object]] = {}  # resource -> action -> grant

    @classmethod
    def everything(cls, user: str = "") -> Permissions:
        """`all`: what the system itself acts with."""
        bundle = Bundle(("all",))
        bundle.is_all = True
        bundle.scopes = (Scope("all", (), (), is_all=True),)
        return cls([bundle], user)

    @property
    def scopes(self) -> frozenset[str]:
        """The concrete scopes these were compiled from (templates filled), with what shares
        grant. Written out when asked (people read them; checks never do)."""
        concrete: set[str] = set()
        for bundle in self.bundles:
            for scope in bundle.scopes:
                if scope.is_all:
                    concrete.add("all")
                    continue
                for filled in expand_templates(scope, self.user, self.groups):
                    concrete.add(canonical_text(filled))
        concrete.update(path_grant.scope for path_grant in self.shares)
        return frozenset(concrete)

    @property
    def fingerprint(self) -> int:
        """Equal for two compiles from the same sources for the same user: a cheap way to see
        that permissions may have changed (scopes of another text may grant the same)."""
        texts = tuple(bundle.texts for bundle in self.bundles)
        return hash((texts, self.user, self.groups, self.shares))

    def grant(self, action: str, resource: str) -> object | None:
        """UNRESTRICTED, a FilteredGrant, or None. `all` grants every resource, known or not."""
        if self.is_all:
            return UNRESTRICTED
        by_action = self._grants.get(resource)
        if by_action is not None:
            found = by_action.get(action, _NOT_YET)
            if found is not _NOT_YET:
                return found
        return self._put_together(action, resource)

    def _put_together(self, action: str, resource: str) -> object | None:
        """The grant of (action, resource), all bundles together; kept for the next ask."""
        sources = []
        found: object | None = None
        for bundle in self.bundles:
            part = bundle.grants.get(resource, {}).get(action)
            if part is UNRESTRICTED:
                found = UNRESTRICTED
                break
            if part is not None:
                sources.append(part)
        if found is None and sources:
            filtered = FilteredGrant(tuple(sources), self.holder)  # type: ignore[arg-type]
            found = None if filtered.grants_nothing else filtered
        self._grants.setdefault(resource, {})[action] = found
        return found

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
        self.changes = owner.changes  # a token's own scopes never change

    @property
    def scopes(self) -> frozenset[str]:
        return self.owner.scopes if self.token.is_all else self.token.scopes

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
    """Compile the union of scopes for one user (hierarchy expanded; templates filled when
    asked), and of `path_grants` (what shares give them: literal paths, which no scope text may
    spell). A policy compiles each source's bundle once for all its holders (permissions_of)."""
    return permissions_of([compile_bundle(catalog, scope_texts)], user, groups, path_grants)


def permissions_of(
    bundles: Iterable[Bundle],
    user: str,
    groups: Iterable[str],
    path_grants: Iterable[PathGrant] = (),
) -> Permissions:
    """A user's permissions from the bundles of their sources and their shares."""
    bundles = list(bundles)
    path_grants = tuple(path_grants)
    if path_grants:
        bundles.append(shares_bundle(path_grants))
    return Permissions(bundles, user, groups, path_grants)
