"""Real-time collaboration under the policy: who is here (presence.py), and read-only places in
jupyter-collaboration's rooms.

jupyter-collaboration lets anybody who may read a document into its room and then applies every
update they send. jupyter-rbac dispatches the room's websocket to `CollaborationRoomHandler`
instead (room_handler.py, a subclass substituted by the route guard): a user who may read the
document but not write it joins, syncs and sees live edits, and their awareness (cursor,
presence) still flows, but every Yjs update they send (messages.py) is dropped for that
connection. Whether they may write is asked of the policy at each such message, so a role
granted or revoked applies to the next one, without reconnecting.

Without jupyter-collaboration installed there is nothing to substitute, and saving is refused by
the contents API as everywhere else.
"""

from __future__ import annotations


def room_handler_substitutes() -> dict[type, type]:
    """The room handler to dispatch instead of jupyter-collaboration's, if it is installed."""
    try:
        from .room_handler import CollaborationRoomHandler, YDocWebSocketHandler
    except ImportError:  # jupyter-collaboration is not installed
        return {}
    return {YDocWebSocketHandler: CollaborationRoomHandler}
