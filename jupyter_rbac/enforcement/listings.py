"""What responses reveal: listings filtered per user, and who started what.

Runs on the way out of the REST handlers that list or create kernels, sessions, terminals and
folders, and of the one that resolves paths. The decisions are the policy's (`Permissions`);
this module only applies them to JSON.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from tornado import web

from ..model.paths import PathError, normalize_path
from ..services.shares import Place, may_share_at, shares_everywhere
from .context import context_of
from .handler_kinds import HandlerKind, kind_of
from .locations import may_read_path, real_location

if TYPE_CHECKING:
    from tornado.web import RequestHandler

    from ..policy import Policy

JSON = Any


def _models(chunk: str | bytes) -> JSON | None:
    try:
        return json.loads(chunk)
    except (ValueError, UnicodeDecodeError):
        return None


def shape_response(handler: RequestHandler, policy: Policy, chunk: str | bytes) -> str | bytes:
    """The response body this user may see; records owners of what was just created."""
    entry = _SHAPERS.get((kind_of(handler), handler.request.method))
    if entry is None or handler.get_status() >= 300:
        return chunk
    shaper, unless_allowed = entry
    permissions = _permissions(handler)
    if (
        unless_allowed is not None
        and permissions is not None
        and permissions.allows(*unless_allowed)
        and not context_of(handler).traversal_only
        and not _marks_shareable(handler, permissions)
    ):
        return chunk  # the user sees and may change everything here: nothing to parse
    model = _models(chunk)
    if model is None:
        return chunk
    shaped = shaper(handler, policy, model)
    return chunk if shaped is model else json.dumps(shaped)


def _marks_shareable(handler: RequestHandler, permissions) -> bool:
    """Must this answer be read to mark what may be shared in it? Only a folder's listing (a
    file's model, a notebook of megabytes, is passed on as it is), and only for who may share
    some things and not all."""
    if kind_of(handler) is not HandlerKind.CONTENTS or not _shares_some(permissions):
        return False
    root = _root(handler)
    try:
        path = normalize_path(str(handler.path_kwargs.get("path") or ""))
    except PathError:
        return True  # the shaper answers for what it cannot judge
    return root is None or os.path.isdir(os.path.join(root, *path.split("/")))


def _shares_some(permissions) -> bool:
    """Must a listing say what this user may share (they may share some things, not all)?"""
    return permissions.allows_some("write", "shares") and not shares_everywhere(permissions)


def _permissions(handler: RequestHandler):
    return context_of(handler).permissions


def _owner_allows(
    handler, policy: Policy, action: str, resource: str, kind: str, object_id, path=None
):
    permissions = _permissions(handler)
    if permissions is None:
        return False
    owned = policy.owner_of(kind, str(object_id))
    owner = owned.owner if owned else None
    groups = policy.groups_of(owner) if owner else ()
    return permissions.allows_object(action, resource, path, owner, groups)


def _may_see_path(permissions, path: str) -> bool:
    return permissions.allows_path("read", "contents", path)


# -- listings ------------------------------------------------------------------------------------


def _kernels(handler, policy: Policy, models: JSON) -> JSON:
    if not isinstance(models, list):
        return models
    return [
        m
        for m in models
        if _owner_allows(handler, policy, "read", "kernels", "kernel", m.get("id"))
    ]


def _sessions(handler, policy: Policy, models: JSON) -> JSON:
    if not isinstance(models, list):
        return models
    return [m for m in models if _may_see_session(handler, policy, m)]


def _may_see_session(handler, policy: Policy, model: dict) -> bool:
    """Its owner's or path's scope, and (a session names its file) reading that file. A path
    the policy cannot judge (not a string: an older server let one be stored) hides the session
    from all but holders of `all`."""
    path = _session_path(model)
    if not _owner_allows(handler, policy, "read", "sessions", "session", model.get("id"), path):
        return False
    raw = model.get("path") or (model.get("notebook") or {}).get("path")
    if raw is None:
        return True  # a session of no file
    permissions = _permissions(handler)
    return permissions.is_all or may_read_path(permissions, _root(handler), raw)


def _terminals(handler, policy: Policy, models: JSON) -> JSON:
    if not isinstance(models, list):
        return models
    return [
        m
        for m in models
        if _owner_allows(handler, policy, "read", "terminals", "terminal", m.get("name"))
    ]


def _contents(handler, policy: Policy, model: JSON) -> JSON:
    """A folder shows only what the user may read or what leads there; a file needs read itself.

    `writable` says whether *this user* may write, so JupyterLab opens what they may only read
    as read-only instead of failing at the first save.
    """
    permissions = _permissions(handler)
    if permissions is None or not isinstance(model, dict):
        return model
    context = context_of(handler)
    if context.traversal_only and model.get("type") != "directory":
        handler.set_status(403)
        missing = f"read:contents!path={model.get('path', '')}"
        context.missing_scope = missing
        if context.guard is not None:
            context.guard.record_denial(handler, missing)
        return {"message": f"Forbidden: you need the scope {missing}", "missing_scope": missing}
    shares = _shares_some(permissions)
    shaped = _with_writable(permissions, model, EACH if shares else None)
    entries = model.get("content")
    if model.get("type") != "directory" or not isinstance(entries, list):
        return shaped
    if not permissions.allows("read", "contents"):
        entries = [entry for entry in entries if _may_see_entry(permissions, entry)]
    if not permissions.is_all:
        root = _root(handler)
        entries = [entry for entry in entries if not _leaves_root(root, entry)]
    if shares and _through_a_link(_root(handler), shaped):
        shaped = {**shaped, "rbac_shareable": False}
        inside: bool | str | None = False  # a folder reached through a link: nothing in it
    else:
        inside = _shareable_inside(permissions, shaped) if shares else None
    listed = [_with_writable(permissions, e, inside) for e in entries]
    if shares:
        listed = _links_not_shareable(_root(handler), listed)
    return {**shaped, "content": listed}


def _through_a_link(root: str | None, folder: dict) -> bool:
    """Is the listed folder a link, or beneath one (the server refuses to share through one)?"""
    if not root:
        return False
    try:
        path = normalize_path(str(folder.get("path", "")))
    except PathError:
        return True
    return real_location(root, path) != path


def _links_not_shareable(root: str | None, entries: list[dict]) -> list[dict]:
    """A symbolic link is never shared (the server refuses: share where it leads)."""
    if not root:
        return entries
    return [
        {**entry, "rbac_shareable": False}
        if entry.get("rbac_shareable")
        and os.path.islink(os.path.join(root, *str(entry.get("path", "")).split("/")))
        else entry
        for entry in entries
    ]


def _leaves_root(root: str | None, entry: dict) -> bool:
    """Is the entry a link out of the server root (which only `all` follows, see locations.py)?"""
    if not root:
        return False
    try:
        path = normalize_path(str(entry.get("path", "")))
    except PathError:
        return True
    return os.path.islink(os.path.join(root, path)) and real_location(root, path) is None


def _may_see_entry(permissions, entry: dict) -> bool:
    """A folder's entry is shown if the user may read it or it leads there. Its path is judged
    normalised: jupyter_server spells entries as the request did (`home/ann/../bob`)."""
    try:
        path = normalize_path(str(entry.get("path", "")))
    except PathError:
        return False
    if _may_see_path(permissions, path):
        return True
    return entry.get("type") == "directory" and permissions.leads_to_path("contents", path)


# `rbac_shareable` of a listing's entries: judged one by one (EACH), or known for them all.
EACH = "each"


def _with_writable(permissions, model: dict, shareable: bool | str | None = None) -> dict:
    """`writable` for this user; `rbac_shareable` too unless `shareable` is None (they may share
    nowhere): may they share this folder or file (JupyterLab offers "Share…" there)."""
    try:
        path = normalize_path(str(model.get("path", "")))
    except PathError:
        return {**model, "writable": False}
    if shareable == EACH:
        model = {**model, "rbac_shareable": _may_share(permissions, path, model)}
    elif shareable is not None:
        model = {**model, "rbac_shareable": shareable and "*" not in path}
    if not model.get("writable") or permissions.allows_path("write", "contents", path):
        return model
    return {**model, "writable": False}


def _shareable_inside(permissions, folder: dict) -> bool | str:
    """For the entries of a folder: True if the folder is shareable as a whole (then all that
    is in it is), False if no share may be made anywhere in it, else EACH: a listing of a
    thousand files is judged once, not a thousand times, where it can be."""
    if folder.get("rbac_shareable"):
        return True
    try:
        path = normalize_path(str(folder.get("path", "")))
    except PathError:
        return False
    if permissions.allows_path("write", "shares", path) or permissions.leads_to_path(
        "shares", path
    ):
        return EACH
    return False


def _may_share(permissions, path: str, model: dict) -> bool:
    return may_share_at(permissions, Place(path, is_folder=model.get("type") == "directory"))


# -- resolved paths -------------------------------------------------------------------------------


def _resolved_paths(handler, policy: Policy, model: JSON) -> JSON:
    """/api/resolvePath answers whether a file exists (on the server, or beside a kernel): a path
    the user may not read, or a kernel they may not see, is answered as one that does not exist."""
    permissions = _permissions(handler)
    found = model.get("resolved") if isinstance(model, dict) else None
    if permissions is None or not isinstance(found, list):
        return model
    kernel_id = handler.get_query_argument("kernel", None)
    kernel_visible = kernel_id is None or _owner_allows(
        handler, policy, "read", "kernels", "kernel", kernel_id
    )
    root = _root(handler)
    resolved = [
        entry
        for entry in found
        if (
            entry.get("scope") == "kernel"
            and kernel_visible
            and _may_read_beside_kernel(permissions, root, entry.get("path"))
        )
        or (entry.get("scope") == "server" and may_read_path(permissions, root, entry.get("path")))
    ]
    unresolved = list(model.get("unresolved", []))
    if not kernel_visible and not any(entry.get("scope") == "kernel" for entry in unresolved):
        # jupyter_server's words for a kernel it does not have
        unresolved.append({"scope": "kernel", "reason": f"Kernel {kernel_id} could not be found"})
    return {"resolved": resolved, **({"unresolved": unresolved} if unresolved else {})}


def _may_read_beside_kernel(permissions, root: str | None, found: object) -> bool:
    """A file found beside a kernel is a path on the disk (where its folder's links lead): shown
    only if it is one of the server's files the user may read (anywhere else: `all` alone), so
    that asking a kernel does not tell which files exist elsewhere on the machine."""
    if permissions.is_all:
        return True
    if not isinstance(found, str) or root is None:
        return False
    real_root = os.path.realpath(root)
    real = os.path.realpath(found)
    if real != real_root and not real.startswith(real_root + os.sep):
        return False
    relative = os.path.relpath(real, real_root).replace(os.sep, "/")
    return may_read_path(permissions, root, "" if relative == "." else relative)


def _root(handler) -> str | None:
    return getattr(getattr(handler, "contents_manager", None), "root_dir", None)


# -- creations and deletions ------------------------------------------------------------------------


def _user(handler) -> str | None:
    user = handler.current_user
    return getattr(user, "username", None)


def _kernel_started(handler, policy: Policy, model: JSON) -> JSON:
    # POST /api/kernels naming a running kernel answers with that one: it stays its owner's
    started = isinstance(model, dict) and isinstance(model.get("id"), str) and _user(handler)
    if started and policy.owner_of("kernel", model["id"]) is None:
        policy.record_owner("kernel", model["id"], _user(handler))
    return model


def _session_created(handler, policy: Policy, model: JSON) -> JSON:
    user = _user(handler)
    if not isinstance(model, dict) or not user or not isinstance(model.get("id"), str):
        return model
    policy.record_owner("session", model["id"], user, _session_path(model))
    kernel = model.get("kernel") or {}
    if isinstance(kernel.get("id"), str) and policy.owner_of("kernel", kernel["id"]) is None:
        policy.record_owner("kernel", kernel["id"], user)
    return model


def _session_changed(handler, policy: Policy, model: JSON) -> JSON:
    owned = policy.owner_of("session", str(model.get("id"))) if isinstance(model, dict) else None
    if owned is not None:
        policy.record_owner("session", model["id"], owned.owner, _session_path(model))
    return _kernel_of_session_owned(handler, policy, model)


def _kernel_of_session_owned(handler, policy: Policy, model: JSON) -> JSON:
    kernel = model.get("kernel") if isinstance(model, dict) else None
    user = _user(handler)
    known = isinstance(kernel, dict) and isinstance(kernel.get("id"), str)
    if known and user and policy.owner_of("kernel", kernel["id"]) is None:
        policy.record_owner("kernel", kernel["id"], user)
    return model


def _terminal_started(handler, policy: Policy, model: JSON) -> JSON:
    if isinstance(model, dict) and model.get("name") is not None and _user(handler):
        policy.record_owner("terminal", str(model["name"]), _user(handler))
    return model


def _session_path(model: dict) -> str | None:
    raw = model.get("path") or (model.get("notebook") or {}).get("path")
    if not isinstance(raw, str):
        return None
    try:
        return normalize_path(raw)
    except PathError:
        return None


# (handler, method) -> (shaper, the unfiltered scope that makes it unnecessary, if any)
_SHAPERS = {
    (HandlerKind.KERNELS, "GET"): (_kernels, ("read", "kernels")),
    (HandlerKind.KERNELS, "POST"): (_kernel_started, None),
    # sessions name files: always filtered, by the sessions scope and the files' own
    (HandlerKind.SESSIONS, "GET"): (_sessions, None),
    (HandlerKind.SESSIONS, "POST"): (_session_created, None),
    (HandlerKind.SESSION, "PATCH"): (_session_changed, None),
    (HandlerKind.TERMINALS, "GET"): (_terminals, ("read", "terminals")),
    (HandlerKind.TERMINALS, "POST"): (_terminal_started, None),
    # `writable` must be corrected unless the user may write everywhere
    (HandlerKind.CONTENTS, "GET"): (_contents, ("write", "contents")),
    (HandlerKind.PATH_RESOLVER, "GET"): (_resolved_paths, None),
}


def forget_deleted(handler: RequestHandler, policy: Policy) -> None:
    """After a successful DELETE of a kernel, session or terminal, forget its owner."""
    kind = kind_of(handler)
    if handler.request.method != "DELETE" or handler.get_status() >= 300:
        return
    if kind is HandlerKind.KERNEL:
        policy.forget_owner("kernel", handler.path_kwargs.get("kernel_id", ""))
    elif kind is HandlerKind.SESSION:
        policy.forget_owner("session", handler.path_kwargs.get("session_id", ""))
    elif kind is HandlerKind.TERMINAL and handler.path_args:
        policy.forget_owner("terminal", handler.path_args[0])


# -- what deleted users leave running ---------------------------------------------------------------

# Sessions first: shutting one down shuts down its kernel too.
_SHUTDOWN_ORDER = {"session": 0, "kernel": 1, "terminal": 2}


class DepartedOwners:
    """Shuts down the kernels, terminals and sessions of users who were deleted, in the server
    that runs them, and forgets who owned them.

    Owners are recorded by name: without this a deleted user's code would run on as them, and a
    new user given the name would list and control it. Any process may delete a user (the REST
    API of any server, `jupyter rbac`), so each server looks whenever it sees a new policy
    version; its timer refreshes the policy every `c.RBAC.websocket_recheck_seconds`.
    """

    def __init__(self, policy: Policy, settings: dict, log: logging.Logger) -> None:
        self.policy = policy
        self._settings = settings  # the server's: its kernel, session and terminal managers
        self.log = log
        self._seen = policy.generation
        self._running: asyncio.Task | None = None

    def check(self) -> None:
        """On the server's timer: after a policy change, shut down what departed users left."""
        try:
            self.policy.refresh()  # any process's change, requests or none
            if self.policy.generation == self._seen or (self._running and not self._running.done()):
                return
            departed = self.policy.owned_by_departed()
        except SQLAlchemyError:
            return  # the database is away (requests say so, 503): the next tick tries again
        self._seen = self.policy.generation
        if departed:
            self._running = asyncio.ensure_future(self._shut_down(departed))

    async def _shut_down(self, departed: list[tuple[str, str]]) -> None:
        for kind, object_id in sorted(departed, key=lambda key: _SHUTDOWN_ORDER.get(key[0], 3)):
            owned = self.policy.owner_of(kind, object_id)
            try:
                await self._stop(kind, object_id)
            except Exception:  # one that cannot be stopped must not keep the others running
                self.log.exception(
                    "jupyter-rbac: could not shut down %s %s of a deleted user", kind, object_id
                )
                continue
            self.policy.forget_owner(kind, object_id)
            self.log.info(
                "jupyter-rbac: %s %s of the deleted user %s shut down",
                kind,
                object_id,
                owned and owned.owner,
            )

    async def _stop(self, kind: str, object_id: str) -> None:
        """Stop it if this server runs it (another server's is that server's to stop)."""
        if kind == "session":
            sessions = self._settings.get("session_manager")
            if sessions is not None and await _has_session(sessions, object_id):
                await sessions.delete_session(object_id)
        elif kind == "kernel":
            kernels = self._settings.get("kernel_manager")
            if kernels is not None and object_id in kernels:
                await kernels.shutdown_kernel(object_id)
        elif kind == "terminal":
            terminals = self._settings.get("terminal_manager")
            if terminals is not None and object_id in terminals.terminals:
                await terminals.terminate(object_id, force=True)


async def _has_session(sessions: Any, session_id: str) -> bool:
    try:
        await sessions.get_session(session_id=session_id)
    except web.HTTPError:  # jupyter_server's 404 for a session it does not have
        return False
    return True
