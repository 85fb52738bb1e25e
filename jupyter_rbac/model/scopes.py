"""The scope language of jupyter-rbac: catalog, grammar, hierarchy, expansion and matching.

Pure: no I/O, no server imports. Everything that says "may X do Y" reads from here.

    scope    := base [ "!" filter "=" value ]
    base     := action ":" resource | resource | metascope
    action   := read | write | execute        (execute ⊃ write ⊃ read; a bare resource = every action)
    filter   := path | user | group
    metascope:= all | self

`custom:jupyter_server:{action}:{resource|*}` (JupyterHub's convention) is an alias of `{action}:{resource}`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .paths import glob_parts

ACTIONS: tuple[str, ...] = ("read", "write", "execute")
# Each action grants itself and every action listed after it here.
IMPLIED_ACTIONS: dict[str, tuple[str, ...]] = {
    "read": ("read",),
    "write": ("write", "read"),
    "execute": ("execute", "write", "read"),
}
FILTERS: tuple[str, ...] = ("path", "user", "group")
METASCOPES: dict[str, str] = {
    "all": "Everything, on every resource, including administering jupyter-rbac.",
    "self": "Read your own user record and permissions, and manage your own API tokens.",
}
# What `self` means, written in the language itself.
SELF_SCOPES: tuple[str, ...] = ("read:users!user={user}", "tokens!user={user}")
TEMPLATE_NAMES: tuple[str, ...] = ("user", "group")
# Names substituted into templates must be plain names: they become path segments and filter values.
# (\Z, not $: $ also matches before a final newline.)
SAFE_NAME = re.compile(r"^[A-Za-z0-9_@+\-][A-Za-z0-9_.@+\-]{0,127}\Z")


class ScopeError(ValueError):
    """A scope that cannot be parsed, or that names something the catalog does not have."""

    def __init__(self, scope: str, problem: str):
        self.scope = scope
        self.problem = problem
        super().__init__(f"invalid scope {scope!r}: {problem}")


@dataclass(frozen=True)
class Resource:
    """One entry of the catalog: a kind of thing on the server, and what each action on it means."""

    name: str
    description: str
    actions: Mapping[str, str]  # action -> one-line description of that scope
    filters: frozenset[str] = frozenset()
    # Policy-administration resources are not covered by `custom:jupyter_server:{action}:*`.
    administrative: bool = False


def _resource(name, description, read, write, execute, filters=(), administrative=False):
    actions = {"read": read, "write": write, "execute": execute}
    return Resource(name, description, actions, frozenset(filters), administrative)


_SAME_AS_WRITE = "Same as write: nothing on this resource needs more."
_SAME_AS_READ = "Same as read: nothing on this resource needs more."

# The single source of truth for scopes: the API's /scopes, the panel's picker, the docs and the
# validator all read this table.
BUILTIN_RESOURCES: tuple[Resource, ...] = (
    _resource(
        "contents",
        "Files and notebooks: the Contents API, /files, /view, checkpoints and trust.",
        read="List folders and open files and notebooks.",
        write="Create, save, upload, rename, copy and delete files and notebooks.",
        execute=_SAME_AS_WRITE,
        filters=("path",),
    ),
    _resource(
        "kernels",
        "Kernels: the processes that run code.",
        read="See running kernels.",
        write="Shut down kernels; join a session to a running kernel.",
        execute="Start, restart and interrupt kernels, and run code in them (their channels).",
        filters=("user", "group"),
    ),
    _resource(
        "kernelspecs",
        "Kernel types (Python, R, ...) and their logos and resources.",
        read="See the available kernel types.",
        write=_SAME_AS_READ,
        execute=_SAME_AS_READ,
    ),
    _resource(
        "sessions",
        "Sessions: which document is connected to which kernel.",
        read="See sessions.",
        write="Create, change and delete sessions (a session that starts a kernel also needs "
        "execute:kernels).",
        execute=_SAME_AS_WRITE,
        filters=("path", "user", "group"),
    ),
    _resource(
        "terminals",
        "Terminals: shells on the server, with the server's own rights.",
        read="See running terminals.",
        write="Start and stop terminals.",
        execute="Type into terminals (connect to their websocket).",
        filters=("user", "group"),
    ),
    _resource(
        "config",
        "Frontend configuration sections stored on the server.",
        read="Read frontend configuration.",
        write="Change frontend configuration.",
        execute=_SAME_AS_WRITE,
    ),
    _resource(
        "nbconvert",
        "Exporting notebooks to other formats.",
        read="Export notebooks to HTML, PDF, scripts and other formats.",
        write="Convert notebooks posted to the server.",
        execute=_SAME_AS_WRITE,
        filters=("path",),
    ),
    _resource(
        "events",
        "The server's event bus.",
        read="Subscribe to the server's event stream (events about what you may read).",
        write="Emit events to the server's event bus.",
        execute=_SAME_AS_WRITE,
    ),
    _resource(
        "api",
        "The server's status, API specification and path resolution.",
        read="Read the server's status and API specification, and resolve paths.",
        write=_SAME_AS_READ,
        execute=_SAME_AS_READ,
    ),
    _resource(
        "server",
        "The server process itself.",
        read=_SAME_AS_WRITE,
        write="Shut down the server.",
        execute="Shut down the server.",
    ),
    _resource(
        "csp",
        "Content-security-policy violation reports sent by browsers.",
        read="Send content-security-policy reports.",
        write="Send content-security-policy reports.",
        execute="Send content-security-policy reports.",
    ),
    _resource(
        "lab",
        "JupyterLab: its pages, settings, workspaces, themes, translations and extensions.",
        read="Open JupyterLab and read its settings, workspaces, themes and translations.",
        write="Change JupyterLab settings and workspaces.",
        execute="Install, enable and disable JupyterLab extensions and rebuild JupyterLab.",
    ),
    _resource(
        "lsp",
        "Language servers (jupyter-lsp, shipped with JupyterLab): completion, hints, diagnostics.",
        read="See which language servers are available.",
        write="Same as execute.",
        execute="Start and talk to language servers (they run as the server's user).",
    ),
    _resource(
        "roles",
        "jupyter-rbac roles: named sets of scopes.",
        read="See roles and who holds them.",
        write="Create, change and delete roles, and assign them.",
        execute=_SAME_AS_WRITE,
        administrative=True,
    ),
    _resource(
        "users",
        "jupyter-rbac users and their effective permissions.",
        read="See users and their effective permissions.",
        write="Create, change and delete users.",
        execute=_SAME_AS_WRITE,
        filters=("user", "group"),
        administrative=True,
    ),
    _resource(
        "groups",
        "jupyter-rbac groups and their members.",
        read="See groups and their members.",
        write="Create, change and delete groups and their members.",
        execute=_SAME_AS_WRITE,
        filters=("group",),
        administrative=True,
    ),
    _resource(
        "tokens",
        "API tokens of users.",
        read="See API tokens (never their secret).",
        write="Create and revoke API tokens.",
        execute=_SAME_AS_WRITE,
        filters=("user",),
        administrative=True,
    ),
    _resource(
        "collaborators",
        "Who is connected to the server and to which documents.",
        read="See who is collaborating, and where.",
        write=_SAME_AS_READ,
        execute=_SAME_AS_READ,
    ),
    _resource(
        "audit",
        "The audit trail of policy changes and denied requests.",
        read="Read the audit trail.",
        write=_SAME_AS_READ,
        execute=_SAME_AS_READ,
        administrative=True,
    ),
)


def extension_resource(name: str, owner: str) -> Resource:
    """A catalog entry for a resource an extension's handlers declare (their `auth_resource`)."""
    return _resource(
        name,
        f"Resource {name!r} of the server extension {owner}.",
        read=f"Read {name} (what {owner} calls read).",
        write=f"Change {name} (what {owner} calls write).",
        execute=f"Run {name} (what {owner} calls execute).",
    )


