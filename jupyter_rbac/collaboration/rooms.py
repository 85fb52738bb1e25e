"""Read-only collaborators in jupyter-collaboration's rooms, and who has which document open.

jupyter-collaboration lets anybody who may read a document into its room and then applies every
update they send. jupyter-rbac dispatches the room's websocket to `CollaborationRoomHandler`
instead (a subclass, substituted by the route guard): a user who may read the document but not
write it joins, syncs and sees live edits, and their awareness (cursor, presence) still flows,
but every Yjs update they send (sync step 2, update) is dropped for that connection. Whether they
may write is asked of the policy at each such message, so a role granted or revoked applies to
the next one, without reconnecting.

Without jupyter-collaboration installed this module offers nothing to substitute, and saving is
refused by the contents API as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Yjs over websockets (y-protocols): the first byte is the message type, for SYNC the second the
# sync step. Step 1 asks for what the peer lacks (reading); step 2 and updates change the document.
SYNC = 0
AWARENESS = 1
SYNC_STEP1 = 0
GLOBAL_AWARENESS_ROOM = "JupyterLab:globalAwareness"


def is_edit(message: Any) -> bool:
    """Does this websocket message change the document? Only sync step 1 (a request for state)
    and awareness (presence, cursors) leave it as it is; anything else may write into the room."""
    if not isinstance(message, bytes) or not message:
        return False  # text frames are not Yjs; the upstream handler ignores them
    if message[0] == AWARENESS:
        return False
    return not (message[0] == SYNC and len(message) > 1 and message[1] == SYNC_STEP1)


class EditGate:
    """May this connection's user write its document, now? One per room connection.

    Asked after `policy.refresh()` (websocket_checks does it for every message, about 3 µs on
    SQLite), so a role given or revoked in any process applies to the very next message;
    bench/bench_rtc.py weighs both against the room's own work per message.
    """

    def __init__(self, policy: Any, permissions: Callable[[], Any], document: str):
        self.policy = policy
        self.permissions = permissions  # the user's current permissions (token limits included)
        self.document = document

    def may_edit(self) -> bool:
        permissions = self.permissions()
        return permissions.is_all or permissions.allows_object("write", "contents", self.document, None, ())


def is_document_room(room_id: str) -> bool:
    """Does the room id name a document ("json:notebook:<file id>"), not presence alone?"""
    return str(room_id).count(":") >= 2


def document_of_room(settings: Any, room_id: str) -> str | None:
    """The document behind a collaboration room id ("json:notebook:<file id>"), as the file id
    manager knows it now; None for a room that is no document (global awareness) or unknown."""
    parts = str(room_id).split(":", 2)
    manager = settings.get("file_id_manager")
    if len(parts) != 3 or manager is None:
        return None
    return manager.get_path(parts[2]) or None


def token_still_valid(handler: Any, policy: Any) -> bool:
    """For a long-lived connection opened with one of our API tokens: is that token still
    valid for the same user (not revoked, not expired, its owner not deleted)? Connections
    opened otherwise (a browser session) answer True."""
    secret = getattr(handler, "_rbac_token", None)
    if secret is None:
        return True
    identity = policy.identify_token(secret)
    return identity is not None and identity.username == handler.current_user.username


def room_handler_substitutes() -> dict[type, type]:
    """The room handler to dispatch instead of jupyter-collaboration's, if it is installed."""
    try:
        from .room_handler import CollaborationRoomHandler, YDocWebSocketHandler
    except ImportError:  # jupyter-collaboration is not installed
        return {}
    return {YDocWebSocketHandler: CollaborationRoomHandler}
