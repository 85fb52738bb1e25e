"""Shares: a role given to one user or one group on one folder or file. Creating, changing,
removing and listing them; the policy reads a user's with their record (users.py) and every
group's with the snapshot (roles.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..errors import Conflict, NotFound
from .base import KEEP, check_revision
from .changes import PolicyChanges
from .models import Group, Role, Share, User, utcnow
from .records import ShareRecord, aware, iso


def share_rows() -> Select:
    """(Share, role name, user name, group name) rows: a share with the names it links."""
    recipient_user, recipient_group = aliased(User), aliased(Group)
    return (
        select(Share, Role.name, recipient_user.name, recipient_group.name)
        .join(Role, Role.id == Share.role_id)
        .outerjoin(recipient_user, recipient_user.id == Share.user_id)
        .outerjoin(recipient_group, recipient_group.id == Share.group_id)
    )


def share_record(share: Share, role: str, user: str | None, group: str | None) -> ShareRecord:
    return ShareRecord(
        id=share.id,
        path=share.path,
        is_folder=share.is_folder,
        role=role,
        user=user,
        group=group,
        created_by=share.created_by,
        created_at=aware(share.created_at),
        updated_at=aware(share.updated_at),
        expires_at=aware(share.expires_at),
        revision=share.revision,
    )


def _plain_share_rows() -> Select:
    """share_rows() as plain columns, read without the ORM (on the first request after a
    change): each row has a share's fields, and `role`, `user`, `group` names."""
    recipient_user, recipient_group = aliased(User), aliased(Group)
    return (
        select(
            *(Share.__table__.c[name] for name in _SHARE_FIELDS),
            Role.name.label("role"),
            recipient_user.name.label("user"),
            recipient_group.name.label("group"),
        )
        .join(Role, Role.id == Share.role_id)
        .outerjoin(recipient_user, recipient_user.id == Share.user_id)
        .outerjoin(recipient_group, recipient_group.id == Share.group_id)
    )


_SHARE_FIELDS = (
    "id",
    "path",
    "is_folder",
    "created_by",
    "created_at",
    "updated_at",
    "expires_at",
    "revision",
)
PLAIN_SHARE_ROWS = _plain_share_rows()


def plain_share_records(rows) -> list[ShareRecord]:
    return [share_record(row, row.role, row.user, row.group) for row in rows]


def read_shares(session: Session, statement: Select) -> list[ShareRecord]:
    return [share_record(*row) for row in session.execute(statement)]


def describe_recipient(user: str | None, group: str | None) -> dict[str, str]:
    return {"user": user} if user is not None else {"group": group or ""}


