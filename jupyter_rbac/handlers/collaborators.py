"""Who is collaborating: `GET /api/rbac/collaborators`, and the same list pushed over a websocket
(`/api/rbac/collaborators/stream`) each time it changes. Both need `read:collaborators` (the route
table); the stream judges itself again before every push (enforcement/websockets.keep_open), so
revoking it, or the stream's token, ends the stream. Everybody here is shown; of the documents
they have open, only those the reader may read (a path would tell that the file exists)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from jupyter_server.auth.decorator import ws_authenticated
from jupyter_server.base.handlers import JupyterHandler
from tornado import ioloop, websocket

from ..enforcement.locations import may_read_path
from ..enforcement.websockets import keep_open
from .base import RBACHandler, api

# Changes arriving within this many seconds go out as one message.
PUSH_DELAY = 0.2


def collaborators(presence, policy, may_read: Callable[[str], bool]) -> dict[str, Any]:
    """The presence registry's snapshot, with each user's roles and ISO 8601 times, and of their
    open documents those whose path the reader `may_read`."""
    people = []
    for person in presence.snapshot(may_read):
        roles = policy.roles_of(person["username"])
        people.append(
            {
                **person,
                "roles": sorted(roles),
                "since": _iso(person["since"]),
                "last_seen": _iso(person["last_seen"]),
                "documents": [{**doc, "since": _iso(doc["since"])} for doc in person["documents"]],
            }
        )
    return {"collaborators": people}


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat()


def reader_of(handler: JupyterHandler, permissions) -> Callable[[str], bool]:
    """Which document paths this request's user may read (and where their links lead)."""
    root = getattr(getattr(handler, "contents_manager", None), "root_dir", None)
    return lambda path: may_read_path(permissions, root, path)


class CollaboratorsHandler(RBACHandler):
    @api
    def get(self) -> None:
        permissions = self.authorizer.permissions_for(self, self.current_user)
        self.send_json(
            collaborators(self.settings["rbac_presence"], self.policy, reader_of(self, permissions))
        )


class CollaboratorsStreamHandler(JupyterHandler, websocket.WebSocketHandler):
    """Sends the collaborators list on opening, then again after every change."""

    _pending = False
    _last_sent: str | None = None

    @ws_authenticated
    async def get(self, *args: Any, **kwargs: Any) -> None:
        result = super().get(*args, **kwargs)
        if result is not None:
            await result

    def open(self, *args: Any, **kwargs: Any) -> None:
        self.presence = self.settings["rbac_presence"]
        self.presence.listeners.append(self._changed)
        self._push()

    def on_message(self, message: Any) -> None:
        pass  # nothing to say to the server

    def on_close(self) -> None:
        if self._changed in self.presence.listeners:
            self.presence.listeners.remove(self._changed)

    def _changed(self) -> None:
        if not self._pending:
            self._pending = True
            ioloop.IOLoop.current().call_later(PUSH_DELAY, self._push)

    def _push(self) -> None:
        self._pending = False
        if self.ws_connection is None or self.ws_connection.is_closing():
            return
        if not keep_open(self, self.settings["rbac_guard"]):
            return
        # asked now: the reader's roles may have changed since the stream opened
        permissions = self.authorizer.current_permissions(self, self.current_user)
        message = json.dumps(
            collaborators(self.presence, self.settings["rbac_policy"], reader_of(self, permissions))
        )
        if message == self._last_sent:
            return  # a change this reader may not see (a document they may not read): say nothing
        self._last_sent = message
        try:
            self.write_message(message)
        except websocket.WebSocketClosedError:
            self.on_close()
