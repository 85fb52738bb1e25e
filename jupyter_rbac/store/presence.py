"""Who is present on each server of one policy database: the `rbac_presence` rows.

Each server process writes its own rows (one per user present there, under an id of its own)
and reads the others', so that replicas behind a load balancer show one collaborators list
(collaboration/shared_presence.py). These are facts about connections, not policy: writing them
bumps no policy version, announces no change and writes no audit row. A row counts until its
`expires_at`; whoever publishes next deletes the expired ones (a server killed without a word).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from .base import StoreBase
from .models import PresenceRow


@dataclass(frozen=True)
class PresenceEntry:
    """One user present on one server, as that server verified them. `connections` are their
    open websockets: {"kind", "since", "document", "mode"} each. Times are epoch seconds."""

    server: str
    username: str
    display_name: str
    initials: str | None
    color: str | None
    avatar_url: str | None
    connections: tuple[dict[str, Any], ...]
    first_seen: float
    last_seen: float
    expires_at: float


class PresenceRows(StoreBase):
    """The presence part of `Store`."""

    def publish_presence(self, server: str, entries: Iterable[PresenceEntry], now: float) -> None:
        """Replace `server`'s rows by `entries`, and delete every server's rows expired at `now`:
        one transaction."""
        rows = [
            PresenceRow(
                server=server,
                username=entry.username,
                display_name=entry.display_name,
                initials=entry.initials,
                color=entry.color,
                avatar_url=entry.avatar_url,
                connections=list(entry.connections),
                first_seen=entry.first_seen,
                last_seen=entry.last_seen,
                expires_at=entry.expires_at,
            )
            for entry in entries
        ]
        with self._write_sessions.begin() as session:
            session.execute(
                delete(PresenceRow).where(
                    (PresenceRow.server == server) | (PresenceRow.expires_at < now)
                )
            )
            session.add_all(rows)

    def presence_elsewhere(self, server: str, now: float) -> list[PresenceEntry]:
        """The unexpired rows of every server but `server`."""
        with self._sessions() as session:
            rows = session.scalars(
                select(PresenceRow)
                .where(PresenceRow.server != server, PresenceRow.expires_at >= now)
                .order_by(PresenceRow.username, PresenceRow.server)
            ).all()
            return [_entry(row) for row in rows]

    def withdraw_presence(self, server: str) -> None:
        """`server` is stopping: its rows go."""
        with self._write_sessions.begin() as session:
            session.execute(delete(PresenceRow).where(PresenceRow.server == server))


def _entry(row: PresenceRow) -> PresenceEntry:
    connections = row.connections if isinstance(row.connections, list) else []
    return PresenceEntry(
        server=row.server,
        username=row.username,
        display_name=row.display_name,
        initials=row.initials,
        color=row.color,
        avatar_url=row.avatar_url,
        connections=tuple(c for c in connections if isinstance(c, dict)),
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        expires_at=row.expires_at,
    )
