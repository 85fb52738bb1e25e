"""Hidden is answered exactly as missing, on every route that takes a name, an id or a path.

Generated, not listed: the routes come from the live route table of a real server (jupyter_server,
JupyterLab, jupyter-collaboration, the terminals, the language servers, jupyter-rbac) and from the
OpenAPI spec of /api/rbac. For each route, each method and two callers (one who holds the scope
for objects of their own, one who holds nothing of it) the suite asks about an object that exists
but is hidden from the caller and about one that does not exist: status, body (apart from the
name), and the headers that tell something must be the same. A parameterised route nobody has
classified below fails the suite until somebody does: a new route is never silently left out.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import nbformat
import pytest
from tornado import websocket

from jupyter_rbac.enforcement.route_report import handler_methods, iter_routes

from .support.answers import answer_of, websocket_answer_of
from .support.openapi_check import load_spec, operations

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

try:  # the regex parser moved in Python 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

# Kinds of objects a parameter can name.
PATH, KERNEL, SESSION, TERMINAL = "path", "kernel", "session", "terminal"
ROLE, USER, GROUP, TOKEN, INVITATION, ROOM = "role", "user", "group", "token", "invitation", "room"
SHARE = "share"

# Handler -> what each of its route's groups is (by name, or by number for unnamed groups): a
# kind of object, or "=text" for a parameter that is no object (then always that text).
OBJECT_ROUTES: dict[str, dict[str | int, str]] = {
    "jupyter_server.services.contents.handlers.ContentsHandler": {"path": PATH},
    "jupyter_server.services.contents.handlers.CheckpointsHandler": {"path": PATH},
    "jupyter_server.services.contents.handlers.ModifyCheckpointsHandler": {
        "path": PATH,
        "checkpoint_id": "=checkpoint",
    },
    "jupyter_server.services.contents.handlers.TrustNotebooksHandler": {"path": PATH},
    "jupyter_server.base.handlers.AuthenticatedFileHandler": {1: PATH},
    "jupyter_server.view.handlers.ViewHandler": {"path": PATH},
    "jupyter_server.nbconvert.handlers.NbconvertFileHandler": {"format": "=html", "path": PATH},
    "jupyter_server.services.kernels.handlers.KernelHandler": {"kernel_id": KERNEL},
    "jupyter_server.services.kernels.handlers.KernelActionHandler": {
        "kernel_id": KERNEL,
        "action": "=interrupt",
    },
    "jupyter_server.services.kernels.websocket.KernelWebsocketHandler": {"kernel_id": KERNEL},
    "jupyter_server.services.sessions.handlers.SessionHandler": {"session_id": SESSION},
    "jupyter_server_terminals.api_handlers.TerminalHandler": {1: TERMINAL},
    "jupyter_server_terminals.handlers.TermSocket": {1: TERMINAL},
    "jupyter_server_ydoc.handlers.DocSessionHandler": {1: PATH},
    "jupyter_server_ydoc.handlers.TimelineHandler": {1: PATH},
    "jupyter_server_ydoc.handlers.YDocWebSocketHandler": {1: ROOM},
    "jupyter_server_ydoc.handlers.DocForkHandler": {1: ROOM},
    "jupyter_server_ydoc.handlers.UndoRedoHandler": {1: ROOM},
    "jupyter_rbac.handlers.roles.RoleHandler": {"name": ROLE},
    "jupyter_rbac.handlers.users.UserHandler": {"name": USER},
    "jupyter_rbac.handlers.users.UserPermissionsHandler": {"name": USER},
    "jupyter_rbac.handlers.users.UserSessionsHandler": {"name": USER},
    "jupyter_rbac.handlers.tokens.TokensHandler": {"name": USER},
    "jupyter_rbac.handlers.tokens.TokenHandler": {"name": USER, "token_id": TOKEN},
    "jupyter_rbac.handlers.groups.GroupHandler": {"name": GROUP},
    "jupyter_rbac.handlers.invitations.InvitationHandler": {"invitation_id": INVITATION},
    "jupyter_rbac.handlers.shares.ShareHandler": {"share_id": SHARE},
    "jupyter_rbac.handlers.lab.UserLabSettingsHandler": {
        "name": USER,
        "plugin": "=jupyter-rbac:plugin",
    },
    "jupyter_rbac.handlers.lab.UserLabWorkspacesHandler": {"name": USER, "workspace": "=default"},
}

# Parameterised routes whose parameter names no object that could be hidden from someone.
NOT_OBJECTS: dict[str, str] = {
    "jupyter_server.base.handlers.FileFindHandler": "the server's and JupyterLab's static files: public, the same for all",
    "jupyter_server.base.handlers.PublicStaticFileHandler": "favicon and robots.txt: public",
    "jupyter_server.base.handlers.Template404": "answers 404 to whatever path, whoever asks",
    "jupyter_server.services.contents.handlers.NotebooksRedirectHandler": "redirects to /api/contents/{path} without looking",
    "jupyter_server.services.config.handlers.ConfigHandler": "frontend config sections: read:config has no filter, it reads all or none",
    "jupyter_server.services.kernelspecs.handlers.KernelSpecHandler": "kernel types: read:kernelspecs has no filter",
    "jupyter_server.kernelspecs.handlers.KernelSpecResourceHandler": "kernel types' logos and files: read:kernelspecs has no filter",
    "jupyter_server.nbconvert.handlers.NbconvertPostHandler": "an export format, not an object",
    "jupyter_lsp.handlers.LanguageServerWebSocketHandler": "the installed language servers: read:lsp has no filter",
    "jupyterlab_server.handlers.LabHandler": "JupyterLab's page, the same whatever the tree path (it opens files through /api/contents)",
    "jupyterlab_server.settings_handler.SettingsHandler": "the caller's own settings of a plugin (a schema, the same for all)",
    "jupyterlab_server.workspaces_handler.WorkspacesHandler": "the caller's own workspaces: nobody else's are reached here",
    "jupyterlab_server.translations_handler.TranslationsHandler": "language packs: the same for everyone",
    "jupyter_rbac.handlers.lab.LabDefaultHandler": "a plugin's server-wide defaults: the same for everyone with read:lab",
    "jupyterlab_server.listings_handler.ListingsHandler": "extension allow and block lists: the same for everyone",
    "jupyterlab_server.themes_handler.ThemesHandler": "themes' files: the same for everyone",
    "jupyterlab_server.licenses_handler.LicensesHandler": "third-party licenses: the same for everyone",
}

# Query parameters that name objects (tornado's routes do not declare them; the spec does ours).
QUERY_OBJECTS: dict[str, dict[str, str]] = {
    "jupyter_server.services.api.handlers.PathResolverHandler": {"path": PATH, "kernel": KERNEL},
}
SPEC_QUERY_OBJECTS = {"role": ROLE, "group": GROUP, "user": USER, "path": PATH}
SPEC_QUERY_NOT_OBJECTS = {
    **dict.fromkeys(("limit", "offset", "sort", "q", "all"), "paging, sorting, searching"),
    **dict.fromkeys(("before", "since", "until", "kind", "action"), "audit filters, not objects"),
    **dict.fromkeys(
        ("actor", "target"), "audit filters: read:audit has no filter, it reads all or none"
    ),
    "scope": "scope text to parse: names nothing anyone holds",
    "state": "which invitations (pending, accepted, ...): not an object",
    "format": "the audit export's file format",
}

# -- the routes ------------------------------------------------------------------------------------------


def qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def parameterised_routes(web_app) -> list[tuple[str, type]]:
    return [(pattern, cls) for pattern, cls in iter_routes(web_app) if re.compile(pattern).groups]


def fill(pattern: str, values: dict[int, str]) -> str:
    """A path the route's regex matches, with group number n spelt `values[n]`."""
    return _render(sre_parse.parse(pattern), values)


