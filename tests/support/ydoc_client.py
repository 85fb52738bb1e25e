"""A collaborator for the tests: one pycrdt document kept in sync with a jupyter-collaboration
room over a real websocket (y-websocket protocol), as JupyterLab's provider does it."""

from __future__ import annotations

import asyncio

from pycrdt import (
    Array,
    Awareness,
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    read_message,
)
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


class RoomClient:
    def __init__(self, connection):
        self.connection = connection  # tornado WebSocketClientConnection
        self.doc = Doc()
        self.cells = self.doc.get("cells", type=Array)  # jupyter_ydoc's notebook layout
        self.synced = asyncio.Event()
        self.awareness_received = 0
        self.presence = Awareness(self.doc)  # the others' states, as their announcements say
        self.closed = asyncio.Event()
        self._remote = False
        self._subscription = self.doc.observe(self._send_local_change)
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def join(cls, client, path: str, server: str) -> RoomClient:
        """Open `path`'s session as `client` (a tests.support.client.Client), then its room;
        `server` is the server's websocket URL with its base_url (`ws://127.0.0.1:PORT/base/`)."""
        status, session = await client.put(
            "api", "collaboration", "session", path, body={"format": "json", "type": "notebook"}
        )
        assert status in (200, 201), (status, session)
        # The room's name goes in the URL as JupyterLab writes it: colons unescaped.
        url = f"{server}api/collaboration/room/json:notebook:{session['fileId']}?sessionId={session['sessionId']}"
        connection = await websocket_connect(HTTPRequest(url, headers=client.headers))
        room = cls(connection)
        connection.write_message(create_sync_message(room.doc), binary=True)
        await asyncio.wait_for(room.synced.wait(), 10)
        await room.wait_for(lambda: len(room.cells) > 0)  # a new room loads the file first
        return room

    def _send_local_change(self, event) -> None:
        if not self._remote:
            self.connection.write_message(create_update_message(event.update), binary=True)

    async def _read(self) -> None:
        while True:
            message = await self.connection.read_message()
            if message is None:
                self.closed.set()
                return
            if isinstance(message, bytes) and message and message[0] == YMessageType.AWARENESS:
                self.awareness_received += 1
                self.presence.apply_awareness_update(read_message(message[1:]), "remote")
                continue
            if isinstance(message, str) or not message or message[0] != YMessageType.SYNC:
                continue  # jupyter's own messages
            self._remote = True
            try:
                reply = handle_sync_message(message[1:], self.doc)
            finally:
                self._remote = False
            if reply is not None:
                self.connection.write_message(reply, binary=True)
            if message[1] == YSyncMessageType.SYNC_STEP2:
                self.synced.set()

    def announce(self, state: dict) -> None:
        """Send an awareness update (presence, cursor) for this client."""
        awareness = Awareness(self.doc)
        awareness.set_local_state(state)
        self.connection.write_message(
            create_awareness_message(awareness.encode_awareness_update([awareness.client_id])),
            binary=True,
        )

    def others(self) -> list[dict]:
        """The states the other collaborators announced (their user, their cursors)."""
        own = self.presence.client_id
        return [state for client, state in self.presence.states.items() if client != own and state]

    def source(self, index: int = 0) -> str:
        return str(self.cells[index]["source"])

    def append(self, text: str, index: int = 0) -> None:
        """Type at the end of a cell (one Yjs update; never reassign the Text)."""
        source: Text = self.cells[index]["source"]
        source.insert(len(source), text)

    async def wait_for(self, condition, timeout: float = 10) -> None:
        async def poll():
            while not condition():
                await asyncio.sleep(0.01)  # polling a document that changes from the network

        await asyncio.wait_for(poll(), timeout)

    def close(self) -> None:
        self._reader.cancel()
        self.connection.close()