# ---------------------------------------------------------------------------------------------
# Paths and globs


def _segment_regex(segment: str) -> str:
    return "/" + "[^/]*".join(re.escape(piece) for piece in segment.split("*"))


def _glob_segments(glob: str, scope: str) -> list[str]:
    segments = glob_parts(glob)
    for segment in segments:
        if segment == "..":
            raise ScopeError(scope, "a path filter may not contain '..'")
        if "**" in segment and segment != "**":
            if "\\" in segment:  # a Windows habit; on POSIX a backslash is part of a name
                raise ScopeError(scope, "separate folders with '/': a backslash is part of a name here")
            raise ScopeError(scope, "'**' must be a whole path segment, as in 'a/**/b'")
    return segments


def glob_regex(segments: list[str]) -> str:
    """Regex source matching '/'-prefixed normalised paths: `*` is one segment, `**` any depth (also none)."""
    return "".join("(?:/[^/]+)*" if s == "**" else _segment_regex(s) for s in segments)


def ancestors_regex(segments: list[str]) -> str | None:
    """Regex source matching the strict ancestor folders of what the glob grants (the way there)."""
    alternatives = [""]
    prefix = ""
    for segment in segments[:-1]:
        if segment == "**":
            # below a `**` every folder is itself granted; ancestors end here
            break
        prefix += _segment_regex(segment)
        alternatives.append(prefix)
    if segments and segments[0] == "**":
        return None  # the glob grants the root and everything under it
    return "|".join(f"(?:{a})" for a in alternatives)


