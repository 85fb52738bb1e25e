"""Plain-data records the store hands out: no SQLAlchemy objects leave the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from typing import Generic, TypeVar

T = TypeVar("T")


def aware(moment: datetime | None) -> datetime | None:
    """SQLite forgets time zones; every time we store is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def iso(moment: datetime | None) -> str | None:
    moment = aware(moment)
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class PolicySnapshot:
    """The shared part of the policy, read in one go: roles and what groups hold them.

    Per-user facts (their roles and groups) are read on demand, see `Store.user_record`, so the
    cost of a change does not grow with the number of users.
    """

    version: int
    roles: dict[str, tuple[str, ...]]
    group_roles: dict[str, frozenset[str]]
    # every group's shares (a user's own are in their UserRecord)
    group_shares: dict[str, tuple[ShareRecord, ...]] = field(default_factory=dict)
    # role -> the groups that hold it: group_roles the other way round
    role_groups: dict[str, set[str]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.role_groups:
            return  # carried over by `patched`
        for group, roles in self.group_roles.items():
            for role in roles:
                self.role_groups.setdefault(role, set()).add(group)

    def groups_holding(self, roles: Iterable[str]) -> set[str]:
        return {group for role in roles for group in self.role_groups.get(role, ())}

    def groups_sharing(self, roles: Iterable[str]) -> set[str]:
        """The groups given one of `roles` by a share (read through the groups with shares)."""
        roles = set(roles)
        return {
            group
            for group, shares in self.group_shares.items()
            if any(share.role in roles for share in shares)
        }

    def patched(self, part: PolicyPart, version: int) -> PolicySnapshot:
        """This snapshot with what `part` read anew (its roles and groups, as they are now) at
        `version`. Its work grows with the part, not the policy: the dictionaries are changed in
        place and shared with the result (the policy keeps one snapshot and drops the old)."""
        for role in part.touched_roles:
            if role in part.roles:
                self.roles[role] = part.roles[role]
            else:
                self.roles.pop(role, None)
            for group in self.role_groups.pop(role, set()):
                self._set_group_roles(group, self.group_roles.get(group, frozenset()) - {role})
            for group in part.role_groups.get(role, ()):
                self._set_group_roles(group, self.group_roles.get(group, frozenset()) | {role})
        for group in part.touched_groups:
            self._set_group_roles(group, part.group_roles.get(group, frozenset()))
            if part.group_shares.get(group):
                self.group_shares[group] = part.group_shares[group]
            else:
                self.group_shares.pop(group, None)
        return replace(self, version=version)

    def _set_group_roles(self, group: str, roles: frozenset[str]) -> None:
        for role in self.group_roles.get(group, frozenset()) - roles:
            self.role_groups.get(role, set()).discard(group)
        for role in roles:
            self.role_groups.setdefault(role, set()).add(group)
        if roles:
            self.group_roles[group] = roles
        else:
            self.group_roles.pop(group, None)


@dataclass(frozen=True)
class PolicyPart:
    """Some roles and groups of the policy, read anew: those a change touched."""

    touched_roles: frozenset[str]
    touched_groups: frozenset[str]
    roles: dict[str, tuple[str, ...]]  # what each touched role that exists grants
    role_groups: dict[str, frozenset[str]]  # which groups hold each touched role
    group_roles: dict[str, frozenset[str]]  # each touched group's roles
    group_shares: dict[str, tuple[ShareRecord, ...]]  # each touched group's shares
    existing_groups: frozenset[str] = frozenset()  # the touched groups that exist


@dataclass(frozen=True)
class UserRecord:
    """What the policy needs to know about a user."""

    name: str
    display_name: str
    roles: frozenset[str]
    groups: frozenset[str]
    avatar_url: str = ""
    color: str = ""
    session_epoch: int = 0
    shares: tuple[ShareRecord, ...] = ()  # given to them by name (their groups': the snapshot's)


@dataclass(frozen=True)
class ShareRecord:
    """A role given to one user or one group on one folder or file (`path`, an API path)."""

    id: int
    path: str
    is_folder: bool
    role: str
    user: str | None  # exactly one of user and group
    group: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None
    revision: int

    @property
    def name(self) -> str:
        return str(self.id)

    @property
    def etag(self) -> str:
        created = int(aware(self.created_at).timestamp() * 1_000_000)
        return f'"share.{self.id}.{created}.{self.revision}"'

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or _now())

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "path": self.path,
            "type": "directory" if self.is_folder else "file",
            "role": self.role,
            "user": self.user,
            "group": self.group,
            "shared_by": self.created_by,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "expires_at": iso(self.expires_at),
            "expired": self.expired(),
            "etag": self.etag,
        }


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class TokenIdentity:
    """Who a token speaks for, and which scopes it is limited to (None: all of the owner's)."""

    token_id: int
    username: str
    scopes: tuple[str, ...] | None
    one_time: bool
    expires_at: datetime | None = None
    created_by: str | None = None  # who made it (None: unknown, from before migration 0004)


