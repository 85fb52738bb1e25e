"""RBACAuthorizer: jupyter_server's Authorizer, answered by the policy.

jupyter_server calls `is_authorized(handler, user, action, resource)` from its handlers. We find
the object the request touches (a path, or the owner of a kernel, terminal or session) and ask
the user's compiled permissions about that object. Some requests exercise a second resource (a
new session starts a kernel; a copy reads its source): those need both scopes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from jupyter_server.auth import Authorizer
from jupyter_server.auth.decorator import HTTP_METHOD_TO_AUTH_ACTION
from tornado import web

from ..collaboration.rooms import GLOBAL_AWARENESS_ROOM, document_of_room
from .contents_check import note_judged, note_launch
from ..json_body import BodyError, parse_json_body
from ..model.paths import PathError, normalize_path
from .routes import READ_METHODS
from ..model.scopes import IMPLIED_ACTIONS, object_scope
from .spelling import as_on_disk, ignores_case
from .websockets import remember_question

if TYPE_CHECKING:
    from jupyter_server.auth import User
    from tornado.web import RequestHandler

    from ..identity.hub_connections import HubConnections
    from ..identity.singleuser import HubGrants
    from ..policy import Policy

# Resources whose scopes can be narrowed to objects; the rest are decided by one look-up.
OBJECT_RESOURCES = frozenset({"contents", "kernels", "sessions", "terminals", "nbconvert"})
OWNED_KIND = {"kernels": "kernel", "sessions": "session", "terminals": "terminal"}
# What the 404 calls a hidden object named by an id (the answer for an id that names nothing).
HIDDEN_KIND = {**OWNED_KIND, "contents": "document"}
# jupyter-collaboration checks `read` before letting a client into a room, then accepts its edits.
# jupyter-rbac dispatches rooms to its CollaborationRoomHandler, which drops the edits of readers
# (collaboration.py); should the stock handler ever be reached, entering its room needs `write`.
# Its session PUT only looks up the document's file id: opening a document, i.e. reading it.
# jupyter_server asks `execute` to subscribe to the event stream: that is reading it.
ACTION_FOR_HANDLER = {
    ("YDocWebSocketHandler", "read"): "write",
    ("DocSessionHandler", "write"): "read",
    ("SubscribeWebsocket", "execute"): "read",
}
# Requests on these may start a kernel or a terminal: the Authorizer notes whom it let do so, for
# the kernel and terminal managers (sandbox.launch). Starting or restarting a kernel is running
# code: it needs `execute:kernels` (the route table asks it of POST under /api/kernels; a session
# that starts a kernel asks it in `_session_needs`).
LAUNCHING_RESOURCES = frozenset({"kernels", "sessions", "terminals"})
# Handlers whose non-GET method only reads (see above).
READING_HANDLERS = frozenset({"DocSessionHandler"})
# Allowed reads remembered per user's permissions before starting over (bounds memory).
MAX_REMEMBERED_DECISIONS = 1024


class Need(NamedTuple):
    """One thing a request must be allowed: an action on a resource, maybe on one object.

    Without an object, a filtered scope only suffices for reads that list things (the listing
    is filtered on the way out); otherwise the scope must be unfiltered.
    """

    action: str
    resource: str
    path: str | None = None
    owner: str | None = None
    has_object: bool = False
    traversal: bool = False  # a folder on the way to what the user may read is enough
    # One existing object named by its id (a kernel, session, terminal, a room's document):
    # refused, it is answered as an unknown id is (`_refuse_hidden`), so that neither its
    # existence nor its owner or path shows.
    hides_existence: bool = False
    # The scope a refusal names when it is not this need's own: where a link leads must not show.
    reported: str | None = None

    @property
    def scope(self) -> str:
        return object_scope(self.action, self.resource, self.path, self.owner)

    @property
    def refusal(self) -> str:
        return self.reported or self.scope


class Unresolvable(Exception):
    """The request names an object we cannot find (e.g. an unknown collaboration room).

    Its message is the scope that would have been needed.
    """


class NoSuchObject(Unresolvable):
    """The request names, by an id, an object that does not exist (an unknown collaboration
    room): answered exactly as an existing one hidden from the user (`_refuse_hidden`)."""

    def __init__(self, action: str, resource: str):
        super().__init__(f"{action}:{resource}")
        self.need = Need(action, resource, has_object=True, hides_existence=True)


class RBACAuthorizer(Authorizer):
    """Decides every `@authorized` check of jupyter_server (and extensions) from the RBAC policy."""

    # The jupyter_rbac Policy, set by the extension when it loads. A plain attribute, not a
    # trait: it is read on every request, and trait access costs more than the check itself.
    policy: Policy | None = None
    hub_grants: HubGrants | None = None  # set by the extension; used under JupyterHub only
    hub_connections: HubConnections | None = None  # websockets ask the Hub again (under JupyterHub)

    def is_authorized(self, handler: RequestHandler, user: User, action: str, resource: str) -> bool:
        """True if `user` may do `action` on `resource` for this request; False gives a 403.

        On False, the scope that was missing is left on the handler for the error response.
        """
        if self.policy is None:  # the extension did not load: deny rather than guess
            return False
        remember_question(handler, action, resource)
        permissions = self.permissions_for(handler, user)
        if permissions.is_all:
            if resource in LAUNCHING_RESOURCES and handler.request.method not in READ_METHODS:
                note_launch(user.username, starts_kernels=True)
            return True
        action, resource = _despite_first_call(handler, action, resource)
        action = ACTION_FOR_HANDLER.get((type(handler).__name__, action), action)
        action = _at_least_the_route_action(handler, action, resource)
        if action == "read" and handler.request.method not in READ_METHODS and type(handler).__name__ not in READING_HANDLERS:
            # jupyter_server's @authorized remembers the action of its first call; a method that
            # writes is never judged as a read.
            action = "write"
        if resource not in OBJECT_RESOURCES:
            if permissions.allows(action, resource):
                return True
            return _deny(handler, f"{action}:{resource}")
        # Reading a path is decided by the handler, method, action and path alone: remember
        # what these permissions allowed (a user opens the same files again and again).
        handler_name = type(handler).__name__
        remembered = None
        if resource == "contents" and handler.request.method in READ_METHODS and handler_name not in _RESOLVERS:
            generic = _generic_path(handler)
            root = getattr(getattr(handler, "contents_manager", None), "root_dir", None)
            # where the path leads is part of the question: a link may appear or change
            leads = _leads(root, generic)
            remembered = (handler_name, handler.request.method, action, generic, leads)
            if remembered in permissions.decisions:
                note_judged(leads)
                note_judged(_path(generic) if generic is not None else None)
                return True
        try:
            needs = needs_of_request(self.policy, handler, user.username, action, resource)
        except NoSuchObject as missing:
            return _refuse_hidden(handler, permissions, missing.need)
        except Unresolvable as error:
            return _deny(handler, str(error))
        for need in needs:
            if not self._allows(handler, permissions, need):
                if need.hides_existence:
                    return _refuse_hidden(handler, permissions, need)
                return _deny(handler, need.refusal)
        for need in needs:  # for the file manager's own check of the disk paths (contents_check)
            note_judged(need.path)
        # for the kernel and terminal managers (sandbox.launch)
        if resource in LAUNCHING_RESOURCES and handler.request.method not in READ_METHODS:
            note_launch(user.username, starts_kernels=any(_starts_kernel(need) for need in needs))
        # a folder on the way is judged on the disk as it is now (see _allows): never remembered
        if remembered is not None and not getattr(handler, "_rbac_traversal_only", False):
            if len(permissions.decisions) >= MAX_REMEMBERED_DECISIONS:
                permissions.decisions.clear()
            permissions.decisions[remembered] = True
        return True

    def permissions_for(self, handler: RequestHandler, user: User):
        """The request's permissions: the user's, narrowed by their token's scopes if it has any.

        Compiled once per policy version; looked up once per request and kept on the handler.
        """
        permissions = getattr(handler, "_rbac_permissions", None)
        if permissions is None:
            permissions = handler._rbac_permissions = self.current_permissions(handler, user)  # type: ignore[attr-defined]
        return permissions

    def current_permissions(self, handler: RequestHandler, user: User):
        """The permissions of the policy's current version, never kept on the handler: for
        long-lived connections (a collaboration room) that ask again as roles change."""
        token_scopes = getattr(handler, "_rbac_token_scopes", None)
        external = self.external_grants(user)
        if token_scopes is None:
            return self.policy.permissions(user.username, external)
        return self.policy.token_permissions(user.username, token_scopes, external)

    def external_grants(self, user: User):
        """What the user's identity source adds (an OIDC token's groups and roles, JupyterHub's
        groups and scopes), worked out once per request and kept on the user."""
        external = getattr(user, "rbac_external", None)
        if external is None and self.hub_grants is not None and getattr(user, "hub_user", None) is not None:
            external = user.rbac_external = self.hub_grants.of(user)  # type: ignore[attr-defined]
        return external

    def _allows(self, handler: RequestHandler, permissions, need: Need) -> bool:
        if not need.has_object:
            if need.action == "read":
                return permissions.allows_some(need.action, need.resource)
            return permissions.allows(need.action, need.resource)
        owner_groups = self.policy.groups_of(need.owner) if need.owner else ()
        if permissions.allows_object(need.action, need.resource, need.path, need.owner, owner_groups):
            return True
        if (
            need.traversal
            and need.path is not None
            and permissions.leads_to_path(need.resource, need.path)
            and _is_folder(handler, need.path)
        ):
            # Enough to list the folder, showing only what leads on; never enough to open a file.
            handler._rbac_traversal_only = True  # type: ignore[attr-defined]
            return True
        return False


def _despite_first_call(handler: RequestHandler, action: str, resource: str) -> tuple[str, str]:
    """For a bare `@authorized` method (the guard noted it), the action of this request's HTTP
    method and this handler's own resource, whatever an earlier first call fixed."""
    guard = getattr(handler, "_rbac_guard", None)
    method = handler.request.method or "GET"
    function = getattr(type(handler), method.lower(), None)
    if guard is None or function not in guard.bare_authorized:
        return action, resource
    own = getattr(handler, "auth_resource", None)
    return HTTP_METHOD_TO_AUTH_ACTION.get(method, action), own if isinstance(own, str) else resource