# In glob_as_subject, a `**` segment becomes this character: only a `**` of the covering glob
# may absorb it (a `*` stands for one segment, never for any depth).
_ANY_DEPTH = "\x00"


def glob_as_subject(glob: str) -> str:
    """A path glob written as a subject for _glob_contains_regex: templates become wildcards."""
    glob = _TEMPLATE.sub("*", glob)
    return "".join("/" + (_ANY_DEPTH if s == "**" else s) for s in glob.split("/") if s)


@functools.lru_cache(maxsize=4096)
def _glob_contains_regex(segments: tuple[str, ...]) -> re.Pattern[str]:
    """Matches the subjects (see glob_as_subject) of the globs that this glob contains.

    The covering glob's wildcards may absorb the covered glob's wildcards; its literal text
    only matches literal text. Sound (never claims containment wrongly), not complete.
    """
    parts = []
    for segment in segments:
        if segment == "**":
            parts.append("(?:/[^/]+)*")
        else:
            parts.append("/" + "[^/\x00]*".join(re.escape(piece) for piece in segment.split("*")))
    return re.compile("".join(parts))


def object_scope(action: str, resource: str, path: str | None = None, owner: str | None = None) -> str:
    """The scope that allows `action` on one object: at a path, or owned by someone."""
    if path is not None:
        return f"{action}:{resource}!path={path}"
    if owner is not None:
        return f"{action}:{resource}!user={owner}"
    return f"{action}:{resource}"


def as_match_subject(path: str) -> str:
    """The string path globs are matched against: '' for the root, '/a/b' for 'a/b'."""
    return "/" + path if path else ""


# ---------------------------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class Scope:
    """A parsed scope. `resources` is empty for the `all` metascope, which grants everything."""

    text: str
    actions: tuple[str, ...]  # the actions granted, implied ones included
    resources: tuple[str, ...]
    filter: str | None = None
    value: str | None = None
    is_all: bool = False

    @property
    def is_template(self) -> bool:
        return self.value is not None and "{" in self.value


_FILTER_VALUE = re.compile(r"^[^!\s]+$")
# Parsed scopes remembered by a catalog before it starts over (policies hold a few hundred).
MAX_PARSED_SCOPES = 4096
_TEMPLATE = re.compile(r"\{([^{}]*)\}")


