"""The audit trail: events that are not policy changes (refusals), reading the trail, pruning it.

Policy changes write their own audit rows (changes.py); this part adds the rest, coalescing a
flood of one actor's refusals into one row, and reads and bounds the trail.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from .changes import PolicyChanges
from .checks import clipped
from .models import AuditEvent, utcnow
from .records import AuditRecord, Page
from .rows import audit_event, audit_record

# The most refusal windows remembered at once; past it, the windows that ended are forgotten.
_MAX_REPEATS = 10_000
# The most other targets a coalesced row names; past it, they are counted.
MAX_OTHER_TARGETS = 20


@dataclass
class _Repeat:
    """Refusals of one actor and action, counted into the row of the first."""

    row: int
    since: float  # time.monotonic() of the first
    target: str = ""  # the first's, named by the row itself
    count: int = 1
    others: list[str] = field(default_factory=list)  # other targets, the first ones
    more: int = 0  # requests naming yet other targets (counted, not kept: memory stays bounded)


class AuditTrail(PolicyChanges):
    """Recording events that change nothing, and reading and pruning the trail."""

    def __init__(self, engine: Engine):
        super().__init__(engine)
        # Repeated refusals of one actor within this many seconds become one audit row.
        self.coalesce_seconds = 10.0
        self._repeats: dict[tuple[str, str, str], _Repeat] = {}

    def record_event(
        self, actor: str, action: str, target: str, coalesce: str | None = None, **detail
    ) -> AuditRecord | None:
        """An audit row that is not a policy change (a denied request): no version bump.

        With `coalesce` (a kind, e.g. the method and the scope a refusal lacked), a repeat of the
        same actor, action and kind within `coalesce_seconds` of the first adds to that row's
        `count` (and `last_at`) instead of making a row or an event: a flood of refusals costs
        one row, and a refusal of another kind still shows by itself. Returns None for a repeat.
        """
        key = (actor, action, coalesce or "")
        if coalesce is not None and self._counted_as_repeat(key, target):
            return None
        with self._sessions.begin() as session:
            event = audit_event(actor, action, target, detail)
            session.add(event)
            session.flush()
            record = audit_record(event)
        if coalesce is not None:
            self._remember_repeat(key, record.id, record.target)
        self._notify(record)
        return record

    def _counted_as_repeat(self, key: tuple[str, str, str], target: str) -> bool:
        """Add one to the row of a refusal repeated within the window, naming its target among
        the others (the first ones; the rest counted); False if there is none."""
        repeat = self._repeats.get(key)
        if repeat is None or time.monotonic() - repeat.since >= self.coalesce_seconds:
            return False
        repeat.count += 1
        target = clipped(target)
        if target != repeat.target and target not in repeat.others:
            if len(repeat.others) < MAX_OTHER_TARGETS:
                repeat.others.append(target)
            else:
                repeat.more += 1
        with self._sessions.begin() as session:
            event = session.get(AuditEvent, repeat.row)
            if event is None:  # pruned meanwhile
                return False
            counted = {"count": repeat.count, "last_at": utcnow().isoformat()}
            if repeat.others:
                counted["other_targets"] = list(repeat.others)
            if repeat.more:
                counted["more_targets"] = repeat.more
            event.detail = {**(event.detail or {}), **counted}
        return True

    def _remember_repeat(self, key: tuple[str, str, str], row: int, target: str) -> None:
        if len(self._repeats) >= _MAX_REPEATS:  # a bound: forget the windows that ended
            now = time.monotonic()
            window = self.coalesce_seconds
            self._repeats = {k: r for k, r in self._repeats.items() if now - r.since < window}
        self._repeats[key] = _Repeat(row, time.monotonic(), target)

    def prune_audit(self, max_age_days: float, max_rows: int) -> int:
        """Delete audit rows older than `max_age_days` and all but the newest `max_rows`
        (0: no limit of that kind). Returns how many rows went."""
        removed = 0
        with self._sessions.begin() as session:
            if max_age_days > 0:
                cutoff = utcnow() - timedelta(days=max_age_days)
                removed += _deleted(session, AuditEvent.at < cutoff)
            if max_rows > 0:
                newest = select(AuditEvent.id).order_by(AuditEvent.id.desc())
                oldest_kept = session.scalar(newest.offset(max_rows - 1).limit(1))
                if oldest_kept is not None:
                    removed += _deleted(session, AuditEvent.id < oldest_kept)
        return removed

    def audit_events(self, limit: int = 100) -> list[dict]:
        return [event.to_json() for event in self.page_audit(limit=limit).items]

    def page_audit(
        self,
        limit: int = 100,
        before: int | None = None,
        offset: int = 0,
        actor: str | None = None,
        target: str | None = None,
        kind: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        counted: bool = True,
    ) -> Page[AuditRecord]:
        """The trail, newest first. `before` (an event id) is a cursor for the next page.
        Not `counted`: the total is left at 0 (an export reads page after page)."""
        statement = select(AuditEvent)
        if actor is not None:
            statement = statement.where(AuditEvent.actor == actor)
        if target is not None:
            statement = statement.where(AuditEvent.target == target)
        if kind is not None:
            statement = statement.where(AuditEvent.action.startswith(f"{kind}.", autoescape=True))
        if action is not None:
            statement = statement.where(AuditEvent.action == action)
        if since is not None:
            statement = statement.where(AuditEvent.at >= since)
        if until is not None:
            statement = statement.where(AuditEvent.at < until)
        with self._sessions() as session:
            total = 0
            if counted:
                total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
            if before is not None:
                statement = statement.where(AuditEvent.id < before)
            statement = statement.order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
            return Page([audit_record(event) for event in session.scalars(statement)], total)


def _deleted(session: Session, condition) -> int:
    """Delete the audit rows matching `condition`; how many went."""
    return session.execute(delete(AuditEvent).where(condition)).rowcount or 0