def _at_least_the_route_action(handler: RequestHandler, action: str, resource: str) -> str:
    """The action the route table asks of this request's method, where it asks more than the
    handler does: jupyter_server asks `write` to start or restart a kernel, the table `execute`."""
    guard = getattr(handler, "_rbac_guard", None)
    if guard is None:
        return action
    rule = guard.table.rule_for(handler.request)
    wanted = rule.actions.get(handler.request.method or "GET")
    stronger = wanted and wanted != action and action in IMPLIED_ACTIONS[wanted]
    if stronger and rule.resource == resource:
        return wanted
    return action


def _starts_kernel(need: Need) -> bool:
    return need.action == "execute" and need.resource == "kernels"


def _leads(root: str | None, raw: str | None) -> str | None:
    if not root or raw is None:
        return raw
    try:
        return real_location(root, normalize_path(raw))
    except PathError:
        return raw  # refused further on as bad input


def _deny(handler: RequestHandler, scope: str) -> bool:
    handler._rbac_missing_scope = scope  # type: ignore[attr-defined]
    return False


def _refuse_hidden(handler: RequestHandler, permissions, need: Need) -> bool:
    """Refuse an object named by an id as if it did not exist: a 404 to someone who holds the
    scope for other objects (what an unknown id gets), else the scope without the object (its
    owner or path would tell that it exists)."""
    if permissions.allows_some(need.action, need.resource):
        raise web.HTTPError(404, f"No such {HIDDEN_KIND[need.resource]}")
    return _deny(handler, f"{need.action}:{need.resource}")