def _render(parsed, values: dict[int, str]) -> str:
    out = []
    for op, value in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(value))
        elif name == "SUBPATTERN":
            group, *_, inner = value
            out.append(values[group] if group in values else _render(inner, values))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _high, item = value
            out.append(_render(item, values) * max(low, 1))
        elif name == "BRANCH":
            out.append(_render(value[1][0], values))
        elif name in ("IN", "ANY", "NOT_LITERAL"):
            out.append("x")
    return "".join(out)


def route_path(pattern: str, groups: dict[str | int, str], objects: dict[str, str]) -> str | None:
    """The request path of `pattern` asking for `objects` (kind -> name); None if it cannot."""
    regex = re.compile(pattern)
    numbers = {  # a handler serving two routes: the groups of this one
        key if isinstance(key, int) else regex.groupindex[key]: spec
        for key, spec in groups.items()
        if isinstance(key, int) or key in regex.groupindex
    }
    values = {}
    for number, spec in numbers.items():
        if spec.startswith("="):
            values[number] = spec[1:]
            continue
        values[number] = objects[spec]
    for variant in (values, {n: "/" + v if numbers[n] == PATH else v for n, v in values.items()}):
        path = fill(pattern.rstrip("$"), variant)
        if regex.fullmatch(path):
            return path
    return None


# -- the objects ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    hidden: dict[str, str]  # kind -> the name of an object that exists, hidden from the callers
    missing: dict[str, str]  # kind -> a name nothing has

    def names(self, which: str, kinds) -> dict[str, str]:
        """The names of `kinds` in this world's answers, each with its placeholder."""
        objects = getattr(self, which)
        names = {objects[kind]: f"<{kind}>" for kind in kinds}
        if PATH in kinds:
            names[objects[PATH].rsplit("/", 1)[-1]] = "<file name>"
        return names


