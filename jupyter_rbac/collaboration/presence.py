"""Who is here: the users this server has seen lately, their open websockets, and the documents
they have open in collaboration rooms, with whether they may edit each.

Everything comes from the server's side of the connection: the user an authenticated request or
websocket was accepted for, never what a client says about itself (Yjs awareness is the client's
word). One registry per server process, in memory: presence is about live connections, which
end with the process. Servers sharing a policy database also list each other's visitors
(`elsewhere`, see shared_presence.py): one entry per user, whichever server they reached.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


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
class Visitor:
    """A user present: who, since when, their last request, and their open websockets by id."""

    identity: Identity
    first_seen: float
    last_seen: float
    connections: dict[int, Connection] = field(default_factory=dict)


class Elsewhere(Protocol):
    """The other servers of one policy database, as the registry asks them (shared_presence.py)."""

    def visitors(self) -> Iterable[Visitor]:
        """Who is present on the other servers (connection ids below 0, unique among them)."""

    def changed(self) -> None:
        """This registry changed: somebody arrived, or opened or closed a connection."""

    def seen_again(self) -> None:
        """A request of somebody already here (on the request path: must cost next to nothing)."""


class Presence:
    """The registry. Listeners hear of every change worth showing (somebody arrives, opens or
    closes a connection); merely being seen again is not one."""

    def __init__(self, idle_after: float = 300.0, clock: Callable[[], float] = time.time):
        self.idle_after = idle_after
        self._clock = clock
        self._visitors: dict[str, Visitor] = {}
        self._ids = itertools.count(1)
        self.listeners: list[Callable[[], None]] = []
        self.elsewhere: Elsewhere | None = None

    def seen(self, user: Any) -> None:
        """An authenticated request of `user` (a jupyter_server User) was accepted."""
        now = self._clock()
        visitor = self._visitors.get(user.username)
        if visitor is None or self._idle(visitor, now):
            self._visitors[user.username] = Visitor(
                Identity.of(user), now, now, visitor.connections if visitor else {}
            )
            self._changed()
            return
        visitor.last_seen = now
        visitor.identity = Identity.of(user)
        if self.elsewhere is not None:
            self.elsewhere.seen_again()

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

    def move(self, connection_id: int, document: str) -> None:
        """A document connection's document is at another path now (moved)."""
        for visitor in self._visitors.values():
            connection = visitor.connections.get(connection_id)
            if connection is not None and connection.document != document:
                connection.document = document
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
        on this server or, with `elsewhere`, another: one entry per name; their connections by
        kind and their open documents, of which only those the reader may see (`shows(path)`):
        another document is not counted either."""
        people = dict(self.present())
        if self.elsewhere is not None:
            now = self._clock()
            for other in self.elsewhere.visitors():
                if not self._idle(other, now):
                    name = other.identity.name
                    people[name] = _merged(people.get(name), other)
        return [self._describe(visitor, shows) for _, visitor in sorted(people.items())]

    def present(self) -> dict[str, Visitor]:
        """This server's visitors who are here now, by name (the idle are forgotten)."""
        now = self._clock()
        for name in [n for n, v in self._visitors.items() if self._idle(v, now)]:
            del self._visitors[name]
        return self._visitors

    def tell_listeners(self) -> None:
        """Somebody arrived, connected or left on another server."""
        for listener in list(self.listeners):
            listener()

    def _describe(self, visitor: Visitor, shows: Callable[[str], bool]) -> dict[str, Any]:
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

    def _idle(self, visitor: Visitor, now: float) -> bool:
        return not visitor.connections and now - visitor.last_seen > self.idle_after

    def _changed(self) -> None:
        self.tell_listeners()
        if self.elsewhere is not None:
            self.elsewhere.changed()


def _merged(here: Visitor | None, there: Visitor) -> Visitor:
    """One user present on two servers: the connections of both, the earliest arrival, the
    latest request, and the identity as the server that saw them last verified it."""
    if here is None:
        return there
    latest = there if there.last_seen > here.last_seen else here
    return Visitor(
        latest.identity,
        min(here.first_seen, there.first_seen),
        max(here.last_seen, there.last_seen),
        {**here.connections, **there.connections},
    )
