"""The whole policy as one plain document: export it, and replace the policy by a checked one
(services/policy_document.py checks documents and is where callers import and export).

A document (its YAML form and rules are described in `jupyter_rbac/services/policy_file.py`):

    {"version": 1,
     "roles":  [{"name", "description", "scopes", "users", "groups"}, ...],
     "groups": [{"name", "description", "members"}, ...],
     "users":  [{"name", "display_name"}, ...],
     "shares": [{"path", "type", "role", "user" or "group", "shared_by", "expires_at"}, ...]}

Each assignment is written in one place only: who holds a role in the role's `users` and `groups`,
who belongs to a group in the group's `members`, who was given a role on a path in `shares`.
Tokens are never part of it.

The same replacement is how a start applies what the server's configuration declares
(`apply_configuration`): one way to make the database hold a wanted policy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from ..errors import Conflict
from ..model.defaults import FIXED_ROLE, redefined_field
from .bulk_writes import write_plan
from .models import CONFIGURATION, Group, Role, Share, User, role_groups, role_users
from .records import aware
from .repository import Store

FORMAT_VERSION = 1
SECTIONS = ("roles", "groups", "users")
# What an import may change besides SECTIONS: a document without it has no shares.
SHARES = "shares"


@dataclass(frozen=True)
class RoleSpec:
    name: str
    description: str
    scopes: tuple[str, ...]  # in the role's own order
    users: tuple[str, ...]  # sorted, as are groups and members
    groups: tuple[str, ...]

    def to_document(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "scopes": list(self.scopes),
            "users": list(self.users),
            "groups": list(self.groups),
        }


@dataclass(frozen=True)
class GroupSpec:
    name: str
    description: str
    members: tuple[str, ...]

    def to_document(self) -> dict:
        return {"name": self.name, "description": self.description, "members": list(self.members)}


@dataclass(frozen=True)
class UserSpec:
    name: str
    display_name: str

    def to_document(self) -> dict:
        return {"name": self.name, "display_name": self.display_name}


@dataclass(frozen=True)
class ShareSpec:
    path: str
    is_folder: bool
    role: str
    user: str | None  # exactly one of user and group
    group: str | None
    shared_by: str
    expires_at: datetime | None

    @property
    def key(self) -> str:
        """What names a share in a plan: its path and recipient (each holds one share of it)."""
        return f"{self.path} -> " + (f"user:{self.user}" if self.user else f"group:{self.group}")

    def to_document(self) -> dict:
        recipient = {"user": self.user} if self.user is not None else {"group": self.group}
        return {
            "path": self.path,
            "type": "directory" if self.is_folder else "file",
            "role": self.role,
            **recipient,
            "shared_by": self.shared_by,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }


@dataclass(frozen=True)
class PolicyContents:
    """Roles, groups, users and shares by name: a checked document, or what a database holds."""

    roles: dict[str, RoleSpec]
    groups: dict[str, GroupSpec]
    users: dict[str, UserSpec]
    # by ShareSpec.key; None: shares are not this change's business (configuration's roles)
    shares: dict[str, ShareSpec] | None = None

    def to_document(self) -> dict:
        """The document, every list sorted by name: the same policy always gives the same text."""
        document: dict = {"version": FORMAT_VERSION}
        for section in SECTIONS:
            entries = getattr(self, section)
            document[section] = [entries[name].to_document() for name in sorted(entries)]
        if self.shares is not None:
            document[SHARES] = [self.shares[key].to_document() for key in sorted(self.shares)]
        return document

    def administrators(self) -> set[str]:
        """Who holds the guarded role, directly or through a group."""
        role = self.roles.get(FIXED_ROLE)
        if role is None:
            return set()
        via_groups = (member for group in role.groups for member in self.groups[group].members)
        return {*role.users, *via_groups}


@dataclass(frozen=True)
class ChangeSet:
    """Names of one kind of record (sorted) that an import adds, removes and changes."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
        }


@dataclass(frozen=True)
class ImportPlan:
    """What an import changes. A record is changed if any of its fields or assignments is."""

    roles: ChangeSet
    groups: ChangeSet
    users: ChangeSet
    shares: ChangeSet = ChangeSet((), (), ())

    @property
    def empty(self) -> bool:
        return all(getattr(self, kind).empty for kind in (*SECTIONS, SHARES))

    def to_json(self) -> dict:
        return {kind: getattr(self, kind).to_json() for kind in (*SECTIONS, SHARES)}


