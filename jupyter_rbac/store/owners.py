"""Who started each kernel, terminal and session: the records `!user=` filters are judged by."""

from __future__ import annotations

from sqlalchemy import delete, select

from ..errors import InvalidInput
from .base import StoreBase
from .models import ResourceOwner

OWNED_KINDS = ("kernel", "terminal", "session")


class Owners(StoreBase):
    """The ownership part of `Store`. Not policy changes: no version bump, no audit (a kernel
    start is not an admin act)."""

    def set_owner(self, kind: str, resource_id: str, owner: str) -> None:
        if kind not in OWNED_KINDS:
            raise InvalidInput(f"unknown owned kind {kind!r}")
        with self._sessions.begin() as session:
            session.merge(ResourceOwner(kind=kind, resource_id=resource_id, owner=owner))

    def forget_owner(self, kind: str, resource_id: str) -> None:
        with self._sessions.begin() as session:
            session.execute(
                delete(ResourceOwner).where(
                    ResourceOwner.kind == kind, ResourceOwner.resource_id == resource_id
                )
            )

    def owners(self) -> dict[tuple[str, str], str]:
        with self._sessions() as session:
            rows = session.execute(
                select(ResourceOwner.kind, ResourceOwner.resource_id, ResourceOwner.owner)
            )
            return {(kind, rid): owner for kind, rid, owner in rows}
