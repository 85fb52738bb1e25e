"""One collaborators list for the servers of one policy database (replicas behind a load balancer).

Each server process publishes its own registry (presence.py) into the database under an id of its
own (store/presence.py): soon after a change (at most once a `THROTTLE_SECONDS`), and again every
third of the expiry while anyone holds a connection to it, so that its rows outlive it by no more
than `expiry` seconds if it is killed; a server stopping cleanly deletes its rows. Somebody seen
without a connection is published with the end of their idle time as the row's expiry, and again
while their requests go on: nothing needs refreshing for them. So a server nobody is connected to
sends nothing to the database, on any timer.

The list a reader is shown merges the other servers' unexpired rows (read at most once a
`READ_CACHE_SECONDS`) into the registry's own (Presence.snapshot): one entry per user, and the
reader's filtering applies to every entry alike. While a collaborators stream is open the rows
are read every `STREAM_POLL_SECONDS`, so that the stream hears of arrivals elsewhere.

Identities are what the publishing server verified (never what a client says), and the database
holds the policy itself: its rows are trusted as the policy is. Presence decides nothing: a
database that fails a write or a read is logged and the list shows what this server knows.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

from sqlalchemy.exc import SQLAlchemyError
from tornado.ioloop import IOLoop, PeriodicCallback

from ..store import PresenceEntry, Store
from .presence import Connection, Identity, Presence, Visitor

# A change is published at most this often (a burst of tabs opening is one write).
THROTTLE_SECONDS = 1.0
# The other servers' rows are read at most this often (every collaborators request asks).
READ_CACHE_SECONDS = 1.5
# While a collaborators stream is open here, the other servers' rows are read this often.
STREAM_POLL_SECONDS = 2.0
MODES = ("editor", "viewer")


class SharedPresence:
    """Publishes `presence` under a server id of its own and gives it the other servers' visitors
    (it becomes the registry's `elsewhere`)."""

    def __init__(
        self,
        presence: Presence,
        store: Store,
        expiry: float = 30.0,
        log: logging.Logger | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.presence = presence
        self.store = store
        self.expiry = expiry
        self.refresh = expiry / 3
        self.log = log or logging.getLogger(__name__)
        self.server = uuid.uuid4().hex
        self._clock = clock
        self._has_rows = False  # this server's rows may be in the database
        self._published_at = -float("inf")  # monotonic
        self._next: object | None = None  # the IOLoop timeout of the next publication
        self._next_due = 0.0
        self._others: list[Visitor] = []
        self._entries: list[PresenceEntry] = []
        self._read_at = -float("inf")  # monotonic
        self._poller: PeriodicCallback | None = None
        self._failing: set[str] = set()  # "publish", "read": logged once until it works again
        self._stopped = False
        presence.elsewhere = self

    # -- what the registry asks (presence.Elsewhere) ------------------------------------------

    def visitors(self) -> list[Visitor]:
        """Who is present on the other servers now (cached for READ_CACHE_SECONDS)."""
        if time.monotonic() - self._read_at >= READ_CACHE_SECONDS:
            self._read()
        if self.presence.listeners and self._poller is None and not self._stopped:
            self._poller = PeriodicCallback(self._poll, STREAM_POLL_SECONDS * 1000)
            self._poller.start()
        return self._others

    def changed(self) -> None:
        self._schedule(self._published_at + THROTTLE_SECONDS - time.monotonic())

    def seen_again(self) -> None:
        if self._next is None and time.monotonic() - self._published_at >= self.refresh:
            self._schedule(0)

    # -- stopping -----------------------------------------------------------------------------

    def stop(self) -> None:
        """The server is stopping cleanly: no more timers, and its rows go now."""
        self._stopped = True
        if self._next is not None:
            IOLoop.current().remove_timeout(self._next)
            self._next = None
        if self._poller is not None:
            self._poller.stop()
            self._poller = None
        if not self._has_rows:
            return
        try:
            self.store.withdraw_presence(self.server)
            self._has_rows = False
        except SQLAlchemyError as error:
            self.log.warning(
                "jupyter-rbac: could not remove this server's presence (it expires within"
                " %.0f s): %s",
                self.expiry,
                error,
            )

    # -- publishing ---------------------------------------------------------------------------

    def _schedule(self, delay: float) -> None:
        """Publish in `delay` seconds, unless a publication is due sooner already."""
        if self._stopped:
            return
        delay = max(delay, 0.0)
        due = time.monotonic() + delay
        loop = IOLoop.current()
        if self._next is not None:
            if self._next_due <= due:
                return
            loop.remove_timeout(self._next)
        self._next_due = due
        self._next = loop.call_later(delay, self._publish)

    def _publish(self) -> None:
        self._next = None
        if self._stopped:
            return
        present = self.presence.present()
        if not present and not self._has_rows:
            return  # nothing here, nothing of ours there: not a word to the database
        now = self._clock()
        entries = [self._entry(visitor, now) for visitor in present.values()]
        connected = any(visitor.connections for visitor in present.values())
        try:
            self.store.publish_presence(self.server, entries, now)
        except SQLAlchemyError as error:
            self._trouble("publish", "could not publish who is connected here", error)
            if connected:  # try again while somebody is here (the rows expire meanwhile)
                self._schedule(self.refresh)
            return
        self._recovered("publish")
        self._has_rows = bool(entries)
        self._published_at = time.monotonic()
        if connected:
            self._schedule(self.refresh)

    def _entry(self, visitor: Visitor, now: float) -> PresenceEntry:
        identity = visitor.identity
        connections = tuple(
            {"kind": c.kind, "since": c.since, "document": c.document, "mode": c.mode}
            for c in visitor.connections.values()
        )
        # connected: as long as this server says so again; seen: until their idle time ends
        expires = now + self.expiry if connections else visitor.last_seen + self.presence.idle_after
        return PresenceEntry(
            server=self.server,
            username=identity.name,
            display_name=identity.display_name,
            initials=identity.initials,
            color=identity.color,
            avatar_url=identity.avatar_url,
            connections=connections,
            first_seen=visitor.first_seen,
            last_seen=visitor.last_seen,
            expires_at=expires,
        )

    # -- reading ------------------------------------------------------------------------------

    def _read(self) -> bool:
        """Read the other servers' rows; True if they differ from the last read (expiry
        times aside)."""
        self._read_at = time.monotonic()
        try:
            entries = self.store.presence_elsewhere(self.server, self._clock())
        except SQLAlchemyError as error:
            self._trouble("read", "could not read who is connected to the other servers", error)
            entries = []
        else:
            self._recovered("read")
        before = [replace(entry, expires_at=0.0) for entry in self._entries]
        self._entries = entries
        ids = itertools.count(-1, -1)
        self._others = [_visitor(entry, ids) for entry in entries]
        return before != [replace(entry, expires_at=0.0) for entry in entries]

    def _poll(self) -> None:
        """While a stream is open here: tell it when somebody arrives or leaves elsewhere."""
        if not self.presence.listeners or self._stopped:
            if self._poller is not None:
                self._poller.stop()
                self._poller = None
            return
        if self._read():
            self.presence.tell_listeners()

    # -- logging ------------------------------------------------------------------------------

    def _trouble(self, what: str, message: str, error: Exception) -> None:
        if what not in self._failing:
            self._failing.add(what)
            self.log.warning(
                "jupyter-rbac: %s (the collaborators list shows this server's): %s", message, error
            )

    def _recovered(self, what: str) -> None:
        if what in self._failing:
            self._failing.discard(what)
            self.log.info("jupyter-rbac: presence shared through the policy database again")


def _visitor(entry: PresenceEntry, ids: Iterator[int]) -> Visitor:
    """A row of another server as the registry keeps a visitor (connection ids below 0)."""
    connections = {}
    for described in entry.connections:
        connection_id = next(ids)
        document = described.get("document")
        mode = described.get("mode")
        since = described.get("since")
        connections[connection_id] = Connection(
            connection_id,
            entry.username,
            str(described.get("kind") or "other"),
            float(since) if isinstance(since, (int, float)) else entry.first_seen,
            document if isinstance(document, str) else None,
            mode if mode in MODES else None,
        )
    identity = Identity(
        entry.username,
        entry.display_name or entry.username,
        entry.initials,
        entry.color,
        entry.avatar_url,
    )
    return Visitor(identity, entry.first_seen, entry.last_seen, connections)