# A holding: (role, "users" or "groups", name).
Holding = tuple[str, str, str]


@dataclass(frozen=True)
class Configured:
    """What the server's configuration manages in a policy: the roles it defines (their scopes
    and description are its own) and the holdings it gave (it takes back what it stops giving)."""

    roles: frozenset[str] = frozenset()
    grants: frozenset[Holding] = frozenset()


# Given the policy and what configuration manages, both as they should become.
Reconcile = Callable[[PolicyContents, Configured], tuple[PolicyContents, Configured]]


def holdings_of(contents: PolicyContents) -> set[Holding]:
    """Who holds each role directly (users and groups), as holdings."""
    return {
        (role.name, kind, name)
        for role in contents.roles.values()
        for kind in ("users", "groups")
        for name in getattr(role, kind)
    }


# -- export ------------------------------------------------------------------------------------


def export_policy(store: Store) -> dict:
    """The whole policy (without tokens), read in one transaction."""
    with store._sessions() as session, session.begin():
        _snapshot_reads(session)
        return _contents(_Loaded.read(session)).to_document()


def _snapshot_reads(session: Session) -> None:
    """Make every read of this transaction see one moment. SQLite's BEGIN already does;
    PostgreSQL's default (READ COMMITTED) would let a concurrent change in between two reads."""
    if session.get_bind().dialect.name != "sqlite":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


# -- import ------------------------------------------------------------------------------------


def plan_replacement(store: Store, wanted: PolicyContents) -> ImportPlan:
    """What `replace_policy` would change, refused as it would be, without writing anything."""
    with store._sessions() as session, session.begin():
        _snapshot_reads(session)
        loaded = _Loaded.read(session)
        return _plan(loaded, _with_kept_roles(loaded, wanted))


def replace_policy(store: Store, wanted: PolicyContents, actor: str, source: str) -> ImportPlan:
    """Replace the policy with `wanted` (a checked document), in one transaction.

    Roles, groups, users and every assignment become exactly the document's. Default roles and
    roles managed by the server's configuration that the document leaves out are kept, held by
    nobody. The `admin` role cannot change (only who holds it), nor can a config-managed role
    (ditto), and someone must hold `admin` afterwards. Users removed lose their tokens. Every
    holding becomes the importer's: configuration takes back none of them at a later start.
    """
    with store._write(actor, "policy.import", source) as session:
        loaded = _Loaded.read(session)
        wanted = _with_kept_roles(loaded, wanted)
        plan = _plan(loaded, wanted)
        _apply(session, loaded, wanted, plan)
        _mark_configured(session, wanted, None)
        session.info["detail"].update(plan.to_json())
    return plan


class _Unchanged(Exception):
    """Raised inside a write to roll it back: it would change nothing."""


def apply_configuration(
    store: Store, reconcile: Reconcile, actor: str, source: str
) -> ImportPlan | None:
    """Make the policy what the server's configuration wants, in one transaction, as an import.

    `reconcile` is given the policy and what configuration manages, as this transaction reads
    them, and returns both as they should be; it may raise to refuse. The rules of
    `replace_policy` hold, except that configuration changes the roles it manages, and `admin`
    must keep a holder only if it had one. Nothing is written (None) when nothing would change.
    """
    try:
        with store._write(actor, "policy.import", source) as session:
            loaded = _Loaded.read(session)
            before, current = _configured(session, loaded), _contents(loaded)
            wanted, configured = reconcile(current, before)
            plan = _plan(loaded, wanted, by_configuration=True)
            if plan.empty and configured == before:
                raise _Unchanged
            _apply(session, loaded, wanted, plan)
            _mark_configured(session, wanted, configured)
            session.info["detail"].update(plan.to_json())
            session.info["detail"]["holdings"] = _holding_changes(current, wanted)
    except _Unchanged:
        return None
    return plan