@dataclass
class Versioned:
    """A record with an identity and a revision: together they make its ETag."""

    id: int
    revision: int
    created_at: datetime
    updated_at: datetime

    @property
    def etag(self) -> str:
        created = int(aware(self.created_at).timestamp() * 1_000_000)
        return f'"{self.id}.{created}.{self.revision}"'

    def to_json(self) -> dict:
        data = asdict(self)
        del data["id"]
        data["created_at"] = iso(self.created_at)
        data["updated_at"] = iso(self.updated_at)
        data["etag"] = self.etag
        return data


@dataclass
class RoleRecord(Versioned):
    name: str = ""
    description: str = ""
    scopes: list[str] = field(default_factory=list)
    builtin: bool = False
    managed_by: str | None = None
    users: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


@dataclass
class UserEntry(Versioned):
    """A user as the administration API shows them: direct roles and groups."""

    name: str = ""
    display_name: str = ""
    roles: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    avatar_url: str = ""
    color: str = ""
    password_set: bool = False
    last_seen_at: datetime | None = None  # their last request, to the activity resolution
    # every role they hold and how ("direct", "everyone", "group:NAME"): the service fills it
    held_roles: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict:
        # `username` is the login, as in jupyter_server's identity model; `name` is its deprecated
        # alias (0.2), kept for one release
        data = {"username": self.name, **super().to_json()}
        data["last_seen_at"] = iso(self.last_seen_at)
        return data


@dataclass
class GroupRecord(Versioned):
    name: str = ""
    description: str = ""
    members: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


@dataclass
class TokenRecord:
    """An API token as listed: never its secret."""

    id: int
    user: str
    note: str
    prefix: str
    scopes: list[str] | None
    one_time: bool
    created_at: datetime
    expires_at: datetime | None
    created_by: str | None = None  # who made it: its owner, someone else, "system", "cli:NAME"
    last_used_at: datetime | None = None  # its last request, to the activity resolution

    def to_json(self) -> dict:
        data = {"username": self.user, **asdict(self)}  # `user`: deprecated alias (0.2)
        for key in ("created_at", "expires_at", "last_used_at"):
            data[key] = iso(getattr(self, key))
        return data


@dataclass
class InvitationRecord:
    """A pending or used invitation, as listed: never its code. A sign-in link (`sign_in`) is
    for a user who exists, and gives no roles or groups."""

    id: int
    username: str
    display_name: str
    roles: list[str]
    groups: list[str]
    password_allowed: bool
    created_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    sign_in: bool = False

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        return "expired" if self.expires_at <= datetime.now(timezone.utc) else "pending"

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("created_at", "expires_at", "accepted_at"):
            data[key] = iso(getattr(self, key))
        data["state"] = self.state
        return data


@dataclass
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict

    @property
    def kind(self) -> str:
        return self.action.split(".", 1)[0]

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "at": iso(self.at),
            "actor": self.actor,
            "kind": self.kind,
            "action": self.action,
            "target": self.target,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and how many items the whole list has."""

    items: list[T]
    total: int