class Catalog:
    """The resources scopes can name, and the parser bound to them.

    Starts with the built-in resources; extensions' resources are added with `add`.
    """

    def __init__(self, resources: Iterable[Resource] = BUILTIN_RESOURCES):
        self.resources: dict[str, Resource] = {r.name: r for r in resources}
        self._parsed: dict[str, Scope] = {}

    def add(self, resource: Resource) -> None:
        if resource.name not in self.resources:
            self.resources[resource.name] = resource
            self._parsed.clear()

    def server_resources(self) -> tuple[str, ...]:
        """Resources covered by `custom:jupyter_server:{action}:*`: all but policy administration."""
        return tuple(name for name, r in self.resources.items() if not r.administrative)

    def describe(self) -> list[dict]:
        """Every scope the catalog knows, with its description: what the API and the UI list."""
        entries = [
            {"scope": name, "description": text, "filters": []}
            for name, text in METASCOPES.items()
        ]
        for resource in self.resources.values():
            entries.append(
                {
                    "scope": resource.name,
                    "description": f"Every action on {resource.name}: {resource.description}",
                    "filters": sorted(resource.filters),
                }
            )
            for action in ACTIONS:
                entries.append(
                    {
                        "scope": f"{action}:{resource.name}",
                        "description": resource.actions[action],
                        "filters": sorted(resource.filters),
                        "implies": [f"{a}:{resource.name}" for a in IMPLIED_ACTIONS[action][1:]],
                    }
                )
        return entries

    def parse(self, text: str) -> Scope:
        """Parse one scope; raises ScopeError naming the scope and the problem."""
        scope = self._parsed.get(text)
        if scope is None:
            scope = self._parse(text)
            if len(self._parsed) >= MAX_PARSED_SCOPES:  # scopes arrive from users: stay bounded
                self._parsed.clear()
            self._parsed[text] = scope
        return scope

    def validate(self, texts: Iterable[str]) -> list[str]:
        """The scopes, each checked; raises ScopeError on the first bad one."""
        return [self.parse(text).text for text in texts]

    def _parse(self, text: str) -> Scope:
        if not isinstance(text, str) or not text.strip():
            raise ScopeError(str(text), "a scope must be a non-empty string")
        if text != text.strip():
            raise ScopeError(text, "a scope may not start or end with spaces")
        base, sep, filter_part = text.partition("!")
        filter_name = value = None
        if sep:
            filter_name, eq, value = filter_part.partition("=")
            if not eq or not value:
                raise ScopeError(text, "a filter is written '!path=VALUE', '!user=NAME' or '!group=NAME'")
            if filter_name not in FILTERS:
                raise ScopeError(text, f"unknown filter {filter_name!r}; filters are {', '.join(FILTERS)}")
            if not _FILTER_VALUE.match(value):
                raise ScopeError(text, "a filter value may not contain spaces or '!'")
            self._check_templates(text, value)

        if base in METASCOPES:
            if sep:
                raise ScopeError(text, f"the metascope {base!r} takes no filter")
            return Scope(text, ACTIONS, (), is_all=(base == "all"))

        if base.startswith("custom:"):
            base = self._unalias(text, base)

        action, colon, resource_name = base.rpartition(":")
        if not colon:
            action, resource_name = "", base
        if action and action not in ACTIONS:
            raise ScopeError(text, f"unknown action {action!r}; actions are {', '.join(ACTIONS)}")
        actions = IMPLIED_ACTIONS[action] if action else ACTIONS

        if resource_name == "*":
            resources = self.server_resources()
            if filter_name:
                raise ScopeError(text, "a scope on every resource ('*') takes no filter")
        else:
            resource = self.resources.get(resource_name)
            if resource is None:
                raise ScopeError(text, f"unknown resource {resource_name!r}")
            if filter_name and filter_name not in resource.filters:
                allowed = ", ".join(f"!{f}=" for f in sorted(resource.filters)) or "no filter"
                raise ScopeError(text, f"{resource_name} takes {allowed}, not !{filter_name}=")
            resources = (resource_name,)

        if filter_name == "path" and value is not None:
            value = "/".join(_glob_segments(value, text)) or "**"
        return Scope(text, actions, resources, filter_name, value)

    @staticmethod
    def _unalias(text: str, base: str) -> str:
        parts = base.split(":")
        if len(parts) != 4 or parts[1] != "jupyter_server":
            raise ScopeError(text, "custom scopes are written 'custom:jupyter_server:ACTION:RESOURCE'")
        if parts[2] not in ACTIONS:
            raise ScopeError(text, f"unknown action {parts[2]!r}; actions are {', '.join(ACTIONS)}")
        return f"{parts[2]}:{parts[3]}"

    @staticmethod
    def _check_templates(text: str, value: str) -> None:
        for name in _TEMPLATE.findall(value):
            if name not in TEMPLATE_NAMES:
                raise ScopeError(text, f"unknown template {{{name}}}; templates are {{user}} and {{group}}")
        if _TEMPLATE.sub("", value).count("{") or _TEMPLATE.sub("", value).count("}"):
            raise ScopeError(text, "unbalanced '{' or '}' in the filter value")


# ---------------------------------------------------------------------------------------------
# Expansion and compiled permissions