@dataclass
class _Loaded:
    """The policy's rows, with their assignments, as ORM objects of one session."""

    roles: dict[str, Role]
    groups: dict[str, Group]
    users: dict[str, User]
    shares: dict[str, tuple[Share, ShareSpec]]

    @classmethod
    def read(cls, session: Session) -> _Loaded:
        roles = session.scalars(
            select(Role).options(selectinload(Role.users), selectinload(Role.groups))
        )
        groups = session.scalars(select(Group).options(selectinload(Group.members)))
        users = session.scalars(select(User))
        shares = session.scalars(
            select(Share).options(
                selectinload(Share.role), selectinload(Share.user), selectinload(Share.group)
            )
        )
        specs = [(share, _share_spec(share)) for share in shares]
        return cls(
            {r.name: r for r in roles},
            {g.name: g for g in groups},
            {u.name: u for u in users},
            {spec.key: (share, spec) for share, spec in specs},
        )

    def kept(self, role: str) -> bool:
        """A role an import never deletes: a default one, or one the configuration declares."""
        record = self.roles[role]
        return record.builtin or record.managed_by is not None


def _contents(loaded: _Loaded) -> PolicyContents:
    return PolicyContents(
        roles={
            name: RoleSpec(
                name, r.description, tuple(r.scopes), _sorted(r.users), _sorted(r.groups)
            )
            for name, r in loaded.roles.items()
        },
        groups={
            name: GroupSpec(name, g.description, _sorted(g.members))
            for name, g in loaded.groups.items()
        },
        users={name: UserSpec(name, u.display_name) for name, u in loaded.users.items()},
        shares={key: spec for key, (_, spec) in loaded.shares.items()},
    )


def _share_spec(share: Share) -> ShareSpec:
    return ShareSpec(
        share.path,
        share.is_folder,
        share.role.name,
        share.user.name if share.user is not None else None,
        share.group.name if share.group is not None else None,
        share.created_by,
        aware(share.expires_at),
    )


def _sorted(records: Iterable[Role | Group | User]) -> tuple[str, ...]:
    return tuple(sorted(record.name for record in records))


def _with_kept_roles(loaded: _Loaded, wanted: PolicyContents) -> PolicyContents:
    """The document's policy plus the kept roles it leaves out (as they are, held by nobody)."""
    kept = {
        name: RoleSpec(name, role.description, tuple(role.scopes), (), ())
        for name, role in loaded.roles.items()
        if name not in wanted.roles and loaded.kept(name)
    }
    return PolicyContents({**wanted.roles, **kept}, wanted.groups, wanted.users, wanted.shares)


def _plan(loaded: _Loaded, wanted: PolicyContents, by_configuration: bool = False) -> ImportPlan:
    """What changes from `loaded` to `wanted`; Conflict if the rules forbid it."""
    current = _contents(loaded)
    _check_fixed_roles(loaded, current, wanted, by_configuration)
    # an import must leave an administrator; configuration must not take the last one away
    must_keep_one = not by_configuration or current.administrators()
    if must_keep_one and not wanted.administrators():
        raise Conflict(f"refused: the policy would leave nobody with the {FIXED_ROLE!r} role")
    before, after = _views(current), _views(wanted)
    changes = {kind: _diff(before[kind], after[kind]) for kind in SECTIONS}
    if wanted.shares is not None:
        changes[SHARES] = _diff(
            {key: (spec,) for key, spec in (current.shares or {}).items()},
            {key: (spec,) for key, spec in wanted.shares.items()},
        )
    return ImportPlan(**changes)


def _check_fixed_roles(
    loaded: _Loaded, current: PolicyContents, wanted: PolicyContents, by_configuration: bool
) -> None:
    """`admin` keeps what it means (model.defaults.redefined_field); a config-managed role keeps
    its scopes and description, which configuration would restore at the next start, unless
    configuration itself changes them."""
    for name, role in wanted.roles.items():
        before = current.roles.get(name)
        if before is None:
            continue
        if name == FIXED_ROLE:
            field = redefined_field(
                before.scopes, before.description, role.scopes, role.description
            )
            if field is not None:
                raise Conflict(
                    f"roles[{name}].{field}: the {name!r} role's {field} cannot change"
                    f" (they are {list(before.scopes)}); only who holds it can"
                    if field == "scopes"
                    else f"roles[{name}].{field}: the {name!r} role's {field} cannot change;"
                    " only who holds it can"
                )
        managed = not by_configuration and loaded.roles[name].managed_by is not None
        if managed and (role.scopes, role.description) != (before.scopes, before.description):
            raise Conflict(
                f"roles[{name}]: managed by the server's configuration (c.RBAC.load_roles or"
                " c.RBAC.policy_file): change its scopes and description there"
            )