class Shares(PolicyChanges):
    """The shares part of `Store`."""

    def list_shares(
        self,
        path: str | None = None,
        user: str | None = None,
        group: str | None = None,
        groups: Iterable[str] = (),
    ) -> list[ShareRecord]:
        """Shares, by path then id; `path` picks those of one path, `user` those given to that
        user by name or to one of `groups` (theirs), `group` those given to that group."""
        statement = share_rows().order_by(Share.path, Share.id)
        if path is not None:
            statement = statement.where(Share.path == path)
        if user is not None:
            names = sorted(set(groups))
            recipients = [Share.user.has(User.name == user)]
            if names:
                recipients.append(Share.group.has(Group.name.in_(names)))
            statement = statement.where(or_(*recipients))
        if group is not None:
            statement = statement.where(Share.group.has(Group.name == group))
        with self._sessions() as session:
            return read_shares(session, statement)

    def count_shares(self, created_by: str) -> int:
        """How many shares `created_by` made (and nobody removed)."""
        with self._sessions() as session:
            return (
                session.scalar(
                    select(func.count()).select_from(Share).where(Share.created_by == created_by)
                )
                or 0
            )

    def get_share(self, share_id: int) -> ShareRecord:
        with self._sessions() as session:
            found = read_shares(session, share_rows().where(Share.id == share_id))
        if not found:
            raise NotFound(f"no share {share_id}")
        return found[0]

    def create_share(
        self,
        path: str,
        is_folder: bool,
        role: str,
        user: str | None = None,
        group: str | None = None,
        expires_at: datetime | None = None,
        actor: str = "system",
    ) -> ShareRecord:
        """Give `role` on `path` to `user` or `group` (exactly one). Conflict if they already
        have a share of that path."""
        detail = {
            "role": role,
            **describe_recipient(user, group),
            "type": "directory" if is_folder else "file",
            "expires_at": iso(expires_at),
        }
        with self._write(actor, "share.create", path, **detail) as session:
            recipient: dict[str, Any] = (
                {"user": self._ref(session, User, user, "user")}
                if user is not None
                else {"group": self._ref(session, Group, group, "group")}
            )
            existing = share_rows().where(Share.path == path)
            existing = existing.where(
                Share.user_id == recipient["user"].id
                if user is not None
                else Share.group_id == recipient["group"].id
            )
            if session.execute(existing).first() is not None:
                who = f"user {user!r}" if user is not None else f"group {group!r}"
                raise Conflict(f"{who} already has a share of {path!r}: change that one")
            now = utcnow()
            share = Share(
                path=path,
                is_folder=is_folder,
                role=self._ref(session, Role, role, "role"),
                created_by=actor,
                created_at=now,
                updated_at=now,
                expires_at=expires_at,
                **recipient,
            )
            session.add(share)
            session.flush()
            session.info["detail"]["id"] = share.id
            record = share_record(share, role, user, group)
        return record

    def update_share(
        self,
        share_id: int,
        role: str | None = None,
        expires_at: Any = KEEP,
        actor: str = "system",
        expected_revision: int | None = None,
    ) -> ShareRecord:
        """Change a share's role or expiry (None: it never expires). Nothing to change: nothing
        is written (no revision, no audit row)."""
        current = self.get_share(share_id)
        if (role is None or role == current.role) and (
            expires_at is KEEP or expires_at == current.expires_at
        ):
            check_revision(current, f"share {share_id}", expected_revision)
            return current
        detail = {"id": share_id, **describe_recipient(current.user, current.group)}
        with self._write(actor, "share.update", current.path, **detail) as session:
            share = session.get(Share, share_id)
            if share is None:
                raise NotFound(f"no share {share_id}")
            check_revision(share, f"share {share_id}", expected_revision)
            changes = session.info["detail"]
            if role is not None and role != current.role:
                share.role = self._ref(session, Role, role, "role")
                changes["role"] = {"before": current.role, "after": role}
            if expires_at is not KEEP and aware(share.expires_at) != expires_at:
                changes["expires_at"] = {"before": iso(share.expires_at), "after": iso(expires_at)}
                share.expires_at = expires_at
            share.updated_at = utcnow()
            session.flush()
            record = read_shares(session, share_rows().where(Share.id == share_id))[0]
        return record

    def delete_share(
        self, share_id: int, actor: str = "system", expected_revision: int | None = None
    ) -> ShareRecord:
        """Remove a share; the record as it was."""
        current = self.get_share(share_id)
        detail = {
            "id": share_id,
            "role": current.role,
            **describe_recipient(current.user, current.group),
        }
        with self._write(actor, "share.delete", current.path, **detail) as session:
            share = session.get(Share, share_id)
            if share is None:
                raise NotFound(f"no share {share_id}")
            check_revision(share, f"share {share_id}", expected_revision)
            session.delete(share)
        return current

    # -- for the policy ----------------------------------------------------------------------

    @staticmethod
    def _shares_of_groups(session: Session) -> dict[str, tuple[ShareRecord, ...]]:
        statement = share_rows().where(Share.group_id.is_not(None)).order_by(Share.id)
        by_group: dict[str, list[ShareRecord]] = {}
        for share in read_shares(session, statement):
            by_group.setdefault(share.group or "", []).append(share)
        return {group: tuple(shares) for group, shares in by_group.items()}
