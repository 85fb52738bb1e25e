"""Long-lived connections are judged again at every message they receive, not only when they open.

A websocket (a kernel's channels, a terminal, a collaboration room, the event stream) is
authorized once, at its upgrade request; without more, it would keep what it had for as long as
it stays open. Here each message first looks for any process's policy change, then asks the
questions its upgrade was asked again: is the token or browser session it opened with still
valid (not revoked, not signed out everywhere, no password change since), does the route
still let this user through, does the Authorizer still say yes to what it was asked. If not, the
connection closes with 1008 (policy violation) and the message is dropped; if the policy cannot
be read, it closes with 1011, as every request gets a 503 then (fail closed). Every
`c.RBAC.websocket_recheck_seconds`, `OpenWebsockets.sweep` judges each open connection once more,
in full: one that receives nothing (a kernel streaming output, a terminal printing) closes then,
and so does one whose object changed under it (a room's document moved where its user may not
read).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from tornado import web
from tornado.log import app_log

from .context import RequestContext, context_of
from .handler_kinds import HandlerKind, kind_of

if TYPE_CHECKING:
    from .guard import RouteGuard

# The websockets of a document: a move or a delete may take it out of their user's reach.
ROOM_KINDS = frozenset({HandlerKind.ROOM, HandlerKind.READ_ONLY_ROOM})
# jupyter_server's event of a change the contents manager made (a rename, a delete, ...)
CONTENTS_EVENT = "https://events.jupyter.org/jupyter_server/contents_service/v1"
POLICY_VIOLATION = 1008
INTERNAL_ERROR = 1011
MAX_REASON = 123  # bytes a close frame's reason may hold


def remember_question(context: RequestContext, action: str, resource: str) -> None:
    """Note what the Authorizer was asked for a websocket's upgrade, to ask it again later."""
    if context.websocket and (action, resource) not in context.questions:
        context.questions.append((action, resource))


def token_still_valid(secret: str | None, username: str, policy: Any) -> bool:
    """For a long-lived connection opened with one of our API tokens (`secret`): is that token
    still valid for the same user (not revoked, not expired, its owner not deleted)?
    Connections opened otherwise (a browser session, no secret) answer True."""
    if secret is None:
        return True
    identity = policy.identify_token(secret)
    return identity is not None and identity.username == username


def session_still_valid(handler: Any) -> bool:
    """For a connection opened with a browser session: does that session still hold? Its
    identity provider says (ours compare the user's session epoch, which signing out everywhere
    and a password change move on); one that keeps no sessions of its own answers True."""
    provider = getattr(handler, "identity_provider", None)
    still_valid = getattr(provider, "session_still_valid", None)
    return still_valid is None or still_valid(handler.current_user)


def why_not_still_allowed(handler: Any, guard: RouteGuard, thorough: bool = False) -> str | None:
    """None while the connection's user may keep it open; otherwise the reason to close it.
    Leaves the policy's current permissions in its context. Unless `thorough`, the permissions
    that let the connection through last time let it through again without more questions."""
    guard.policy.refresh()  # any process's change: a revoked token, a role given or taken
    context = context_of(handler)
    if not token_still_valid(context.token, handler.current_user.username, guard.policy):
        return "the token of this connection was revoked"
    if not session_still_valid(handler):
        return "the browser session of this connection ended"
    hub = guard.authorizer.hub_connections  # under JupyterHub: does the Hub still let it in?
    if hub is not None and not hub.still_valid(
        handler, lambda: keep_open(handler, guard, thorough=True)
    ):
        return "JupyterHub withdrew the access of this connection"
    permissions = guard.authorizer.current_permissions(handler, handler.current_user)
    context.permissions = permissions  # the policy's current version, not the upgrade's
    if not thorough and permissions is context.judged_with:
        # Compiled once per policy version: the same object said yes to this connection last
        # time, so nothing that decides it has changed (a room's messages come in bursts).
        return None
    try:
        guard.check(handler)
        context.missing_scope = None  # what a refusal below lacks, not an earlier one
        for action, resource in list(context.questions):
            if not guard.authorizer.is_authorized(handler, handler.current_user, action, resource):
                return f"you need the scope {context.missing_scope or f'{action}:{resource}'}"
    except web.HTTPError as refusal:  # ScopeDenied, or a 404 for what is no longer yours
        missing = getattr(refusal, "missing_scope", None)
        return f"you need the scope {missing}" if missing else "access was withdrawn"
    context.judged_with = permissions
    return None


def keep_open(handler: Any, guard: RouteGuard, thorough: bool = False) -> bool:
    """Judge the connection again before it passes on a message; close it if it must go. Once
    closed for a reason, it passes nothing on, whatever the client still sends."""
    if context_of(handler).withdrawn is not None:
        return False
    try:
        reason = why_not_still_allowed(handler, guard, thorough)
    except SQLAlchemyError as error:
        guard.unavailable(error)
        handler.close(INTERNAL_ERROR, "the access policy cannot be read")
        return False
    guard.available()
    if reason is None:
        return True
    handler.log.info(
        "jupyter-rbac: closing %s's websocket %s: %s",
        handler.current_user.username,
        handler.request.path,
        reason,
    )
    context_of(handler).withdrawn = reason
    handler.close(POLICY_VIOLATION, reason.encode()[:MAX_REASON].decode(errors="ignore"))
    return False


def judge_rooms_after_moves(guard: RouteGuard, event_logger: Any) -> None:
    """A document moved or deleted through the contents manager: its rooms are judged again at
    once, not at the timer's next tick (a room's user kept writing a document moved out of
    their reach until then). The file id manager learns the move from the same event, in a
    listener of its own: this one lets it run first."""

    async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        if data.get("action") not in ("rename", "delete"):
            return
        await asyncio.sleep(0)  # the file id manager's listener, started by the same emit
        guard.websockets.sweep_rooms(guard)

    event_logger.add_listener(schema_id=CONTENTS_EVENT, listener=listener)


class OpenWebsockets:
    """The websockets the guard let through that are open now, to judge again on a timer."""

    def __init__(self) -> None:
        self._handlers: set[Any] = set()

    def __len__(self) -> int:
        return len(self._handlers)

    def add(self, handler: Any) -> None:
        """A websocket the guard let through has opened."""
        self._handlers.add(handler)

    def discard(self, handler: Any) -> None:
        """It closed."""
        self._handlers.discard(handler)

    def sweep_rooms(self, guard: RouteGuard) -> None:
        """Judge every open collaboration room again, in full (a document moved or deleted)."""
        for handler in list(self._handlers):
            if kind_of(handler) in ROOM_KINDS:
                try:
                    if keep_open(handler, guard, thorough=True):
                        handler.judged_again()  # the room follows its document
                except Exception:  # noqa: BLE001  # cannot judge it: close it (fail closed)
                    app_log.exception("jupyter-rbac: could not judge a room again; closing it")
                    handler.close(INTERNAL_ERROR, "the access policy cannot be read")

    def sweep(self, guard: RouteGuard) -> None:
        """Judge every open websocket again, in full; those that must go are closed, the others
        hear that they were judged again (`judged_again`)."""
        for handler in list(self._handlers):
            try:
                if keep_open(handler, guard, thorough=True):
                    handler.judged_again()
            except Exception:  # noqa: BLE001  # cannot judge it: close it (fail closed), go on
                app_log.exception(
                    "jupyter-rbac: could not judge the websocket %s again", handler.request.path
                )
                handler.close(INTERNAL_ERROR, "the connection could not be judged again")
