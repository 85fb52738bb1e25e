"""When each user was last seen and each token last used, as JupyterHub keeps `last_activity`.

Every request that passes the guard is noted (its user, and its token if it came with one of
ours); a user or token is written at most once per `resolution` seconds, and what was noted is
written in one transaction by the server's timer (`flush`), never inside the request. The
administration pages show both (`last_seen_at` of a user, `last_used_at` of a token).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy.exc import SQLAlchemyError
from tornado.log import app_log

from ..store import Store

# The most users and tokens whose last write is remembered; past it, all are forgotten (the
# next request of each writes once more: a bound, not a loss).
MAX_REMEMBERED = 100_000


class Activity:
    def __init__(self, store: Store, resolution: float = 60.0) -> None:
        self.store = store
        self.resolution = resolution
        self._written: dict[tuple[str, object], float] = {}  # (kind, key) -> monotonic time
        self._users: dict[str, datetime] = {}
        self._tokens: dict[int, datetime] = {}

    def saw(self, username: str, token_id: int | None = None) -> None:
        """A request of `username` (with their token `token_id`, if one of ours) passed now."""
        now = time.monotonic()
        if self._due(("user", username), now):
            self._users[username] = datetime.now(timezone.utc)
        if token_id is not None and self._due(("token", token_id), now):
            self._tokens[token_id] = datetime.now(timezone.utc)

    def _due(self, key: tuple[str, object], now: float) -> bool:
        last = self._written.get(key)
        if last is not None and now - last < self.resolution:
            return False
        if len(self._written) >= MAX_REMEMBERED:
            self._written.clear()
        self._written[key] = now
        return True

    def flush(self) -> None:
        """Write what was noted since the last flush (the server's timer calls it)."""
        users, tokens = self._users, self._tokens
        if not users and not tokens:
            return
        self._users, self._tokens = {}, {}
        try:
            self.store.record_activity(users, tokens)
        except SQLAlchemyError as error:  # the database is away: the next requests note again
            app_log.warning("jupyter-rbac: could not record activity: %s", error)
            for key in [("user", name) for name in users] + [("token", i) for i in tokens]:
                self._written.pop(key, None)