async def make_world(rbac, admin, make_user, root) -> World:
    """Owen's things, which the callers may not see, and names of things that do not exist."""
    make_user("owen", groups=["owens"])
    path = "home/owen/secret.ipynb"
    (root / "home" / "owen").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), root / path)
    assert (await admin.post("api", "contents", *path.split("/"), "checkpoints"))[0] == 201
    _, kernel = await admin.post("api", "kernels", body={"name": "python3"})
    session_body = {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}}
    _, session = await admin.post("api", "sessions", body=session_body)
    _, terminal = await admin.post("api", "terminals", body={"name": "owensterminal"})
    rbac.store.create_role("owens-role", ["read:lab"])
    (token,) = rbac.store.list_tokens("owen")
    _, invitation = await admin.post("api", "rbac", "invitations", body={"username": "invitee"})
    _, doc = await admin.put(
        "api", "collaboration", "session", path, body={"format": "json", "type": "notebook"}
    )
    _, share = await admin.post(
        "api", "rbac", "shares", body={"path": path, "user": "owen", "role": "viewer"}
    )
    hidden = {
        PATH: path,
        KERNEL: kernel["id"],
        SESSION: session["id"],
        TERMINAL: terminal["name"],
        ROLE: "owens-role",
        USER: "owen",
        GROUP: "owens",
        TOKEN: str(token.id),
        INVITATION: str(invitation["id"]),
        ROOM: f"json:notebook:{doc['fileId']}",
        SHARE: str(share["id"]),
    }
    missing = {
        PATH: "home/owen/absent.ipynb",
        KERNEL: str(uuid.uuid4()),
        SESSION: str(uuid.uuid4()),
        TERMINAL: "99999",
        ROLE: "no-such-role",
        USER: "ghost",
        GROUP: "no-such-group",
        TOKEN: "999999",
        INVITATION: "888888",
        ROOM: f"json:notebook:{uuid.uuid4()}",
        SHARE: "777777",
    }
    return World(hidden, missing)


def callers(rbac, make_user) -> dict[str, Any]:
    """Mallory holds every scope for objects of her own; Nora holds none of them."""
    rbac.store.create_role(
        "own-everything",
        [
            "contents!path=home/{user}/**",
            "nbconvert",
            "kernels!user={user}",
            "sessions!user={user}",
            "terminals!user={user}",
            "users!group={group}",
            "groups!group={group}",
            "lab!user={user}",
            "read:api",
        ],
    )
    return {
        "holds the scope elsewhere": make_user(
            "mallory", roles=["own-everything"], groups=["mallorys"]
        ),
        "holds none of it": make_user("nora"),
    }


# -- the suite ---------------------------------------------------------------------------------------------


def test_every_parameterised_route_is_classified(jp_serverapp, rbac):
    unknown = [
        f"{pattern} [{qualified(cls)}]"
        for pattern, cls in parameterised_routes(jp_serverapp.web_app)
        if qualified(cls) not in OBJECT_ROUTES and qualified(cls) not in NOT_OBJECTS
    ]
    assert unknown == [], "classify these routes in tests/test_hidden_is_missing.py:\n" + "\n".join(
        unknown
    )
    live = {qualified(cls) for _, cls in iter_routes(jp_serverapp.web_app)}
    stale = sorted((set(OBJECT_ROUTES) | set(QUERY_OBJECTS)) - live)
    assert stale == [], f"classified but not routed any more: {stale}"


def test_every_operation_of_the_spec_with_a_name_is_asked(jp_serverapp, rbac):
    """The spec's parameterised operations are routes of the live table classified above, with
    that method; every query parameter of the spec is classified too."""
    routes = parameterised_routes(jp_serverapp.web_app)
    base = jp_serverapp.base_url
    problems = []
    for operation in operations():
        for parameter in _query_parameters(operation):
            if parameter not in SPEC_QUERY_OBJECTS and parameter not in SPEC_QUERY_NOT_OBJECTS:
                problems.append(
                    f"{operation.label}: query parameter {parameter!r} is not classified"
                )
        if "{" not in operation.template:
            continue
        path = base.rstrip("/") + re.sub(r"\{\w+\}", "x1", operation.template)
        matching = [qualified(cls) for pattern, cls in routes if re.fullmatch(pattern, path)]
        # an object's route; else one whose parameter is no object (never the catch-all 404)
        handlers = [name for name in matching if name in OBJECT_ROUTES] or [
            name for name in matching if name in NOT_OBJECTS and not name.endswith("Template404")
        ]
        if not handlers:
            problems.append(f"{operation.label}: no classified route among {matching}")
        elif operation.method.upper() not in handler_methods(_class(routes, handlers[0])):
            problems.append(f"{operation.label}: the handler does not answer this method")
    assert problems == [], "\n".join(problems)