def _is_folder(handler: RequestHandler, path: str) -> bool:
    """Is `path` a folder on the disk now? A file or nothing at a path on the way to what the
    user may read is refused alike, before the handler looks (a 403 for a file and a 404 for
    nothing would tell which). Without a disk (another contents manager), the listing's filter
    refuses a file on the way (listings.py)."""
    root = getattr(getattr(handler, "contents_manager", None), "root_dir", None)
    return not root or os.path.isdir(os.path.join(root, path))


# ---------------------------------------------------------------------------------------------
# What a request needs


def needs_of_request(
    policy: Policy, handler: RequestHandler, username: str, action: str, resource: str
) -> list[Need]:
    """Everything this request must be allowed, object by object. Raises Unresolvable."""
    resolve = _RESOLVERS.get(type(handler).__name__)
    if resolve is not None:
        return resolve(policy, handler, username, action)
    if resource == "contents":
        return _contents_needs(handler, action, _generic_path(handler))
    if resource in OWNED_KIND:
        return _owned_needs(policy, handler, username, action, resource, _generic_id(handler))
    return [Need(action, resource)]


def _path(raw: str | None) -> str:
    try:
        return normalize_path(raw or "")
    except PathError as error:
        raise web.HTTPError(400, str(error)) from error


def _generic_path(handler: RequestHandler) -> str | None:
    if "path" in handler.path_kwargs:
        return handler.path_kwargs["path"]
    if handler.path_args:
        return handler.path_args[0]
    return None


