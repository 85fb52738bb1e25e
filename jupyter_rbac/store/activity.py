"""When users were last seen and tokens last used: written in batches, apart from the policy.

These are facts about use, not policy: writing them bumps no policy version, no record's
revision (so no ETag changes under an administrator's form), and no audit row. The server
gathers them per request and writes each batch in one transaction (enforcement/activity.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import or_, update

from .base import StoreBase
from .models import Token, User


class Activity(StoreBase):
    """The activity part of `Store`."""

    def record_activity(
        self, users: Mapping[str, datetime], tokens: Mapping[int, datetime]
    ) -> None:
        """Move each user's `last_seen_at` and token's `last_used_at` forward to the moment
        given (never back: another server may have written a later one). Unknown names and
        revoked tokens are skipped."""
        if not users and not tokens:
            return
        users_table, tokens_table = User.__table__, Token.__table__
        with self._write_sessions.begin() as session:
            for name, moment in sorted(users.items()):
                column = users_table.c.last_seen_at
                session.execute(
                    update(users_table)
                    .where(users_table.c.name == name, or_(column.is_(None), column < moment))
                    .values(last_seen_at=moment)
                )
            for token_id, moment in sorted(tokens.items()):
                column = tokens_table.c.last_used_at
                session.execute(
                    update(tokens_table)
                    .where(tokens_table.c.id == token_id, or_(column.is_(None), column < moment))
                    .values(last_used_at=moment)
                )