def _query_parameters(operation) -> list[str]:
    spec = load_spec()
    names = []
    for parameter in operation.spec.get("parameters", []):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        if parameter["in"] == "query":
            names.append(parameter["name"])
    return names


def _class(routes, name: str) -> type:
    return next(cls for _, cls in routes if qualified(cls) == name)


async def test_hidden_is_answered_as_missing_on_every_route(
    jp_serverapp, rbac, admin, make_user, jp_root_dir
):
    world = await make_world(rbac, admin, make_user, jp_root_dir)
    who = callers(rbac, make_user)
    base = jp_serverapp.base_url
    asked, differences = 0, []
    for pattern, cls in parameterised_routes(jp_serverapp.web_app):
        groups = OBJECT_ROUTES.get(qualified(cls))
        if groups is None:
            continue  # not an object (NOT_OBJECTS), or unclassified: the test above fails
        paths = {
            which: route_path(pattern, groups, getattr(world, which))
            for which in ("hidden", "missing")
        }
        assert None not in paths.values(), f"cannot build a path for {pattern}"
        parts = {which: (path[len(base) :],) for which, path in paths.items()}
        for caller, client in who.items():
            for method in handler_methods(cls):
                asked += 1
                label = f"{caller}: {method} {pattern}"
                differences += await _compare(
                    client, method, parts, world.names, kinds_of(groups), label
                )
            if issubclass(cls, websocket.WebSocketHandler):
                hidden = await websocket_answer_of(client, parts["hidden"])
                missing = await websocket_answer_of(client, parts["missing"])
                if hidden != missing or hidden == "opened":
                    differences.append(
                        f"{caller}: websocket {pattern}: hidden {hidden}, missing {missing}"
                    )
    assert differences == [], "\n\n".join(differences)
    assert asked > 80  # the walk really asked (about 25 routes, two callers)


async def test_hidden_is_answered_as_missing_in_query_parameters(
    jp_serverapp, rbac, admin, make_user, jp_root_dir
):
    world = await make_world(rbac, admin, make_user, jp_root_dir)
    who = callers(rbac, make_user)
    differences = []
    for pattern, cls in iter_routes(jp_serverapp.web_app):
        for parameter, kind in QUERY_OBJECTS.get(qualified(cls), {}).items():
            parts = (fill(pattern.rstrip("$"), {})[len(jp_serverapp.base_url) :],)
            for caller, client in who.items():
                for method in handler_methods(cls):
                    params = {
                        which: {"path": "/", parameter: getattr(world, which)[kind]}
                        for which in ("hidden", "missing")
                    }
                    label = f"{caller}: {method} {pattern}?{parameter}="
                    both = {which: parts for which in params}
                    differences += await _compare(
                        client, method, both, world.names, (kind,), label, params
                    )
    assert differences == [], "\n\n".join(differences)


async def test_hidden_is_answered_as_missing_in_the_specs_query_parameters(
    rbac, admin, make_user, jp_root_dir
):
    world = await make_world(rbac, admin, make_user, jp_root_dir)
    who = callers(rbac, make_user)
    differences = []
    for operation in operations():
        for parameter in _query_parameters(operation):
            kind = SPEC_QUERY_OBJECTS.get(parameter)
            if kind is None or "{" in operation.template:
                continue
            parts = (operation.template.lstrip("/"),)
            params = {
                which: {parameter: getattr(world, which)[kind]} for which in ("hidden", "missing")
            }
            for caller, client in who.items():
                label = f"{caller}: {operation.label}?{parameter}="
                method = operation.method.upper()
                both = {which: parts for which in params}
                differences += await _compare(
                    client, method, both, world.names, (kind,), label, params
                )
    assert differences == [], "\n\n".join(differences)


def kinds_of(groups: dict[str | int, str]) -> tuple[str, ...]:
    return tuple(spec for spec in groups.values() if not spec.startswith("="))


async def _compare(
    client, method: str, parts: dict, names, kinds, label: str, params: dict | None = None
) -> list[str]:
    """[] if the hidden object and the missing one get the same answer (and neither succeeds:
    a route asked with a query parameter may succeed, as long as it says the same)."""
    answers = {}
    for which in ("hidden", "missing"):
        query = params[which] if params else None
        answers[which] = await answer_of(
            client, method, parts[which], names(which, kinds), params=query
        )
    hidden, missing = answers["hidden"], answers["missing"]
    if hidden == missing and (hidden.status >= 400 or params is not None):
        return []
    return [f"{label}:\n  hidden:  {str(hidden)[:600]}\n  missing: {str(missing)[:600]}"]