def _views(contents: PolicyContents) -> dict[str, dict[str, tuple]]:
    """Each record with all its fields and assignments, seen from its own side."""
    roles_of: dict[str, list[str]] = {}
    groups_of: dict[str, list[str]] = {}
    for role in contents.roles.values():
        for holder in (*role.users, *(f"group:{g}" for g in role.groups)):
            roles_of.setdefault(holder, []).append(role.name)
    for group in contents.groups.values():
        for member in group.members:
            groups_of.setdefault(member, []).append(group.name)
    return {
        "roles": {name: (role,) for name, role in contents.roles.items()},
        "groups": {
            name: (group, sorted(roles_of.get(f"group:{name}", [])))
            for name, group in contents.groups.items()
        },
        "users": {
            name: (user, sorted(roles_of.get(name, [])), sorted(groups_of.get(name, [])))
            for name, user in contents.users.items()
        },
    }


def _diff(before: dict[str, tuple], after: dict[str, tuple]) -> ChangeSet:
    return ChangeSet(
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(
            sorted(name for name in before.keys() & after.keys() if before[name] != after[name])
        ),
    )


def _apply(session: Session, loaded: _Loaded, wanted: PolicyContents, plan: ImportPlan) -> None:
    """Make the session's rows `wanted` (bulk_writes.py), as `plan` says."""
    share_ids = {key: share.id for key, (share, _) in loaded.shares.items()}
    write_plan(session, wanted, plan, share_ids)


# -- what configuration manages ----------------------------------------------------------------


def _configured(session: Session, loaded: _Loaded) -> Configured:
    roles = frozenset(name for name, role in loaded.roles.items() if role.managed_by)
    grants: set[Holding] = set()
    for kind, table, member_column, member in (
        ("users", role_users, role_users.c.user_id, User),
        ("groups", role_groups, role_groups.c.group_id, Group),
    ):
        rows = session.execute(
            select(Role.name, member.name)
            .join(table, table.c.role_id == Role.id)
            .join(member, member.id == member_column)
            .where(table.c.given_by == CONFIGURATION)
        )
        grants.update((role, kind, name) for role, name in rows)
    return Configured(roles, frozenset(grants))


def _mark_configured(
    session: Session, wanted: PolicyContents, configured: Configured | None
) -> None:
    """Record what configuration manages (None: nothing, after an import). Run after `_apply`."""
    session.flush()  # the holdings and roles `_apply` made have rows now
    grants = configured.grants if configured is not None else frozenset()
    if configured is not None:  # an import keeps which roles configuration manages
        for role in session.scalars(select(Role).where(Role.name.in_(list(wanted.roles)))):
            managed_by = CONFIGURATION if role.name in configured.roles else None
            if role.managed_by != managed_by:
                role.managed_by = managed_by
    for table in (role_users, role_groups):
        session.execute(update(table).where(table.c.given_by.is_not(None)).values(given_by=None))
    for role, kind, name in sorted(grants):
        table, member_column, member = (
            (role_users, role_users.c.user_id, User)
            if kind == "users"
            else (role_groups, role_groups.c.group_id, Group)
        )
        session.execute(
            update(table)
            .where(
                table.c.role_id == select(Role.id).where(Role.name == role).scalar_subquery(),
                member_column == select(member.id).where(member.name == name).scalar_subquery(),
            )
            .values(given_by=CONFIGURATION)
        )


def _holding_changes(before: PolicyContents, after: PolicyContents) -> dict:
    """Who was given and who lost a role, for the audit row: [{"role", "user" or "group"}]."""

    def listed(holdings: set[Holding]) -> list[dict]:
        return [{"role": role, kind[:-1]: name} for role, kind, name in sorted(holdings)]

    held_before, held_after = holdings_of(before), holdings_of(after)
    return {"given": listed(held_after - held_before), "taken": listed(held_before - held_after)}