def expand_templates(scope: Scope, user: str, groups: Iterable[str]) -> list[Scope]:
    """A template scope made concrete for one user: `{user}` once, `{group}` once per group."""
    if not scope.is_template:
        return [scope]
    assert scope.value is not None
    values = [scope.value]
    if "{user}" in scope.value:
        values = [v.replace("{user}", user) for v in values] if SAFE_NAME.match(user) else []
    if "{group}" in scope.value:
        safe_groups = [g for g in sorted(groups) if SAFE_NAME.match(g)]
        values = [v.replace("{group}", g) for v in values for g in safe_groups]
    return [
        Scope(scope.text, scope.actions, scope.resources, scope.filter, value) for value in values
    ]


# Path decisions a grant remembers before it starts over (memory stays bounded per user).
MAX_REMEMBERED_PATHS = 1024


class FilteredGrant:
    """What filtered scopes allow on one (action, resource): some paths, owners or groups."""

    __slots__ = ("_ancestors", "_decided", "_globs", "_path", "groups", "users")

    def __init__(self) -> None:
        self._globs: list[tuple[str, ...]] = []
        self._path: re.Pattern[str] | None = None
        self._decided: dict[str, bool] = {}
        self._ancestors: re.Pattern[str] | None = None
        self.users: set[str] = set()
        self.groups: set[str] = set()

    def add(self, filter_name: str, value: str) -> None:
        if filter_name == "path":
            self._globs.append(tuple(value.split("/")))
        elif filter_name == "user":
            self.users.add(value)
        else:
            self.groups.add(value)

    def compile(self) -> None:
        if self._globs:
            self._path = re.compile("|".join(f"(?:{glob_regex(g)})" for g in self._globs))
            ancestors = [ancestors_regex(g) for g in self._globs]
            if all(a is not None for a in ancestors):
                self._ancestors = re.compile("|".join(f"(?:{a})" for a in ancestors))
            else:
                self._ancestors = self._path  # some glob grants the root: everything is granted
        self.users = frozenset(self.users)  # type: ignore[assignment]
        self.groups = frozenset(self.groups)  # type: ignore[assignment]

    def allows_path(self, path: str) -> bool:
        # Decisions per path are remembered (bounded): a user opens the same files again and
        # again, and these grants never change (a policy change compiles new ones).
        decided = self._decided.get(path)
        if decided is None:
            if len(self._decided) >= MAX_REMEMBERED_PATHS:
                self._decided.clear()
            decided = self._path is not None and self._path.fullmatch(as_match_subject(path)) is not None
            self._decided[path] = decided
        return decided

    def leads_to_path(self, path: str) -> bool:
        """True if `path` is a folder on the way to something the globs grant."""
        return self._ancestors is not None and (
            self._ancestors.fullmatch(as_match_subject(path)) is not None
        )

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

    def covers(self, filter_name: str, value: str) -> bool:
        """True if these filters admit everything `!filter_name=value` admits.

        Templates in `value` stand for any name, so only a wildcard covers them.
        """
        if filter_name == "path":
            subject = glob_as_subject(value)
            return any(_glob_contains_regex(g).fullmatch(subject) for g in self._globs)
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

        return either(self.owner) and either(self.token) and not self.allows_path("read", resource, path)

    def allows_object(self, action, resource, path=None, owner=None, owner_groups=()) -> bool:
        return self.owner.allows_object(
            action, resource, path, owner, owner_groups
        ) and self.token.allows_object(action, resource, path, owner, owner_groups)

    def covers(self, scope: Scope) -> bool:
        return self.owner.covers(scope) and self.token.covers(scope)


def compile_permissions(
    catalog: Catalog, scope_texts: Iterable[str], user: str, groups: Iterable[str]
) -> Permissions:
    """Compile the union of scopes for one user (templates filled in, hierarchy expanded).

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
            concrete.add(_plain_text(concrete_scope))
    for by_action in perms.grants.values():
        for grant in by_action.values():
            if isinstance(grant, FilteredGrant):
                grant.compile()
    perms.scopes = frozenset(concrete)
    return perms


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


def _plain_text(scope: Scope) -> str:
    """The canonical text of a concrete scope: aliases resolved, path globs normalised."""
    base = scope.text.split("!", 1)[0]
    if base.startswith("custom:"):
        base = ":".join(base.split(":")[2:])
    return f"{base}!{scope.filter}={scope.value}" if scope.filter else base
