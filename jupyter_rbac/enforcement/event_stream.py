"""Who sees which event of the server's event stream (`/api/events/subscribe`).

jupyter_server hands every event to every subscriber, and events name what happened to files,
kernels and the policy. Under jupyter-rbac a subscriber gets an event only if they may read what
it is about: the audit trail's events (jupyter-rbac's own schemas) with `read:audit`; an event
naming files (`path`, `source_path`) or a collaboration room (its document) with `read:contents`
on each, and where their links lead; a kernel's with `read:kernels` on that kernel; any other
event only with `all` (and a user sees that their own sandboxed process was stopped). Each event
first judges the subscription again (`websockets.keep_open`, called by the guard's
`GuardedEventSubscription`): once its user has lost `read:events`, or its token is revoked, the
stream closes (1008).

A subscriber also hears, alone, that its user's permissions changed (at the timer's look and
before any event): every time the policy compiles a user's permissions to something else, their
count of changes moves on (`Policy`), and the stream compares that count, not the scopes it saw
at its last look. A change undone between two looks (made a viewer, then an editor again) is
still told if the user met it in between: their JupyterLab may have turned a document
read-only on a refused save, and must hear that it may write again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tornado import web

from ..collaboration.rooms import document_of_room
from ..events import SCHEMA_PREFIX
from ..events import schema_id as schema_id_of
from ..json_body import BodyError, parse_json_body
from .context import context_of
from .handler_kinds import HandlerKind, kind_of
from .locations import may_read_path

if TYPE_CHECKING:
    from .guard import RouteGuard

PATH_FIELDS = ("path", "source_path")
ROOM_FIELDS = ("room", "roomid", "fork_roomid")
SANDBOX_SCHEMA = schema_id_of("sandbox")
PERMISSIONS_SCHEMA = schema_id_of("permissions")


def refuse_forged_events(handler: Any) -> None:
    """POST /api/events emits an event as if the server had: never one of jupyter-rbac's audit
    trail, which says what the server did (a client could forge "admin gave ed a role"), for
    anyone, administrators included."""
    if kind_of(handler) is not HandlerKind.EVENT_EMITTER or handler.request.method != "POST":
        return
    try:
        body = parse_json_body(handler.request.body, empty={})
    except BodyError:
        return  # refused as bad input where it is read
    schema = body.get("schema_id") if isinstance(body, dict) else None
    if isinstance(schema, str) and schema.startswith(SCHEMA_PREFIX):
        raise web.HTTPError(403, "Only the server emits jupyter-rbac's audit events")


def may_see(handler: Any, guard: RouteGuard, schema_id: str, data: dict[str, Any]) -> bool:
    """True if the subscriber may read what the event is about."""
    permissions = context_of(handler).permissions  # the policy's current version (keep_open set it)
    if permissions.is_all:
        return True
    if schema_id.startswith(SCHEMA_PREFIX):
        return permissions.allows("read", "audit") or _about_themselves(handler, schema_id, data)
    paths = list(_documents(handler, data))
    kernel_id = data.get("kernel_id")
    if not paths and not kernel_id:
        return False  # about nothing we can judge: the server's own business
    if kernel_id and not _may_read_kernel(guard, permissions, str(kernel_id)):
        return False
    root = getattr(getattr(handler, "contents_manager", None), "root_dir", None)
    return all(may_read_path(permissions, root, path) for path in paths)


def permissions_seen(handler: Any) -> int | None:
    """What a subscriber's JupyterLab offers depends on: how many times its user's permissions
    had changed when the policy last compiled them."""
    permissions = context_of(handler).permissions
    return permissions.changes if permissions is not None else None


def tell_of_changed_permissions(handler: Any, seen: int | None) -> int | None:
    """Tell the subscriber, alone, that its user's permissions changed since `seen` (its
    JupyterLab then asks `/api/rbac/me` what it may offer now); the permissions seen now.

    Written to this connection only, never through the event logger: other subscribers, and
    the audit trail, learn nothing of whose permissions changed from it."""
    now = permissions_seen(handler)
    if now != seen:
        notice = {
            "schema_id": PERMISSIONS_SCHEMA,
            "__timestamp__": datetime.now(timezone.utc).isoformat(),
            "__schema_version__": "1",
            "__metadata_version__": 1,
            "action": "permissions.changed",
            "user": handler.current_user.username,
        }
        handler.write_message(json.dumps(notice))
    return now


def _about_themselves(handler: Any, schema_id: str, data: dict[str, Any]) -> bool:
    """A user sees that their own sandboxed kernel or terminal was stopped (their JupyterLab
    says so), without `read:audit`."""
    detail = data.get("detail")
    user = getattr(handler, "current_user", None)
    return (
        schema_id == SANDBOX_SCHEMA
        and isinstance(detail, dict)
        and user is not None
        and detail.get("user") == user.username
    )


def _documents(handler: Any, data: dict[str, Any]) -> Iterator[str | None]:
    """The paths an event names, directly or through a collaboration room (None: unknown)."""
    for field in PATH_FIELDS:
        if data.get(field):
            yield str(data[field])
    rooms = [data[field] for field in ROOM_FIELDS if data.get(field)]
    fork_info = data.get("fork_info")
    if isinstance(fork_info, dict) and fork_info.get("root_roomid"):
        rooms.append(fork_info["root_roomid"])
    for room in rooms:
        yield document_of_room(handler.settings, room)


def _may_read_kernel(guard: RouteGuard, permissions: Any, kernel_id: str) -> bool:
    owned = guard.policy.owner_of("kernel", kernel_id)
    if owned is None:  # not started through jupyter-rbac: only an unfiltered scope reaches it
        return permissions.allows("read", "kernels")
    groups = guard.policy.groups_of(owned.owner)
    return permissions.allows_object("read", "kernels", owned.path, owned.owner, groups)
