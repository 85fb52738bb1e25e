"""The collaboration room websocket under jupyter-rbac: read-only for those who may only read its
document (imported only with jupyter-collaboration installed; see the package's docstring)."""

from __future__ import annotations

from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server_ydoc.handlers import YDocWebSocketHandler
from tornado import web

from .messages import EditGate, is_edit
from .rooms import document_of_room, is_document_room

__all__ = ["CollaborationRoomHandler", "YDocWebSocketHandler"]


class CollaborationRoomHandler(YDocWebSocketHandler):
    """A room's websocket that drops the edits of those who may only read the document."""

    # This handler registers its own connection in the presence registry (with its document).
    tracks_own_presence = True
    _room_id = ""
    _document_path: str | None = None
    _edit_gate: EditGate | None = None
    _presence_connection: int | None = None
    _dropped_edits = 0

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        room_id = self.path_args[0] if self.path_args else ""
        if is_document_room(room_id) and document_of_room(self.settings, room_id) is None:
            # jupyter-collaboration would build a room for it and fail (a 500): a 404, once the
            # request is signed in (strangers learn nothing of ids)
            await ensure_async(JupyterHandler.prepare(self))
            if not self.current_user:
                raise web.HTTPError(403, "Forbidden: sign in first")
            # answered as a room of a hidden document is: the Authorizer says how (404 or 403)
            if not self.authorizer.is_authorized(self, self.current_user, "read", "contents"):
                raise web.HTTPError(403)  # the guard's answer names the missing scope
            raise web.HTTPError(404, "No such document")
        await super().prepare(*args, **kwargs)

    async def open(self, room_id: str) -> None:
        # the guard already resolved this room to a document the user may read (or none: awareness)
        self._room_id = room_id
        self._document_path = document_of_room(self.settings, room_id)
        if self._document_path is not None and self.authorizer.policy is not None:
            self._edit_gate = EditGate(
                lambda: self.authorizer.current_permissions(self, self.current_user),
                self._document_path,
            )
        presence = self.settings.get("rbac_presence")
        if presence is not None:
            mode = (
                None
                if self._document_path is None
                else ("editor" if self._may_edit() else "viewer")
            )
            kind = "document" if self._document_path is not None else "awareness"
            self._presence_connection = presence.connect(
                self.current_user, kind, self._document_path, mode
            )
        # tornado's websockets wait for delayed ACKs (Nagle) otherwise, on every edit
        self.set_nodelay(True)
        await super().open(room_id)

    async def on_message(self, message: Any) -> Any:
        # The guard already looked for policy changes and judged the connection again
        # (enforcement/websockets.py): whoever gets here may still read the document.
        if self._document_path is not None and is_edit(message) and not self._may_edit():
            self._dropped_edits += 1
            if self._dropped_edits == 1:
                self.log.info(
                    "jupyter-rbac: %s may read %s but not write it: their edits are dropped",
                    self.current_user.username,
                    self._document_path,
                )
            return None
        return await super().on_message(message)

    def judged_again(self) -> None:
        """The guard judged this room again and kept it (a document moved, or its timer): the
        room follows its document where it is now, so edits are judged, and collaborators shown,
        at the path it has now, not the one it had when the room opened."""
        if self._document_path is None:
            return
        now = document_of_room(self.settings, self._room_id)
        if now is None or now == self._document_path:
            return
        self._document_path = now
        if self._edit_gate is not None:
            self._edit_gate.document = now
        presence = self.settings.get("rbac_presence")
        if presence is not None and self._presence_connection is not None:
            presence.move(self._presence_connection, now)
            self._may_edit()  # and its mode there

    def on_close(self) -> None:
        presence = self.settings.get("rbac_presence")
        if presence is not None and self._presence_connection is not None:
            presence.disconnect(self._presence_connection)
            self._presence_connection = None
        super().on_close()

    def _may_edit(self) -> bool:
        """Asked at each edit (not once when the socket opened): roles change while people work."""
        allowed = self._edit_gate is not None and self._edit_gate.may_edit()
        presence = self.settings.get("rbac_presence")
        if presence is not None and self._presence_connection is not None:
            presence.set_mode(self._presence_connection, "editor" if allowed else "viewer")
        return allowed
