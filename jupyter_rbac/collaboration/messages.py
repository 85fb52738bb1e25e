"""Which Yjs websocket messages change a document (y-protocols over jupyter-collaboration's
rooms), and whether their sender may change it now: the read-only room drops the edits of those
who may only read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Yjs over websockets (y-protocols): the first byte is the message type, for SYNC the second the
# sync step. Step 1 asks for what the peer lacks (reading); step 2 and updates change the document.
SYNC = 0
AWARENESS = 1
SYNC_STEP1 = 0


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

    Asked at each edit, after the guard looked for policy changes in any process (see
    enforcement/websockets.py), so a role given or revoked applies to the very next message;
    bench/bench_rtc.py weighs it against the room's own work per message.
    """

    def __init__(self, permissions: Callable[[], Any], document: str):
        self.permissions = permissions  # the user's current permissions (token limits included)
        self.document = document

    def may_edit(self) -> bool:
        permissions = self.permissions()
        return permissions.is_all or permissions.allows_object(
            "write", "contents", self.document, None, ()
        )
