"""Roles declared in config (`c.RBAC.load_roles`, `c.RBAC.policy_file`) reconciled with the
database at every start, as JupyterHub's `load_roles`: the policy config wants is worked out here
and written by the import's one-transaction replace, which also records which roles config
defines and which holdings it gave (so that it can take them back when it stops giving them)."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from ..errors import InvalidInput
from ..model import Catalog
from ..model.defaults import FIXED_ROLE, redefined_field
from ..store import Store
from ..store.import_export import (
    Configured,
    GroupSpec,
    Holding,
    PolicyContents,
    RoleSpec,
    UserSpec,
    apply_configuration,
    holdings_of,
)
from .role_specs import ROLE_FIELDS, DeclaredRole, check_role_spec

# The audit actor of what `load_roles` does at start.
CONFIG_ACTOR = "config"
# The audit target of it (an import of what configuration declares).
SOURCE = "c.RBAC.load_roles"


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
    """Make the database hold what config declares, as JupyterHub's `load_roles` does, through
    the import's one-transaction replace (store.import_export.apply_configuration).

    A role declared with `scopes` is created or updated and managed by config (read-only
    through the API). One declared without them (a default role, `admin`, or a role that
    exists) keeps its scopes and only gains members. Users and groups are created if missing
    and given the role. What config gave at an earlier start and no longer declares is taken
    back; roles config no longer defines become ordinary runtime roles. Every declaration is
    checked before anything is written. Returns what was taken back, for the log.
    """
    taken_back: list[TakenBack] = []

    def reconcile(current: PolicyContents, configured: Configured):
        check_declarations(declared, current.roles)
        wanted, after, taken = wanted_by_configuration(current, configured, declared)
        taken_back[:] = taken
        return wanted, after

    apply_configuration(store, reconcile, CONFIG_ACTOR, SOURCE)
    return taken_back


def wanted_by_configuration(
    current: PolicyContents, configured: Configured, declared: list[DeclaredRole]
) -> tuple[PolicyContents, Configured, list[TakenBack]]:
    """The policy config wants, what it will manage in it, and what it takes back."""
    declared_grants = _holdings_declared(declared)
    held = holdings_of(current)
    stale = configured.grants - declared_grants
    # config's: what it gave before and still declares, and what it gives now for the first time
    # (a holding someone else gave stays theirs)
    grants = (configured.grants & declared_grants) | (declared_grants - held)
    users = dict(current.users)
    groups = dict(current.groups)
    for role in declared:
        for user in role.users:
            users.setdefault(user, UserSpec(user, user))
        for group in role.groups:
            groups.setdefault(group, GroupSpec(group, "", ()))
    roles = {
        **current.roles,
        **{role.name: _defined(role, current) for role in declared if role.defines},
    }
    holders: dict[str, dict[str, list[str]]] = {name: {"users": [], "groups": []} for name in roles}
    for role, kind, name in (held | declared_grants) - stale:
        holders[role][kind].append(name)
    wanted = PolicyContents(
        {name: _held_by(spec, holders[name]) for name, spec in roles.items()}, groups, users
    )
    managed = frozenset(role.name for role in declared if role.defines)
    taken = [TakenBack(role, kind[:-1], name) for role, kind, name in sorted(stale & held)]
    return wanted, Configured(managed, frozenset(grants)), taken


def _defined(role: DeclaredRole, current: PolicyContents) -> RoleSpec:
    """A role declared with scopes, as config defines it (its description kept if not given)."""
    before = current.roles.get(role.name)
    description = role.description
    if description is None:
        description = before.description if before is not None else ""
    return RoleSpec(role.name, description, tuple(role.scopes or ()), (), ())


def _held_by(role: RoleSpec, holders: dict[str, list[str]]) -> RoleSpec:
    users, groups = (tuple(sorted(holders[kind])) for kind in ("users", "groups"))
    return RoleSpec(role.name, role.description, role.scopes, users, groups)


def check_declarations(declared: list[DeclaredRole], existing: dict[str, RoleSpec]) -> None:
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


def _check_declaration(role: DeclaredRole, current: RoleSpec | None, existing: dict) -> None:
    where = f"load_roles: role {role.name!r}"
    if role.name == FIXED_ROLE and current is not None:
        field = redefined_field(current.scopes, current.description, role.scopes, role.description)
        if field == "scopes":
            raise InvalidInput(
                f"load_roles: the {FIXED_ROLE!r} role's scopes cannot change (they are"
                f" {list(current.scopes)}); to make someone an administrator, declare it without"
                f' scopes: {{"name": "{FIXED_ROLE}", "users": [...]}}'
            )
        if field is not None:
            raise InvalidInput(f"load_roles: the {FIXED_ROLE!r} role's {field} cannot change")
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


def _holdings_declared(declared: list[DeclaredRole]) -> set[Holding]:
    return {(r.name, "users", u) for r in declared for u in r.users} | {
        (r.name, "groups", g) for r in declared for g in r.groups
    }
