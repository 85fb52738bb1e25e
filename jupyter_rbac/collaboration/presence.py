"""Who is here: the users this server has seen lately, their open websockets, and the documents
they have open in collaboration rooms, with whether they may edit each.

Everything comes from the server's side of the connection: the user an authenticated request or
websocket was accepted for, never what a client says about itself (Yjs awareness is the client's
word). One registry per server process, in memory: presence is about live connections, which
end with the process.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Identity:
    """What the server verified about a user, as their request's User object carried it."""

    name: str
    display_name: str
    initials: str | None = None
    color: str | None = None
    avatar_url: str | None = None

    @classmethod
    def of(cls, user: Any) -> Identity:
        name = user.username
        return cls(
            name=name,
            display_name=getattr(user, "display_name", "") or name,
            initials=getattr(user, "initials", None),
            color=getattr(user, "color", None),
            avatar_url=getattr(user, "avatar_url", None),
        )


@dataclass
class Connection:
    """One open websocket."""

    id: int
    user: str
    kind: str
    since: float
    document: str | None = None
    # For documents: "editor" (their edits reach the room) or "viewer" (they are dropped).
    mode: str | None = None


@dataclass
class _Visitor:
    identity: Identity
    first_seen: float
    last_seen: float
    connections: dict[int, Connection] = field(default_factory=dict)


class Presence:
    """The registry. Listeners hear of every change worth showing (somebody arrives, opens or
    closes a connection); merely being seen again is not one."""

    def __init__(self, idle_after: float = 300.0, clock: Callable[[], float] = time.time):
        self.idle_after = idle_after
        self._clock = clock
        self._visitors: dict[str, _Visitor] = {}
        self._ids = itertools.count(1)
        self.listeners: list[Callable[[], None]] = []

    def seen(self, user: Any) -> None:
        """An authenticated request of `user` (a jupyter_server User) was accepted."""
        now = self._clock()
        visitor = self._visitors.get(user.username)
        if visitor is None or self._idle(visitor, now):
            self._visitors[user.username] = _Visitor(
                Identity.of(user), now, now, visitor.connections if visitor else {}
            )
            self._changed()
            return
        visitor.last_seen = now
        visitor.identity = Identity.of(user)

    def connect(
        self, user: Any, kind: str, document: str | None = None, mode: str | None = None
    ) -> int:
        """A websocket of `user` opened; returns its id for `disconnect`."""
        self.seen(user)
        connection = Connection(next(self._ids), user.username, kind, self._clock(), document, mode)
        self._visitors[user.username].connections[connection.id] = connection
        self._changed()
        return connection.id

    def set_mode(self, connection_id: int, mode: str) -> None:
        """A document connection's user gained or lost the right to edit."""
        for visitor in self._visitors.values():
            connection = visitor.connections.get(connection_id)
            if connection is not None and connection.mode != mode:
                connection.mode = mode
                self._changed()
                return

    def disconnect(self, connection_id: int) -> None:
        for visitor in self._visitors.values():
            if visitor.connections.pop(connection_id, None) is not None:
                visitor.last_seen = self._clock()
                self._changed()
                return

    def snapshot(self, shows: Callable[[str], bool] = lambda path: True) -> list[dict[str, Any]]:
        """Everybody here now (an open connection, or a request within `idle_after` seconds),
        by name; their connections by kind and their open documents, of which only those the
        reader may see (`shows(path)`): another document is not counted either."""
        now = self._clock()
        for name in [n for n, v in self._visitors.items() if self._idle(v, now)]:
            del self._visitors[name]
        return [self._describe(visitor, shows) for _, visitor in sorted(self._visitors.items())]

    def _describe(self, visitor: _Visitor, shows: Callable[[str], bool]) -> dict[str, Any]:
        kinds: dict[str, int] = {}
        documents: dict[str, dict[str, Any]] = {}
        for connection in visitor.connections.values():
            if connection.document is not None and not shows(connection.document):
                continue
            kinds[connection.kind] = kinds.get(connection.kind, 0) + 1
            if connection.document is None:
                continue
            known = documents.get(connection.document)
            if known is None:
                documents[connection.document] = {
                    "path": connection.document,
                    "mode": connection.mode,
                    "since": connection.since,
                }
            else:  # the same document in two tabs: the earliest, and editor if either edits
                known["since"] = min(known["since"], connection.since)
                if connection.mode == "editor":
                    known["mode"] = "editor"
        identity = visitor.identity
        return {
            "username": identity.name,
            "name": identity.name,  # deprecated alias of username (0.2)
            "display_name": identity.display_name,
            "initials": identity.initials,
            "color": identity.color,
            "avatar_url": identity.avatar_url,
            "since": visitor.first_seen,
            "last_seen": visitor.last_seen,
            "connections": dict(sorted(kinds.items())),
            "documents": sorted(documents.values(), key=lambda d: d["path"]),
        }

    def _idle(self, visitor: _Visitor, now: float) -> bool:
        return not visitor.connections and now - visitor.last_seen > self.idle_after

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()
