"""The catalog: the one table of the resources scopes can name, with what each action on each
one means. It starts with the built-in resources; extensions' resources (their handlers'
`auth_resource`) join it at start. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .grammar import Scope, canonical_text, parse_scope
from .vocabulary import ACTIONS, IMPLIED_ACTIONS, METASCOPES, ScopeError


@dataclass(frozen=True)
class Resource:
    """One entry of the catalog: a kind of thing on the server, and what each action on it means."""

    name: str
    description: str
    actions: Mapping[str, str]  # action -> one-line description of that scope
    filters: frozenset[str] = frozenset()
    # Policy-administration resources are not covered by `custom:jupyter_server:{action}:*`.
    administrative: bool = False
    # The actions whose requests name a path (where `!path=` means something): what a share of
    # this resource grants at its place. None: every action, if the resource takes `!path=`.
    path_actions: frozenset[str] | None = None

    def is_judged_by_path(self, action: str) -> bool:
        if "path" not in self.filters:
            return False
        return self.path_actions is None or action in self.path_actions


def _resource(
    name, description, read, write, execute, filters=(), administrative=False, path_actions=None
):
    actions = {"read": read, "write": write, "execute": execute}
    path_actions = frozenset(path_actions) if path_actions is not None else None
    return Resource(name, description, actions, frozenset(filters), administrative, path_actions)


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
        path_actions=("read",),  # a notebook posted to be converted has no path
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
        "JupyterLab: its pages, themes, translations and extensions, and each user's own"
        " settings and workspaces.",
        read="Open JupyterLab, and read the settings and workspaces of the users the filter"
        " names (unfiltered: everyone's, and the server-wide defaults).",
        write="Change and reset the settings and workspaces of the users the filter names"
        " (unfiltered: everyone's, and the server-wide defaults every user starts from).",
        execute="Install, enable and disable JupyterLab extensions and rebuild JupyterLab.",
        filters=("user", "group"),
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
        "shares",
        "Shares: a role given to a user or group on one folder or file.",
        read="See who was given folders and files through shares.",
        write="Share folders and files with users and groups (never more than you hold"
        " there), and remove shares.",
        execute=_SAME_AS_WRITE,
        filters=("path",),
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


# Parsed scopes remembered by a catalog before it starts over (policies hold a few hundred).
MAX_PARSED_SCOPES = 4096


class Catalog:
    """The resources scopes can name, and the parser bound to them.

    Starts with the built-in resources; extensions' resources are added with `add`.
    """

    def __init__(self, resources: Iterable[Resource] = BUILTIN_RESOURCES):
        self.resources: dict[str, Resource] = {r.name: r for r in resources}
        self._parsed: dict[str, Scope] = {}
        self.generation = 0  # moves on with each resource added: what was parsed may differ

    def add(self, resource: Resource) -> None:
        if resource.name not in self.resources:
            self.resources[resource.name] = resource
            self._parsed.clear()
            self.generation += 1

    def server_resources(self) -> tuple[str, ...]:
        """Resources covered by `custom:jupyter_server:{action}:*`: all but policy administration."""
        return tuple(name for name, r in self.resources.items() if not r.administrative)

    def describe(self) -> list[dict]:
        """Every scope the catalog knows, with its description: what the API and the UI list.

        `implies` names the `ACTION:RESOURCE` scopes an entry grants besides itself, so that a
        client needs no rule of its own: a bare resource grants every action on it, `all` every
        action on every resource (`self` grants only filtered scopes, and lists none).
        """
        entries: list[dict] = []
        for name, text in METASCOPES.items():
            entries.append({"scope": name, "description": text, "filters": []})
            if name == "all":
                entries[-1]["implies"] = [f"{a}:{r}" for r in self.resources for a in ACTIONS]
        for resource in self.resources.values():
            entries.append(
                {
                    "scope": resource.name,
                    "description": f"Every action on {resource.name}: {resource.description}",
                    "filters": sorted(resource.filters),
                    "implies": [f"{a}:{resource.name}" for a in ACTIONS],
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
            scope = parse_scope(text, self)
            if len(self._parsed) >= MAX_PARSED_SCOPES:  # scopes arrive from users: stay bounded
                self._parsed.clear()
            self._parsed[text] = scope
        return scope

    def scope_parts(self, text: str) -> dict:
        """One scope in parts, as the server parses it: what a client shows or looks up instead
        of reading scope text itself.

        `base` is the scope without its filter, aliases resolved: the catalog entry (`describe`)
        it is, if any. `action` and `resource` are as written: `action` is None for a bare
        resource and the metascopes, `resource` None for the metascopes and `*` for
        `custom:jupyter_server:ACTION:*`. `actions` and `resources` are what the scope covers,
        spelled out: implied actions included, `all` every resource, `*` every resource but
        policy administration (`self` lists none: it stands for filtered scopes of its own).
        A scope that no longer parses (an extension's resource that is gone) covers nothing.
        """
        try:
            scope = self.parse(text)
        except ScopeError:
            scope = None
        if scope is None or not (scope.resources or scope.is_all):  # gone, or `self`
            action = resource = None
            actions: tuple[str, ...] = ()
            resources: tuple[str, ...] = ()
        else:
            bare = scope.is_all or scope.actions == ACTIONS
            action = None if bare else scope.actions[0]  # IMPLIED_ACTIONS: itself first
            if scope.is_all:
                resource, resources = None, tuple(self.resources)
            else:
                resources = scope.resources
                resource = resources[0] if len(resources) == 1 else "*"
            # strongest first: the last action grants every other one
            actions = IMPLIED_ACTIONS[ACTIONS[-1]] if bare else scope.actions
        return {
            "scope": text,
            "base": None if scope is None else canonical_text(replace(scope, filter=None)),
            "action": action,
            "resource": resource,
            "filter": (
                {"name": scope.filter, "value": scope.value}
                if scope is not None and scope.filter is not None
                else None
            ),
            "actions": list(actions),
            "resources": list(resources),
        }

    def validate(self, texts: Iterable[str]) -> list[str]:
        """The scopes, each checked; raises ScopeError on the first bad one."""
        return [self.parse(text).text for text in texts]