def _generic_id(handler: RequestHandler) -> str | None:
    for key in ("kernel_id", "session_id", "terminal_id", "name"):
        if key in handler.path_kwargs:
            return handler.path_kwargs[key]
    return handler.path_args[0] if handler.path_args else None


def _body(handler: RequestHandler) -> dict:
    """The request's JSON object; 400 if it is anything else (we read it to find the objects)."""
    try:
        body = parse_json_body(handler.request.body, empty={})
    except BodyError as error:
        raise web.HTTPError(400, str(error)) from None
    if not isinstance(body, dict):
        raise web.HTTPError(400, "the request body must be a JSON object")
    return body


def _optional_string(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise web.HTTPError(400, f"'{key}' in the request body must be a string")
    return value


def _contents_needs(handler: RequestHandler, action: str, raw_path: str | None) -> list[Need]:
    if raw_path is None:
        return [Need(action, "contents")]
    path = _path(raw_path)
    method = handler.request.method
    # Only the Contents API lists folders (filtered on the way out); /files, /view and the rest
    # serve what the path names, so a folder on the way is never enough for them.
    listing = method == "GET" and action == "read" and type(handler).__name__ == "ContentsHandler"
    needs = [Need(action, "contents", path, has_object=True, traversal=listing)]
    if type(handler).__name__ == "ContentsHandler":
        body = _body(handler) if method in ("POST", "PATCH") else {}
        copy_from = _optional_string(body, "copy_from") if method == "POST" else None
        if copy_from is not None:
            needs.append(Need("read", "contents", _path(copy_from), has_object=True))
        if method == "PATCH":  # a rename: jupyter_server moves the file to the body's path
            new_path = body.get("path")
            if not isinstance(new_path, str):
                raise web.HTTPError(400, "'path' in the request body must be a string: where to move the file")
            needs.append(Need("write", "contents", _path(new_path), has_object=True))
    return _where_links_lead(handler, needs)


def _where_links_lead(handler: RequestHandler, needs: list[Need]) -> list[Need]:
    """A path that goes through a symbolic link must also be allowed where the link leads: a
    scope for `a/**` does not reach `b/` through a link `a/to-b -> ../b`. A link out of the
    server root leads where only an unfiltered scope reaches. On a disk that ignores case, the
    path must also be allowed as the disk spells it (see spelling.py)."""
    root = getattr(getattr(handler, "contents_manager", None), "root_dir", None)
    if not root:  # not files on a disk (another contents manager): no links to follow
        return needs
    extra = []
    for need in needs:
        if need.resource != "contents" or need.path is None:
            continue
        real = real_location(root, need.path)
        if real != need.path:
            extra.append(
                Need(need.action, "contents", real, has_object=True, traversal=need.traversal, reported=need.refusal)
            )
    return needs + extra


def real_location(root: str, path: str) -> str | None:
    """Where `path` (normalised, under `root`) really is, relative to the real root: itself
    unless a link is on the way or the disk spells it in another case; None if a link leads out
    of the root."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, path))
    if real == real_root:
        return ""
    if not real.startswith(real_root + os.sep):
        return None
    relative = real[len(real_root) + 1 :]
    if ignores_case(real_root):
        relative = as_on_disk(real_root, relative)
    return relative.replace(os.sep, "/")


def _owned_needs(
    policy: Policy, handler: RequestHandler, username: str, action: str, resource: str, object_id: str | None
) -> list[Need]:
    kind = OWNED_KIND[resource]
    if object_id is None:
        if handler.request.method == "POST":  # creating: the new object will be the user's
            return [Need(action, resource, owner=username, has_object=True)]
        return [Need(action, resource)]  # listing: filtered on the way out
    owned = policy.owner_of(kind, object_id)
    if owned is None:  # unknown, or started before jupyter-rbac: only unfiltered scopes reach it
        return [Need(action, resource, has_object=True, hides_existence=True)]
    return [Need(action, resource, owned.path, owned.owner, has_object=True, hides_existence=True)]


def _session_needs(policy: Policy, handler: RequestHandler, username: str, action: str) -> list[Need]:
    session_id = handler.path_kwargs.get("session_id")
    method = handler.request.method
    if session_id is None and method != "POST":
        return [Need(action, "sessions")]
    body = _body(handler) if method in ("POST", "PATCH") else {}
    raw = _optional_string(body, "path")
    path = _path(raw) if raw is not None else None
    if session_id is None:
        needs = [Need(action, "sessions", path, username, has_object=True)]
    else:
        needs = _owned_needs(policy, handler, username, action, "sessions", session_id)
    if path is not None:
        # the kernel starts beside this file and the session names it: the user must be able to
        # read it, where its links lead too
        needs += _where_links_lead(handler, [Need("read", "contents", path, has_object=True)])
    if method in ("POST", "PATCH"):
        # A session starts (or switches to) a kernel: that needs the kernels scope it exercises.
        kernel = body.get("kernel") or {}
        if not isinstance(kernel, dict):
            raise web.HTTPError(400, "'kernel' in the request body must be an object")
        kernel_id = _optional_string(kernel, "id")
        if kernel_id and (method == "PATCH" or _runs(handler, kernel_id)):  # joins a running kernel
            needs += _owned_needs(policy, handler, username, "write", "kernels", kernel_id)
        elif kernel_id:  # a new session names an id no kernel runs under: one starts under it
            needs += _owned_needs(policy, handler, username, "execute", "kernels", kernel_id)
        elif method == "POST" or kernel.get("name") is not None:  # starts a kernel: running code
            needs.append(Need("execute", "kernels", owner=username, has_object=True))
    return needs


def _kernel_start_needs(
    policy: Policy, handler: RequestHandler, username: str, action: str
) -> list[Need]:
    """POST /api/kernels starts a kernel, the user's, unless its body names a running kernel:
    then it answers with that one, which must be reachable (never made the user's)."""
    if handler.request.method != "POST":
        return _owned_needs(policy, handler, username, action, "kernels", _generic_id(handler))
    kernel_id = _optional_string(_body(handler), "kernel_id")
    # a running kernel, or the id of someone's stopped one (its owner is still recorded)
    known = kernel_id and (_runs(handler, kernel_id) or policy.owner_of("kernel", kernel_id))
    if known:
        return _owned_needs(policy, handler, username, action, "kernels", kernel_id)
    return [Need(action, "kernels", owner=username, has_object=True)]


def _runs(handler: RequestHandler, kernel_id: str) -> bool:
    """Is a kernel of this id running (or starting)? Without a kernel manager: assume not."""
    manager = getattr(handler, "kernel_manager", None)
    try:
        return manager is not None and kernel_id in manager
    except TypeError:
        return False


def _nbconvert_file_needs(policy: Policy, handler: RequestHandler, username: str, action: str) -> list[Need]:
    path = _path(handler.path_kwargs.get("path"))
    # Exporting a notebook reveals it: the user must also be able to read it, where its links
    # lead too.
    return _where_links_lead(
        handler, [Need(action, "nbconvert", path, has_object=True), Need("read", "contents", path, has_object=True)]
    )


def _room_needs(policy: Policy, handler: RequestHandler, username: str, action: str) -> list[Need]:
    """A room id names its document by file id ("json:notebook:<file id>"): a room whose
    document the user may not reach is answered as a room that does not exist."""
    room_id = handler.path_args[0] if handler.path_args else ""
    if room_id == GLOBAL_AWARENESS_ROOM:  # presence only, no document
        return [Need("read", "contents")]
    path = document_of_room(handler.settings, room_id)
    if not path:  # not a document we know: nobody short of `all` enters
        raise NoSuchObject(action, "contents")
    return [need._replace(hides_existence=True) for need in _contents_needs(handler, action, path)]


def _file_id_needs(policy: Policy, handler: RequestHandler, username: str, action: str) -> list[Need]:
    if type(handler).__name__ == "FileIDHandler":
        raw = handler.get_query_argument("path", None)
    else:
        file_id = handler.get_query_argument("id", None)
        manager = handler.settings.get("file_id_manager")
        raw = manager.get_path(file_id) if manager is not None and file_id else None
        if file_id:  # a path found by an id: refused, it is answered as an unknown id
            if raw is None:
                raise NoSuchObject(action, "contents")
            return [need._replace(hides_existence=True) for need in _contents_needs(handler, action, raw)]
    if raw is None:
        return [Need(action, "contents", has_object=True)]
    return _contents_needs(handler, action, raw)


_RESOLVERS: dict[str, Callable[[Policy, Any, str, str], list[Need]]] = {
    "MainKernelHandler": _kernel_start_needs,
    "SessionRootHandler": _session_needs,
    "SessionHandler": _session_needs,
    "NbconvertFileHandler": _nbconvert_file_needs,
    "YDocWebSocketHandler": _room_needs,
    "CollaborationRoomHandler": _room_needs,
    "UndoRedoHandler": _room_needs,
    "DocForkHandler": _room_needs,
    "FileIDHandler": _file_id_needs,
    "FilePathHandler": _file_id_needs,
}
