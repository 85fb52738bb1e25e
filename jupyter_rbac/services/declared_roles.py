"""Roles declared in config (`c.RBAC.load_roles`, `c.RBAC.policy_file`) reconciled with the
database at every start, as JupyterHub's `load_roles`; and what config gave at an earlier start,
read back from the audit trail, so that it can be taken back when config stops giving it."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import InvalidInput
from ..model import Catalog
from ..model.defaults import FIXED_ROLE
from ..store import AuditRecord, RoleRecord, Store
from .role_specs import ROLE_FIELDS, DeclaredRole, check_role_spec
from .roles import MANAGED_BY_CONFIG

# The audit actor of what `load_roles` does at start: how its grants are told from others'.
CONFIG_ACTOR = "config"
# A role held by someone: (role, "users" or "groups", name).
Member = tuple[str, str, str]
MEMBER_KINDS = ("users", "groups")


@dataclass(frozen=True)
class TakenBack:
    """A role config gave at an earlier start and no longer gives, taken back at this one."""

    role: str
    kind: str  # "user" or "group"
    name: str

    def __str__(self) -> str:
        return (
            f"the configuration (c.RBAC.load_roles, c.RBAC.policy_file) no longer gives role"
            f" {self.role!r} to {self.kind} {self.name!r}, which it gave at an earlier start:"
            " taken back"
        )


def parse_declaration(spec: object, catalog: Catalog) -> DeclaredRole:
    """One `load_roles` entry, checked (by the one check of a role, role_specs)."""
    if not isinstance(spec, dict) or "name" not in spec:
        raise InvalidInput(f"load_roles: each role is a dict with at least a 'name', got {spec!r}")
    where = f"load_roles: role {spec['name']!r}"
    unknown = set(spec) - set(ROLE_FIELDS)
    if unknown:
        raise InvalidInput(f"{where} has unknown keys {sorted(unknown)}")
    return check_role_spec(spec, catalog, f"load_roles: roles[{spec['name']}]")


def reconcile_declared_roles(store: Store, declared: list[DeclaredRole]) -> list[TakenBack]:
    """Make the database hold what config declares, as JupyterHub's `load_roles` does.

    A role declared with `scopes` is created or updated and managed by config (read-only
    through the API). One declared without them (a default role, `admin`, or a role that
    exists) keeps its scopes and only gains members. Users and groups are created if missing
    and given the role. What config gave at an earlier start and no longer declares is taken
    back; roles config no longer defines become ordinary runtime roles. Every declaration is
    checked before anything is written. Returns what was taken back, for the log.
    """
    existing = {role.name: role for role in store.list_roles()}
    check_declarations(declared, existing)
    # read before this start's grants join the audit trail
    given_before = given_by_config(store)
    for role in declared:
        _create_members(store, role)
        if role.defines:
            _define_role(store, role, existing.get(role.name))
        _give_role(store, role, existing.get(role.name))
    taken_back = _take_back(store, given_before - _pairs_of(declared))
    defined = {role.name for role in declared if role.defines}
    for role in existing.values():
        if role.managed_by == MANAGED_BY_CONFIG and role.name not in defined:
            store.update_role(role.name, actor=CONFIG_ACTOR, managed_by=None)
    return taken_back


def _create_members(store: Store, role: DeclaredRole) -> None:
    for user in role.users:
        if not store.user_exists(user):
            store.create_user(user, actor=CONFIG_ACTOR)
    for group in role.groups:
        if not store.group_exists(group):
            store.create_group(group, actor=CONFIG_ACTOR)


def _define_role(store: Store, role: DeclaredRole, current: RoleRecord | None) -> None:
    """Create or update a role declared with scopes, and mark it as managed by config."""
    if current is None:
        store.create_role(
            role.name, role.scopes or [], role.description or "",
            actor=CONFIG_ACTOR, managed_by=MANAGED_BY_CONFIG,
        )  # fmt: skip
    elif (
        current.scopes != role.scopes
        or (role.description is not None and current.description != role.description)
        or current.managed_by != MANAGED_BY_CONFIG
    ):
        store.update_role(
            role.name, scopes=role.scopes, description=role.description,
            actor=CONFIG_ACTOR, managed_by=MANAGED_BY_CONFIG,
        )  # fmt: skip


def _give_role(store: Store, role: DeclaredRole, current: RoleRecord | None) -> None:
    """Give the role to its declared users and groups who do not hold it yet (only those:
    the audit trail then records what config gave, which is what config may take back)."""
    users = [u for u in role.users if current is None or u not in current.users]
    groups = [g for g in role.groups if current is None or g not in current.groups]
    if users or groups:
        store.assign_role(role.name, users=users, groups=groups, actor=CONFIG_ACTOR)


def _take_back(store: Store, stale: set[Member]) -> list[TakenBack]:
    """Take each role config gave and no longer declares from those who still hold it."""
    roles = {role.name: role for role in store.list_roles()}
    taken_back = []
    for role_name, kind, name in sorted(stale):
        role = roles.get(role_name)
        if role is None or name not in getattr(role, kind):
            continue
        store.unassign_role(role_name, actor=CONFIG_ACTOR, **{kind: [name]})
        taken_back.append(TakenBack(role_name, kind[:-1], name))
    return taken_back


def check_declarations(declared: list[DeclaredRole], existing: dict[str, RoleRecord]) -> None:
    """Refuse, before anything is written, what `load_roles` cannot do without a surprise."""
    counts = Counter(role.name for role in declared)
    for name, count in counts.items():
        if count > 1:
            raise InvalidInput(
                f"load_roles: role {name!r} is declared {count} times (c.RBAC.load_roles and"
                " c.RBAC.policy_file together): declare each role once"
            )
    for role in declared:
        _check_declaration(role, existing.get(role.name), existing)


def _check_declaration(role: DeclaredRole, current: RoleRecord | None, existing: dict) -> None:
    where = f"load_roles: role {role.name!r}"
    if role.name == FIXED_ROLE and current is not None:
        if role.scopes is not None and role.scopes != current.scopes:
            raise InvalidInput(
                f"load_roles: the {FIXED_ROLE!r} role's scopes cannot change (they are"
                f" {current.scopes}); to make someone an administrator, declare it without"
                f' scopes: {{"name": "{FIXED_ROLE}", "users": [...]}}'
            )
        if role.description is not None and role.description != current.description:
            raise InvalidInput(f"load_roles: the {FIXED_ROLE!r} role's description cannot change")
        return
    if role.scopes is not None:
        return
    if current is None:
        close = difflib.get_close_matches(role.name, existing, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InvalidInput(
            f"{where} is declared without scopes and there is no such role{hint}: a declaration"
            ' without scopes only gives an existing role; to create it, give its "scopes"'
            ' ("scopes": [] for a role that grants nothing)'
        )
    if role.description is not None and role.description != current.description:
        raise InvalidInput(
            f"{where} is declared with a description but without scopes: declare both to define"
            " the role, or neither to only give it to its users and groups"
        )


def _pairs_of(declared: list[DeclaredRole]) -> set[Member]:
    return {(r.name, "users", u) for r in declared for u in r.users} | {
        (r.name, "groups", g) for r in declared for g in r.groups
    }


def given_by_config(store: Store) -> set[Member]:
    """Who holds a role because config gave it, and nobody has taken or given it since.

    Read from the audit trail (every grant is a row there, config's with actor "config"), in
    order: config's `role.assign` adds; any other change of the same holding removes (a later
    grant by someone else makes the holding theirs). An import starts over.
    """
    if store.page_audit(limit=1, actor=CONFIG_ACTOR, action="role.assign").total == 0:
        return set()  # config never gave a role: nothing to replay
    events = sorted(
        (event for kind in ("role", "user", "group", "policy") for event in _audit_of(store, kind)),
        key=lambda event: event.id,
    )
    given: set[Member] = set()
    for event in events:
        _replay(given, event)
    return given


def _audit_of(store: Store, kind: str, batch: int = 1000) -> Iterable[AuditRecord]:
    before = None
    while True:
        page = store.page_audit(limit=batch, kind=kind, before=before)
        yield from page.items
        if len(page.items) < batch:
            return
        before = page.items[-1].id


def _replay(given: set[Member], event: AuditRecord) -> None:
    """Apply one audit row to the set of holdings config gave."""
    action, target, detail = event.action, event.target, event.detail
    if action == "policy.import":
        given.clear()
    elif action in ("role.create", "role.assign", "role.unassign", "role.update"):
        touched = {(target, k, name) for k in MEMBER_KINDS for name in _listed(detail.get(k))}
        if action == "role.assign" and event.actor == CONFIG_ACTOR:
            given |= touched
        else:
            given -= touched
    elif action == "role.delete":
        given -= {member for member in given if member[0] == target}
    elif action in ("user.create", "user.update", "group.create", "group.update"):
        kind = "users" if action.startswith("user.") else "groups"
        given -= {(role, kind, target) for role in _listed(detail.get("roles"))}
    elif action in ("user.delete", "group.delete"):
        kind = "users" if action.startswith("user.") else "groups"
        given -= {member for member in given if member[1:] == (kind, target)}


def _listed(value: object) -> list[str]:
    """Names in an audit detail: a list, or a change ({"added": [...], "removed": [...]})."""
    if isinstance(value, dict):
        return [*value.get("added", []), *value.get("removed", [])]
    return list(value) if isinstance(value, list) else []
