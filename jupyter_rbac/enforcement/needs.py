"""What a request must be allowed, object by object: the path it names (and where its links
lead), the owner of the kernel, session or terminal it names, the second resource some requests
exercise (a new session starts a kernel, a copy reads its source, an export reveals its notebook,
a collaboration room opens its document). The Authorizer asks the policy about each `Need`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from tornado import web

from ..collaboration.rooms import GLOBAL_AWARENESS_ROOM, document_of_room
from ..json_body import BodyError, parse_json_body
from ..model import object_scope
from ..model.paths import PathError, normalize_path
from .handler_kinds import HandlerKind, kind_of
from .locations import real_location

if TYPE_CHECKING:
    from tornado.web import RequestHandler

    from ..policy import Policy

OWNED_KIND = {"kernels": "kernel", "sessions": "session", "terminals": "terminal"}
# What the 404 calls a hidden object named by an id (the answer for an id that names nothing).
HIDDEN_KIND = {**OWNED_KIND, "contents": "document"}


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
    # What a hidden object's 404 calls it, when not this need's resource (a session's file).
    hidden_as: str | None = None
    # Where a symbolic link out of the server root leads: only `all` reaches it (see locations.py)
    leaves_root: bool = False

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


def needs_of_request(
    policy: Policy, handler: RequestHandler, username: str, action: str, resource: str
) -> list[Need]:
    """Everything this request must be allowed, object by object. Raises Unresolvable."""
    resolve = RESOLVERS.get(kind_of(handler))
    if resolve is not None:
        return resolve(policy, handler, username, action)
    if resource == "contents":
        return _contents_needs(handler, action, generic_path(handler))
    if resource in OWNED_KIND:
        return _owned_needs(policy, handler, username, action, resource, _generic_id(handler))
    return [Need(action, resource)]


def api_path(raw: str | None) -> str:
    try:
        return normalize_path(raw or "")
    except PathError as error:
        raise web.HTTPError(400, str(error)) from error


def generic_path(handler: RequestHandler) -> str | None:
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
    path = api_path(raw_path)
    method = handler.request.method
    # Only the Contents API lists folders (filtered on the way out); /files, /view and the rest
    # serve what the path names, so a folder on the way is never enough for them.
    contents_api = kind_of(handler) is HandlerKind.CONTENTS
    listing = method == "GET" and action == "read" and contents_api
    needs = [Need(action, "contents", path, has_object=True, traversal=listing)]
    if contents_api:
        body = _body(handler) if method in ("POST", "PATCH") else {}
        copy_from = _optional_string(body, "copy_from") if method == "POST" else None
        if copy_from is not None:
            needs.append(Need("read", "contents", api_path(copy_from), has_object=True))
        if method == "PATCH":  # a rename: jupyter_server moves the file to the body's path
            new_path = body.get("path")
            if not isinstance(new_path, str):
                raise web.HTTPError(
                    400, "'path' in the request body must be a string: where to move the file"
                )
            needs.append(Need("write", "contents", api_path(new_path), has_object=True))
    return _where_links_lead(handler, needs)


def _where_links_lead(handler: RequestHandler, needs: list[Need]) -> list[Need]:
    """A path that goes through a symbolic link must also be allowed where the link leads: a
    scope for `a/**` does not reach `b/` through a link `a/to-b -> ../b`. A link out of the
    server root leads where only `all` reaches. On a disk that ignores case, the path must also
    be allowed as the disk spells it (see locations.py)."""
    root = getattr(getattr(handler, "contents_manager", None), "root_dir", None)
    if not root:  # not files on a disk (another contents manager): no links to follow
        return needs
    extra = []
    for need in needs:
        if need.resource != "contents" or need.path is None:
            continue
        real = real_location(root, need.path)
        # judged like the path (and hidden like it), named as the path: a refusal that named
        # `all` would tell a reader of a link's folder that the link leads out of the root
        if real is None:
            extra.append(need._replace(has_object=True, leaves_root=True, reported=need.refusal))
        elif real != need.path:
            extra.append(need._replace(path=real, has_object=True, reported=need.refusal))
    return needs + extra


def _owned_needs(
    policy: Policy,
    handler: RequestHandler,
    username: str,
    action: str,
    resource: str,
    object_id: str | None,
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


def _session_needs(
    policy: Policy, handler: RequestHandler, username: str, action: str
) -> list[Need]:
    session_id = handler.path_kwargs.get("session_id")
    method = handler.request.method
    if session_id is None and method != "POST":
        return [Need(action, "sessions")]
    body = _body(handler) if method in ("POST", "PATCH") else {}
    raw = _optional_string(body, "path")
    path = api_path(raw) if raw is not None else None
    if session_id is None:
        needs = [Need(action, "sessions", path, username, has_object=True)]
    else:
        needs = _owned_needs(policy, handler, username, action, "sessions", session_id)
        owned = policy.owner_of("session", session_id)
        if owned is not None and owned.path is not None:
            # a session names its file: one on a file the user may not read is answered as an
            # unknown id (its path would show), whatever their sessions scope
            reading = Need(
                "read",
                "contents",
                owned.path,
                has_object=True,
                hides_existence=True,
                hidden_as="sessions",
            )
            needs += _where_links_lead(handler, [reading])
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
    body = _body(handler)
    kernel_id = _optional_string(body, "kernel_id")
    # a running kernel, or the id of someone's stopped one (its owner is still recorded)
    known = kernel_id and (_runs(handler, kernel_id) or policy.owner_of("kernel", kernel_id))
    if known:
        return _owned_needs(policy, handler, username, action, "kernels", kernel_id)
    _optional_string(body, "name")  # a kernel type is named by a string (a list was a 500)
    needs = [Need(action, "kernels", owner=username, has_object=True)]
    raw = _optional_string(body, "path")
    if raw:  # the kernel starts in this folder: the user must be able to read it, as for a session
        read = Need("read", "contents", api_path(raw), has_object=True)
        needs += _where_links_lead(handler, [read])
    return needs


def _runs(handler: RequestHandler, kernel_id: str) -> bool:
    """Is a kernel of this id running (or starting)? Without a kernel manager: assume not."""
    manager = getattr(handler, "kernel_manager", None)
    try:
        return manager is not None and kernel_id in manager
    except TypeError:
        return False


def _nbconvert_file_needs(
    policy: Policy, handler: RequestHandler, username: str, action: str
) -> list[Need]:
    path = api_path(handler.path_kwargs.get("path"))
    # Exporting a notebook reveals it: the user must also be able to read it, where its links
    # lead too.
    return _where_links_lead(
        handler,
        [
            Need(action, "nbconvert", path, has_object=True),
            Need("read", "contents", path, has_object=True),
        ],
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


def _file_id_needs(
    policy: Policy, handler: RequestHandler, username: str, action: str
) -> list[Need]:
    if kind_of(handler) is HandlerKind.FILE_ID:
        raw = handler.get_query_argument("path", None)
    else:
        file_id = handler.get_query_argument("id", None)
        manager = handler.settings.get("file_id_manager")
        raw = manager.get_path(file_id) if manager is not None and file_id else None
        if file_id:  # a path found by an id: refused, it is answered as an unknown id
            if raw is None:
                raise NoSuchObject(action, "contents")
            return [
                need._replace(hides_existence=True)
                for need in _contents_needs(handler, action, raw)
            ]
    if raw is None:
        return [Need(action, "contents", has_object=True)]
    return _contents_needs(handler, action, raw)


RESOLVERS: dict[HandlerKind | None, Callable[[Policy, Any, str, str], list[Need]]] = {
    HandlerKind.KERNELS: _kernel_start_needs,
    HandlerKind.SESSIONS: _session_needs,
    HandlerKind.SESSION: _session_needs,
    HandlerKind.NBCONVERT_FILE: _nbconvert_file_needs,
    HandlerKind.ROOM: _room_needs,
    HandlerKind.READ_ONLY_ROOM: _room_needs,
    HandlerKind.ROOM_TOOL: _room_needs,
    HandlerKind.FILE_ID: _file_id_needs,
    HandlerKind.FILE_PATH: _file_id_needs,
}
