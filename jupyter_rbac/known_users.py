"""The users a server keeps in memory: each one's record and compiled permissions, with the roles
and groups those were made from, so that a policy change forgets only the users it can affect.

Bounded (the most recently active users): a user beyond them is read and compiled again at their
next request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .caches import RecentlyUsed
from .model import Permissions, TokenLimitedPermissions
from .store import UserRecord


def role_key(role: str) -> str:
    return f"role:{role}"


def group_key(group: str) -> str:
    return f"group:{group}"


def record_depends_on(record: UserRecord | None) -> set[str]:
    """The names a user's record mentions: their roles, the roles of shares given to them, their
    groups. A role or group renamed or deleted makes the record stale."""
    if record is None:
        return set()
    return {
        *map(role_key, record.roles),
        *(role_key(share.role) for share in record.shares),
        *map(group_key, record.groups),
    }


@dataclass
class KnownUser:
    record: UserRecord | None
    depends_on: set[str]
    # by the identity source's grants (None: ours alone)
    permissions: dict[Any, Permissions] = field(default_factory=dict)
    # by (the token's scopes, the identity source's grants)
    token_permissions: dict[tuple, TokenLimitedPermissions] = field(default_factory=dict)

    def drop_compiled(self) -> None:
        self.permissions.clear()
        self.token_permissions.clear()


class KnownUsers:
    """At most `size` users, by name; `depending_on` finds those a role or group concerns without
    looking at the others (a change costs what it touches, not the number of users kept)."""

    def __init__(self, size: int):
        self._users: RecentlyUsed[str, KnownUser] = RecentlyUsed(size, self._unindex)
        self._dependents: dict[str, set[str]] = {}  # "role:R" / "group:G" -> user names

    def __len__(self) -> int:
        return len(self._users)

    @property
    def compiled(self) -> int:
        """How many of them have permissions compiled now."""
        return sum(1 for user in self._users.values() if user.permissions)

    def get(self, name: str) -> KnownUser | None:
        return self._users.get(name)

    def remember(self, name: str, record: UserRecord | None) -> KnownUser:
        self.forget(name)
        user = KnownUser(record, set())
        self._users.put(name, user)
        self.depend(name, user, record_depends_on(record))
        return user

    def depend(self, name: str, user: KnownUser, keys: Iterable[str]) -> None:
        """`name`'s permissions were also made from these (an identity source's roles, groups)."""
        for key in keys:
            if key not in user.depends_on:
                user.depends_on.add(key)
                self._dependents.setdefault(key, set()).add(name)

    def depending_on(self, keys: Iterable[str]) -> set[str]:
        return {name for key in keys for name in self._dependents.get(key, ())}

    def forget(self, name: str) -> None:
        user = self._users.pop(name)
        if user is not None:
            self._unindex(name, user)

    def drop_compiled(self, names: Iterable[str]) -> None:
        """Compile these users' permissions again at their next request (their records hold)."""
        for name in names:
            user = self._users.peek(name)
            if user is not None:
                user.drop_compiled()

    def clear(self) -> None:
        self._users.clear()
        self._dependents.clear()

    def _unindex(self, name: str, user: KnownUser) -> None:
        for key in user.depends_on:
            names = self._dependents.get(key)
            if names is not None:
                names.discard(name)
                if not names:
                    del self._dependents[key]
