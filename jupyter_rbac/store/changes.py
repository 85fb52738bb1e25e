"""How a policy change is made and noticed: the write transaction, the version, change watching.

Every write runs in one transaction that also bumps the policy version and records an audit
event, so a change is all-or-nothing and every process notices it; it also records what it
touched (touched.py), so the others reload only that. Roles, users and groups carry
a revision (SQLAlchemy's version counter): a write naming the revision it read fails with
PreconditionFailed if anyone changed the record since, in this process or another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict, PreconditionFailed
from ..model.defaults import FIXED_ROLE
from .base import StoreBase, plain_connection
from .engine import ChangeWatcher, announce_change, watch_changes
from .models import PolicyChange, PolicyState, Role, User, group_members, role_groups, role_users
from .records import AuditRecord
from .rows import audit_event, audit_record
from .touched import Touched, listen, start_tracking, stop_tracking

ChangeListener = Callable[[AuditRecord], None]
# Versions whose change records are kept: a server further behind reads the whole policy again.
KEPT_CHANGES = 500


# The version now, and what each version after `since` touched (one row with NULLs: none).
_CHANGES_SINCE = (
    select(
        PolicyState.version.label("current"),
        PolicyChange.version,
        PolicyChange.touched,
    )
    .select_from(PolicyState)
    .outerjoin(PolicyChange, PolicyChange.version > bindparam("since"))
    .where(PolicyState.id == 1)
    .order_by(PolicyChange.version)
)


@dataclass(frozen=True)
class Changes:
    """What changed from a version a server saw up to `version`."""

    version: int
    touched: Touched


class PolicyChanges(StoreBase):
    """Audited, versioned writes, and whether anyone (in any process) has written since."""

    def __init__(self, engine: Engine):
        super().__init__(engine)
        listen(engine)
        self._watcher: ChangeWatcher | None = None
        self._wrote = False  # a change committed by this Store since the last `changed()`
        # Called after each committed change, in this process (the server emits events here).
        self.listeners: list[ChangeListener] = []

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
        super().close()

    def changed(self) -> bool:
        """True if the database may have changed since the last call (cheap; no disk I/O on SQLite).

        Our own writes count at once; other processes' as soon as their notification arrives
        (PostgreSQL: shortly after their commit) or at once (SQLite).
        """
        if self._watcher is None:
            self._watcher = watch_changes(self.engine, self.listen_url)
            return True
        own, self._wrote = self._wrote, False
        return self._watcher.changed() or own

    def version(self) -> int:
        with self._sessions() as session:
            return session.execute(
                select(PolicyState.version).where(PolicyState.id == 1)
            ).scalar_one()

    def _notify(self, record: AuditRecord) -> None:
        """Tell this process's listeners about an audit record just committed."""
        for listener in self.listeners:
            listener(record)

    @contextmanager
    def _write(self, actor: str, action: str, target: str, **detail) -> Iterator[Session]:
        """A transaction that bumps the policy version and records an audit event.

        The body may add to `detail` through `session.info["detail"]`, and name the `target`
        it found (an invitation's user) as `session.info["target"]`.
        """
        with self._write_sessions.begin() as session:
            # Policy writers take turns (they are rare): each reads what the previous committed,
            # so checks such as "an admin remains" see the true state, and no two deadlock.
            # SQLite: BEGIN IMMEDIATE already did this. PostgreSQL: lock the version row.
            session.execute(select(PolicyState.id).where(PolicyState.id == 1).with_for_update())
            session.info["detail"] = detail
            had_admin = self._administrators(session) > 0
            actor_was_admin = self._administrators(session, actor) > 0
            touched = start_tracking(session)
            try:
                yield session
                session.flush()
            except IntegrityError as error:
                raise Conflict(f"{action} {target}: conflicts with existing data") from error
            except StaleDataError as error:
                raise PreconditionFailed(
                    f"{target} was changed by someone else; reload it and try again"
                ) from error
            finally:
                stop_tracking(session, touched)
            if had_admin and self._administrators(session) == 0:
                raise Conflict(
                    f"{action} {target}: refused, it would leave nobody with the {FIXED_ROLE!r} role"
                )
            if actor_was_admin and self._administrators(session, actor) == 0:
                raise Conflict(
                    f"{action} {target}: refused, you would lose your own {FIXED_ROLE!r} role;"
                    " ask another administrator"
                )
            session.execute(
                update(PolicyState)
                .where(PolicyState.id == 1)
                .values(version=PolicyState.version + 1)
            )
            self._log_change(session, touched)
            target = session.info.get("target", target)
            event = audit_event(actor, action, target, detail)
            session.add(event)
            announce_change(session.connection())
            session.flush()
            record = audit_record(event)
        self._wrote = True
        self._notify(record)

    @staticmethod
    def _log_change(session: Session, touched: Touched) -> None:
        """Record what the new version touched, and forget the oldest records."""
        touched.name_share_recipients(session)
        version = session.execute(
            select(PolicyState.version).where(PolicyState.id == 1)
        ).scalar_one()
        session.add(PolicyChange(version=version, touched=touched.to_json()))
        session.execute(delete(PolicyChange).where(PolicyChange.version <= version - KEPT_CHANGES))

    def changes_since(self, version: int, connection: Connection | None = None) -> Changes | None:
        """What the versions after `version` touched, together; None if the log no longer
        reaches back that far (or a writer kept none): then everything must be read again.

        One statement on a plain connection: it runs at the first request after every change."""
        with plain_connection(self.engine, connection) as reads:
            rows = reads.execute(_CHANGES_SINCE, {"since": version}).all()
        current = rows[0].current
        logged = [row for row in rows if row.version is not None]
        if current == version:
            return Changes(version, Touched())
        # under PostgreSQL's READ COMMITTED nothing here is newer than `current`: one statement
        if [row.version for row in logged] != list(range(version + 1, current + 1)):
            return None
        touched = Touched()
        for row in logged:
            touched.add(Touched.from_json(row.touched))
        return Changes(current, touched)

    @staticmethod
    def _administrators(session: Session, only: str | None = None) -> int:
        """How many users hold the fixed admin role, directly or through a group (of `only`: 0 or 1)."""
        role_id = select(Role.id).where(Role.name == FIXED_ROLE).scalar_subquery()
        direct = select(role_users.c.user_id).where(role_users.c.role_id == role_id)
        via_groups = (
            select(group_members.c.user_id)
            .join(role_groups, role_groups.c.group_id == group_members.c.group_id)
            .where(role_groups.c.role_id == role_id)
        )
        if only is not None:
            user_id = select(User.id).where(User.name == only).scalar_subquery()
            direct = direct.where(role_users.c.user_id == user_id)
            via_groups = via_groups.where(group_members.c.user_id == user_id)
        holders = direct.union(via_groups).subquery()
        return session.scalar(select(func.count()).select_from(holders)) or 0
