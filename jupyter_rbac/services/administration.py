"""Use cases over the store: who may change what, and the rules every change obeys.

The REST handlers and the `jupyter rbac` command line both go through here, so the rules hold
whichever way a change arrives:
- the caller needs the scope for the change (`write:roles`, `write:users!user=...`, ...);
- nobody grants a scope they do not hold (in a role, an assignment, a membership or a token);
- every change of who holds a role or who is in a group passes one gate (`_require_may_move`):
  write access to each user and group it touches, as the policy stands before the change;
- nobody changes, strips or deletes a role unless they hold every scope it grants now;
- default roles cannot be deleted, `admin` cannot be edited, config-managed roles are read-only;
- the last administrator cannot go, and an administrator cannot demote themselves
  (enforced by the store inside each transaction).
"""

from __future__ import annotations

import difflib
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from tornado.log import app_log

from ..model.defaults import DEFAULT_GROUPS, DEFAULT_ROLES, EARLIER_GROUPS, FIXED_ROLE
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..limits import (
    MAX_DESCRIPTION,
    MAX_DISPLAY_NAME,
    MAX_MEMBERS,
    MAX_SCOPES,
    MAX_TOKEN_LIFETIME,
    MAX_TOKEN_NOTE,
)
from ..model.paths import PathError, normalize_path
from ..policy import Decision, Policy, Question
from ..model.scopes import (
    ACTIONS,
    UNRESTRICTED,
    Catalog,
    FilteredGrant,
    Permissions,
    ScopeError,
    TokenLimitedPermissions,
)
from ..store import (
    AuditRecord,
    GroupRecord,
    Page,
    RoleRecord,
    Store,
    TokenRecord,
    UserEntry,
    check_name,
)
from ..store.repository import check_text

MANAGED_BY_CONFIG = "config"
# The audit actor of what `load_roles` does at start: how its grants are told from others'.
CONFIG_ACTOR = "config"
# The audit actor of what a start changes in a policy an earlier version made.
UPGRADE_ACTOR = "jupyter-rbac upgrade"
# A role held by someone: (role, "users" or "groups", name).
Member = tuple[str, str, str]
MEMBER_KINDS = ("users", "groups")


@dataclass(frozen=True)
class DeclaredRole:
    """One `load_roles` entry. `scopes` None: declared without scopes, it only gives members."""

    name: str
    scopes: list[str] | None
    description: str | None
    users: list[str]
    groups: list[str]

    @property
    def defines(self) -> bool:
        """Does config define what this role means (its scopes)? Never `admin`'s: they are fixed."""
        return self.scopes is not None and self.name != FIXED_ROLE


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


@dataclass(frozen=True)
class FirstAdmin:
    """The administrator created on an empty database, with their one-time login token."""

    username: str
    login_token: str


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, and with which permissions (a token's, if it is limited)."""

    name: str
    permissions: Any  # Permissions | TokenLimitedPermissions

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """Someone with every permission: start-up, config, and the shell (which owns the database)."""
        return cls(name, Permissions(is_all=True, scopes=frozenset({"all"})))


@dataclass(frozen=True)
class Listing:
    """Paging and sorting of a list request."""

    limit: int = 100
    offset: int = 0
    sort: str = "name"
    query: str = ""


@dataclass(frozen=True)
class Move:
    """One change of who holds what, judged by `RBACService._require_may_move` whichever endpoint
    it came through (users, groups, roles, invitations)."""

    why: str  # what the change does, for the refusal: "adding members to group 'class'"
    users: Sequence[str] = ()  # users put into or taken out of a group or role
    groups: Sequence[str] = ()  # groups whose members or roles change
    roles: Sequence[str] = ()  # roles given to or taken from someone directly
    gains: Sequence[str] = ()  # roles whose scopes someone gains
    joins: Sequence[str] = ()  # groups someone joins (gaining their roles' scopes)


@dataclass
class Changes:
    """The fields of a PATCH (or a PUT, where every field is given). None: leave as it is."""

    description: str | None = None
    display_name: str | None = None
    scopes: list[str] | None = None
    users: list[str] | None = None
    groups: list[str] | None = None
    members: list[str] | None = None
    roles: list[str] | None = None
    expected_revision: int | None = None


class RBACService:
    def __init__(self, store: Store, catalog: Catalog, policy: Policy | None = None):
        self.store = store
        self.catalog = catalog
        self._policy = policy

    @property
    def policy(self) -> Policy:
        """The server passes its live policy; the shell gets one of its own, made when needed."""
        if self._policy is None:
            self._policy = Policy(self.store, self.catalog)
        return self._policy

    # -- start-up ------------------------------------------------------------------------------

    def ensure_defaults(self, log: logging.Logger = app_log, groups: bool = True) -> None:
        """Create the shipped roles that are missing; keep the fixed admin role exact.

        A shipped group is created with its role, when that role is (a new policy, or a role new
        in this version): a group an administrator deleted stays deleted. With `groups=False`
        (under JupyterHub, whose groups are the groups) none is created. A shipped group whose
        role is new in this version (a database an earlier version made) moves to that role if
        it still holds exactly what the earlier version gave it.
        """
        existing = {role.name: role for role in self.store.list_roles()}
        for role in DEFAULT_ROLES:
            current = existing.get(role.name)
            if current is None:
                self.store.create_role(role.name, role.scopes, role.description, builtin=True)
            elif role.name == FIXED_ROLE and current.scopes != list(role.scopes):
                self.store.update_role(role.name, scopes=role.scopes)
        for group, (description, role) in DEFAULT_GROUPS.items():
            if role in existing or not groups:
                continue
            if not self.store.group_exists(group):
                self.store.create_group(group, description)
                self.store.assign_role(role, groups=[group])
            elif group in EARLIER_GROUPS:
                # the role was created just now: this is the first start of this version
                self._move_earlier_group(group, log)

    def _move_earlier_group(self, group: str, log: logging.Logger) -> None:
        """Move a shipped group from the role an earlier version gave it to its own, once, with
        an audit row by UPGRADE_ACTOR; a group an administrator changed keeps what it has."""
        old_description, old_role = EARLIER_GROUPS[group]
        description, role = DEFAULT_GROUPS[group]
        current = self.store.get_group(group)
        if current.roles != [old_role]:
            log.warning(
                "jupyter-rbac: group %r keeps its roles %s, changed since an earlier version gave it"
                " %r; the shipped role %r is there to give it by hand",
                group, current.roles, old_role, role,
            )  # fmt: skip
            return
        self.store.update_group(
            group,
            description=description if current.description == old_description else None,
            roles=[role],
            actor=UPGRADE_ACTOR,
        )
        log.warning(
            "jupyter-rbac: group %r now holds the shipped role %r instead of %r (own home and"
            " groups' folders only; audited as %r)",
            group, role, old_role, UPGRADE_ACTOR,
        )  # fmt: skip

    def load_roles(self, roles: Iterable[dict]) -> list[TakenBack]:
        """Reconcile roles declared in config with the database, as JupyterHub's `load_roles`.

        A role declared with `scopes` is created or updated and managed by config (read-only
        through the API). One declared without them (a default role, `admin`, or a role that
        exists) keeps its scopes and only gains members. Users and groups are created if missing
        and given the role. What config gave at an earlier start and no longer declares is taken
        back; roles config no longer defines become ordinary runtime roles. Every declaration is
        checked before anything is written. Returns what was taken back, for the log.
        """
        declared = [self._parse_role_spec(spec) for spec in roles]
        existing = {role.name: role for role in self.store.list_roles()}
        _check_declarations(declared, existing)
        # read before this start's grants join the audit trail
        given_before = _given_by_config(self.store)
        for role in declared:
            self._create_members(role)
            if role.defines:
                self._define_role(role, existing.get(role.name))
            self._give_role(role, existing.get(role.name))
        taken_back = self._take_back(given_before - _pairs_of(declared))
        defined = {role.name for role in declared if role.defines}
        for role in existing.values():
            if role.managed_by == MANAGED_BY_CONFIG and role.name not in defined:
                self.store.update_role(role.name, actor=CONFIG_ACTOR, managed_by=None)
        return taken_back

    def _create_members(self, role: DeclaredRole) -> None:
        for user in role.users:
            if not self.store.user_exists(user):
                self.store.create_user(user, actor=CONFIG_ACTOR)
        for group in role.groups:
            if not self.store.group_exists(group):
                self.store.create_group(group, actor=CONFIG_ACTOR)

    def _define_role(self, role: DeclaredRole, current: RoleRecord | None) -> None:
        """Create or update a role declared with scopes, and mark it as managed by config."""
        if current is None:
            self.store.create_role(
                role.name, role.scopes or [], role.description or "",
                actor=CONFIG_ACTOR, managed_by=MANAGED_BY_CONFIG,
            )  # fmt: skip
        elif (
            current.scopes != role.scopes
            or (role.description is not None and current.description != role.description)
            or current.managed_by != MANAGED_BY_CONFIG
        ):
            self.store.update_role(
                role.name, scopes=role.scopes, description=role.description,
                actor=CONFIG_ACTOR, managed_by=MANAGED_BY_CONFIG,
            )  # fmt: skip

    def _give_role(self, role: DeclaredRole, current: RoleRecord | None) -> None:
        """Give the role to its declared users and groups who do not hold it yet (only those:
        the audit trail then records what config gave, which is what config may take back)."""
        users = [u for u in role.users if current is None or u not in current.users]
        groups = [g for g in role.groups if current is None or g not in current.groups]
        if users or groups:
            self.store.assign_role(role.name, users=users, groups=groups, actor=CONFIG_ACTOR)

    def _take_back(self, stale: set[Member]) -> list[TakenBack]:
        """Take each role config gave and no longer declares from those who still hold it."""
        roles = {role.name: role for role in self.store.list_roles()}
        taken_back = []
        for role_name, kind, name in sorted(stale):
            role = roles.get(role_name)
            if role is None or name not in getattr(role, kind):
                continue
            self.store.unassign_role(role_name, actor=CONFIG_ACTOR, **{kind: [name]})
            taken_back.append(TakenBack(role_name, kind[:-1], name))
        return taken_back

    def _parse_role_spec(self, spec: object) -> DeclaredRole:
        if not isinstance(spec, dict) or "name" not in spec:
            raise InvalidInput(
                f"load_roles: each role is a dict with at least a 'name', got {spec!r}"
            )
        where = f"load_roles: role {spec['name']!r}"
        unknown = set(spec) - {"name", "description", "scopes", "users", "groups"}
        if unknown:
            raise InvalidInput(f"{where} has unknown keys {sorted(unknown)}")
        check_name("role", spec["name"])
        description = spec.get("description")
        if description is not None:
            try:
                description = _description(description)
            except InvalidInput as error:
                raise InvalidInput(f"{where}: {error.message}") from error
        return DeclaredRole(
            spec["name"],
            self.validate_scopes(spec["scopes"], where) if "scopes" in spec else None,
            description,
            _names(spec.get("users", []), "user", f"{where}: users"),
            _names(spec.get("groups", []), "group", f"{where}: groups"),
        )

    def bootstrap_first_admin(self, username: str) -> FirstAdmin | None:
        """On an empty database, create the first administrator and a one-time login token."""
        if self.store.count_users() > 0:
            return None
        self.store.create_user(username)
        self.store.assign_role(FIXED_ROLE, users=[username])
        _, token = self.store.create_token(
            username,
            note="one-time login link printed at first start",
            one_time=True,
            expires_at=datetime.now(timezone.utc) + timedelta(days=1),
        )
        return FirstAdmin(username, token)

    # -- scopes --------------------------------------------------------------------------------

    def validate_scopes(self, scopes: object, where: str = "scopes") -> list[str]:
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise InvalidInput(f"{where}: scopes must be a list of strings")
        if len(scopes) > MAX_SCOPES:
            raise InvalidInput(f"{where}: at most {MAX_SCOPES} scopes")
        try:
            return list(dict.fromkeys(self.catalog.validate(scopes)))
        except ScopeError as error:
            raise InvalidInput(f"{where}: {error}") from error

    # -- permission checks ---------------------------------------------------------------------

    def require(self, actor: Actor, action: str, resource: str, user: str | None = None, group: str | None = None) -> None:
        """Raise Forbidden (naming the missing scope) unless `actor` may do this."""
        if self.may(actor, action, resource, user=user, group=group):
            return
        if user is not None:
            missing = f"{action}:{resource}!user={user}"
        elif group is not None:
            missing = f"{action}:{resource}!group={group}"
        else:
            missing = f"{action}:{resource}"
        raise Forbidden(f"Forbidden: you need the scope {missing}", missing_scope=missing)

    def may(self, actor: Actor, action: str, resource: str, user: str | None = None, group: str | None = None) -> bool:
        permissions = actor.permissions
        if permissions.allows(action, resource):
            return True
        if user is not None:
            return permissions.allows_object(action, resource, owner=user, owner_groups=self.policy.groups_of(user))
        if group is not None:
            return permissions.allows_object(action, resource, owner_groups=(group,))
        return False

    def _require_visible(self, actor: Actor, resource: str, user: str | None = None, group: str | None = None) -> None:
        """Reading one object: no read scope at all is a 403; a scope for other objects only is a 404
        (the answer must not tell whether an object you may not see exists)."""
        if not actor.permissions.allows_some("read", resource):
            self.require(actor, "read", resource)
        if not self.may(actor, "read", resource, user=user, group=group):
            what = f"user named {user!r}" if user is not None else f"group named {group!r}"
            raise NotFound(f"no {what}")

    def _require_held(self, actor: Actor, scopes: Iterable[str], why: str) -> None:
        """No escalation: `actor` must hold every scope they hand out."""
        missing = self._first_not_held(actor, scopes)
        if missing is not None:
            raise Forbidden(
                f"Forbidden: {why} grants {missing!r}, which you do not hold yourself", missing_scope=missing
            )

    def _first_not_held(self, actor: Actor, scopes: Iterable[str]) -> str | None:
        for text in scopes:
            if not actor.permissions.covers(self.catalog.parse(text)):
                return text
        return None

    def _require_may_move(self, actor: Actor, move: Move) -> None:
        """The one gate of every membership change: a user into or out of a group, a role to or
        from a user or group, through any endpoint.

        Write access to each user and group touched is judged by the policy before the change, so
        nobody widens their own `!group=` scopes by moving someone into their group (F4). A role
        given or taken directly needs `write:roles` and every scope it grants now; whatever
        someone gains, the actor must hold.
        """
        if move.roles:
            self.require(actor, "write", "roles")
        for user in dict.fromkeys(move.users):
            self.require(actor, "write", "users", user=user)
        for group in dict.fromkeys(move.groups):
            self.require(actor, "write", "groups", group=group)
        gained = self._scopes_of_roles(move.gains) + self._scopes_of_groups(move.joins)
        self._require_held(actor, gained, move.why)
        for role in dict.fromkeys(move.roles):
            self._require_whole_role(actor, role)

    def _require_whole_role(self, actor: Actor, role: str) -> None:
        """Nobody rewrites, strips or deletes what they could not grant: the actor holds every
        scope the role grants now. Everyone holds the `user` role, and its scopes through it, so
        holding them proves nothing: changing it changes every user, and needs `write:users`."""
        if role == self.policy.everyone_role:
            self.require(actor, "write", "users")
        missing = self._first_not_held(actor, self.store.snapshot().roles.get(role, ()))
        if missing is not None:
            raise Forbidden(
                f"Forbidden: role {role!r} grants {missing!r}, which you do not hold yourself: only"
                " someone who holds every scope of a role may change it, delete it, or give or take it",
                missing_scope=missing,
            )

    def _scopes_of_roles(self, roles: Iterable[str], field_name: str = "roles") -> list[str]:
        """Every scope of these roles (the roles are named in the request's `field_name`)."""
        known = self.store.snapshot().roles
        scopes: list[str] = []
        for role in roles:
            if role not in known:
                raise InvalidInput(f"{field_name}: no role named {role!r}")
            scopes.extend(known[role])
        return scopes

    def _scopes_of_groups(self, groups: Iterable[str]) -> list[str]:
        roles: list[str] = []
        for group in groups:
            try:
                roles.extend(self.store.get_group(group).roles)
            except NotFound:
                raise InvalidInput(f"groups: no group named {group!r}") from None
        return self._scopes_of_roles(roles)

    # -- roles ---------------------------------------------------------------------------------

    def list_roles(self, actor: Actor, listing: Listing) -> Page[RoleRecord]:
        self.require(actor, "read", "roles")
        return self.store.page_roles(listing.limit, listing.offset, listing.sort, listing.query)

    def get_role(self, actor: Actor, name: str) -> RoleRecord:
        self.require(actor, "read", "roles")
        return self.store.get_role(name)

    def create_role(
        self,
        actor: Actor,
        name: str,
        scopes: object,
        description: str = "",
        users: Iterable[str] = (),
        groups: Iterable[str] = (),
    ) -> RoleRecord:
        self.require(actor, "write", "roles")
        check_name("role", name)
        scopes = self.validate_scopes(scopes)
        self._require_held(actor, scopes, f"role {name!r}")
        users, groups = list(users), list(groups)
        self._require_may_move(actor, Move(f"giving role {name!r}", users=users, groups=groups))
        return self.store.create_role(
            name, scopes, _description(description), actor=actor.name, users=users, groups=groups
        )

    def update_role(self, actor: Actor, name: str, changes: Changes) -> RoleRecord:
        self.require(actor, "write", "roles")
        current = self.store.get_role(name)
        scopes = self.validate_scopes(changes.scopes) if changes.scopes is not None else None
        redefined = (scopes is not None and scopes != current.scopes) or (
            changes.description is not None and changes.description != current.description
        )
        # Who holds a role can always change; what a config-managed or the admin role means cannot.
        if redefined and current.managed_by == MANAGED_BY_CONFIG:
            raise Conflict(
                f"role {name!r} is managed by the server's configuration (c.RBAC.load_roles or the policy"
                " file): change its scopes and description there"
            )
        if redefined and name == FIXED_ROLE:
            raise Conflict(f"the {FIXED_ROLE!r} role cannot be edited (only who holds it)")
        new_scopes = scopes if scopes is not None else current.scopes
        added = [s for s in new_scopes if s not in current.scopes]
        self._require_held(actor, added, f"role {name!r}")
        users = _moved(current.users, changes.users)
        groups = _moved(current.groups, changes.groups)
        if any(u not in current.users for u in users) or any(g not in current.groups for g in groups):
            self._require_held(actor, new_scopes, f"giving role {name!r}")
        if users or groups:
            move = Move(f"giving role {name!r}", users=users, groups=groups, roles=[name])
            self._require_may_move(actor, move)
        elif redefined:
            self._require_whole_role(actor, name)
        return self.store.update_role(
            name,
            scopes=scopes,
            description=_description(changes.description) if changes.description is not None else None,
            users=changes.users,
            groups=changes.groups,
            actor=actor.name,
            expected_revision=changes.expected_revision,
        )

    def delete_role(self, actor: Actor, name: str, expected_revision: int | None = None) -> None:
        self.require(actor, "write", "roles")
        role = self.store.get_role(name)
        if role.builtin:
            raise Conflict(f"the default role {name!r} cannot be deleted")
        if role.managed_by == MANAGED_BY_CONFIG:
            raise Conflict(f"role {name!r} is managed by the server's configuration: remove it there")
        # deleting takes the role from everyone who holds it
        self._require_may_move(
            actor, Move(f"deleting role {name!r}", users=role.users, groups=role.groups, roles=[name])
        )
        self.store.delete_role(name, actor=actor.name, expected_revision=expected_revision)

    # -- users ---------------------------------------------------------------------------------

    def list_users(
        self, actor: Actor, listing: Listing, role: str | None = None, group: str | None = None
    ) -> Page[UserEntry]:
        """Users, a page at a time; `role`: who holds it (directly or through a group), `group`:
        its members."""
        self.require_some(actor, "read", "users")
        # a role or group the actor may not read is answered as one that does not exist
        if role is not None and (role not in self.store.snapshot().roles or not self.may(actor, "read", "roles")):
            raise InvalidInput(f"role: no role named {role!r}")
        if role == self.policy.everyone_role:
            role = None  # every user holds it
        if group is not None and (
            not self.store.group_exists(group) or not self.may(actor, "read", "groups", group=group)
        ):
            raise InvalidInput(f"group: no group named {group!r}")
        only = _owner_constraints(actor.permissions, "read", "users")
        return self.store.page_users(
            listing.limit, listing.offset, listing.sort, listing.query, role=role, group=group, only=only
        )

    def require_some(self, actor: Actor, action: str, resource: str) -> None:
        if not actor.permissions.allows_some(action, resource):
            self.require(actor, action, resource)

    def get_user(self, actor: Actor, name: str) -> UserEntry:
        self._require_visible(actor, "users", user=name)
        return self.store.get_user(name)

    def create_user(
        self,
        actor: Actor,
        name: str,
        roles: Iterable[str] = (),
        groups: Iterable[str] = (),
        display_name: str = "",
    ) -> UserEntry:
        roles, groups = list(roles), list(groups)
        self.check_user_creation(actor, name, roles, groups)
        return self.store.create_user(name, _display_name(display_name), actor=actor.name, roles=roles, groups=groups)

    def check_user_creation(self, actor: Actor, name: str, roles: list[str], groups: list[str]) -> None:
        """May `actor` create user `name` with these roles and groups (directly or by invitation)?"""
        check_name("user", name)
        # A filtered administrator (write:users!group=class) may only create users inside their filter.
        if not (
            actor.permissions.allows("write", "users")
            or actor.permissions.allows_object("write", "users", owner=name, owner_groups=groups)
        ):
            self.require(actor, "write", "users")
        # the new user is judged above (there is no "before" for them); their roles and groups here
        self._require_may_move(actor, Move(f"giving {name!r} roles {roles}", roles=roles, gains=roles))
        joining = Move(f"adding {name!r} to groups {groups}", groups=groups, joins=groups)
        self._require_may_move(actor, joining)

    def update_user(self, actor: Actor, name: str, changes: Changes) -> UserEntry:
        self.require(actor, "write", "users", user=name)
        current = self.store.get_user(name)
        roles = _moved(current.roles, changes.roles)
        if roles:
            added = [r for r in roles if r not in current.roles]
            move = Move(f"giving {name!r} roles {added}", users=[name], roles=roles, gains=added)
            self._require_may_move(actor, move)
        groups = _moved(current.groups, changes.groups)
        if groups:
            added = [g for g in groups if g not in current.groups]
            move = Move(f"adding {name!r} to groups {added}", users=[name], groups=groups, joins=added)
            self._require_may_move(actor, move)
        return self.store.update_user(
            name,
            display_name=_display_name(changes.display_name) if changes.display_name is not None else None,
            roles=changes.roles,
            groups=changes.groups,
            actor=actor.name,
            expected_revision=changes.expected_revision,
        )

    def delete_user(self, actor: Actor, name: str, expected_revision: int | None = None) -> None:
        self.require(actor, "write", "users", user=name)
        if name == actor.name:
            raise Conflict("you cannot delete yourself; ask another administrator")
        self.store.delete_user(name, actor=actor.name, expected_revision=expected_revision)

    def permissions_of(self, actor: Actor, name: str) -> dict:
        """A user's effective permissions, each scope with the role and the way it is held."""
        self._require_visible(actor, "users", user=name)
        if not self.policy.knows_user(name):
            raise NotFound(f"no user named {name!r}")
        roles = self.policy.roles_of(name)
        return {
            "name": name,
            "groups": sorted(self.policy.groups_of(name)),
            "roles": [{"name": role, "via": via} for role, via in roles.items()],
            "scopes": [grant.to_json() for grant in self.policy.grants_of(name)],
            "effective": sorted(self.policy.permissions(name).scopes),
        }

    def check(self, actor: Actor, body: dict) -> Decision:
        """May user U do action A on resource R (at path P, or on something owner O started)?"""
        user = _string(body, "user", required=True)
        self._require_visible(actor, "users", user=user)
        if not self.policy.knows_user(user):
            raise NotFound(f"no user named {user!r}")
        action = _string(body, "action", required=True)
        if action not in ACTIONS:
            raise InvalidInput(f"action: {action!r} is not one of {', '.join(ACTIONS)}")
        resource = _string(body, "resource", required=True)
        if resource not in self.catalog.resources:
            raise InvalidInput(f"resource: unknown resource {resource!r}")
        path = _string(body, "path")
        if path is not None:
            try:
                path = normalize_path(path)
            except PathError as error:
                raise InvalidInput(f"path: {error}") from error
        owner = _string(body, "owner")
        if owner is not None:
            check_name("owner", owner)
        return self.policy.explain(user, Question(action, resource, path, owner))

    # -- groups --------------------------------------------------------------------------------

    def list_groups(self, actor: Actor, listing: Listing) -> Page[GroupRecord]:
        self.require_some(actor, "read", "groups")
        constraints = _owner_constraints(actor.permissions, "read", "groups")
        only = None
        if constraints is not None:
            only = frozenset.intersection(*(groups for _names, groups in constraints))
        return self.store.page_groups(listing.limit, listing.offset, listing.sort, listing.query, only=only)

    def get_group(self, actor: Actor, name: str) -> GroupRecord:
        self._require_visible(actor, "groups", group=name)
        return self.store.get_group(name)

    def create_group(
        self,
        actor: Actor,
        name: str,
        description: str = "",
        members: Iterable[str] = (),
        roles: Iterable[str] = (),
    ) -> GroupRecord:
        check_name("group", name)
        self.require(actor, "write", "groups", group=name)
        members, roles = list(members), list(roles)
        why = f"group {name!r} with roles {roles}"
        self._require_may_move(actor, Move(why, users=members, groups=[name], roles=roles, gains=roles))
        return self.store.create_group(
            name, _description(description), actor=actor.name, members=members, roles=roles
        )

    def update_group(self, actor: Actor, name: str, changes: Changes) -> GroupRecord:
        self.require(actor, "write", "groups", group=name)
        current = self.store.get_group(name)
        roles = changes.roles if changes.roles is not None else current.roles
        moved_roles = _moved(current.roles, changes.roles)
        if moved_roles:
            added = [r for r in moved_roles if r not in current.roles]
            why = f"giving group {name!r} roles {added}"
            self._require_may_move(actor, Move(why, groups=[name], roles=moved_roles, gains=added))
        members = _moved(current.members, changes.members)
        if members:
            # whoever joins gains the group's roles (as they will be after this change)
            gains = roles if any(m not in current.members for m in members) else ()
            why = f"adding members to group {name!r}"
            self._require_may_move(actor, Move(why, users=members, groups=[name], gains=gains))
        return self.store.update_group(
            name,
            description=_description(changes.description) if changes.description is not None else None,
            members=changes.members,
            roles=changes.roles,
            actor=actor.name,
            expected_revision=changes.expected_revision,
        )

    def delete_group(self, actor: Actor, name: str, expected_revision: int | None = None) -> None:
        self.require(actor, "write", "groups", group=name)
        # deleting a group takes every member out of it
        members = self.store.get_group(name).members
        self._require_may_move(actor, Move(f"deleting group {name!r}", users=members, groups=[name]))
        self.store.delete_group(name, actor=actor.name, expected_revision=expected_revision)

    # -- tokens --------------------------------------------------------------------------------

    def list_tokens(self, actor: Actor, username: str) -> list[TokenRecord]:
        self.require_token_access(actor, "read", username)
        return self.store.list_tokens(username)

    def get_token(self, actor: Actor, username: str, token_id: int) -> TokenRecord:
        self.require_token_access(actor, "read", username)
        return self.store.get_token(username, token_id)

    def create_token(
        self,
        username: str,
        note: str = "",
        scopes: list[str] | None = None,
        expires_in: float | None = None,
        actor: Actor | None = None,
    ) -> tuple[int, str]:
        """A token for `username`. Its power is its owner's (or `scopes`, within them): the actor
        must hold all of that, so that a token is never a way to act with more than you have."""
        actor = actor or Actor.system()
        if actor.name != username or not actor.permissions.is_all:
            self.require_token_access(actor, "write", username)
        if scopes is not None:
            scopes = self.validate_scopes(scopes, "token")
            self._require_held(actor, scopes, "this token")
        elif actor.name != username or isinstance(actor.permissions, TokenLimitedPermissions):
            # an unlimited token speaks with all of its owner's scopes: someone else, or a limited
            # token of the owner's, must hold them all (a limited token never mints a wider one)
            owner_scopes = sorted(self.policy.permissions(username).scopes)
            self._require_held(actor, owner_scopes, f"a token of {username!r} without scopes")
        if expires_in is not None:
            if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)):
                raise InvalidInput("expires_in: a number of seconds")
            if not 1 <= expires_in <= MAX_TOKEN_LIFETIME:
                raise InvalidInput(f"expires_in: between 1 and {MAX_TOKEN_LIFETIME} seconds (a year)")
        if not isinstance(note, str) or len(note) > MAX_TOKEN_NOTE:
            raise InvalidInput(f"note: a string of at most {MAX_TOKEN_NOTE} characters")
        check_text("note", note)
        expires_at = datetime.now(timezone.utc) + timedelta(seconds=expires_in) if expires_in else None
        if not self.store.user_exists(username):
            raise NotFound(f"no user named {username!r}")
        return self.store.create_token(username, note, scopes, expires_at=expires_at, actor=actor.name)

    def delete_token(self, actor: Actor, username: str, token_id: int) -> None:
        self.require_token_access(actor, "write", username)
        self.store.delete_token(token_id, actor=actor.name, username=username)

    def require_token_access(self, actor: Actor, action: str, username: str) -> None:
        if not self.policy.knows_user(username) and actor.permissions.allows_some(action, "tokens"):
            raise NotFound(f"no user named {username!r}")
        self.require(actor, action, "tokens", user=username)

    # -- audit ---------------------------------------------------------------------------------

    def audit(self, actor: Actor, filters: dict) -> Page[AuditRecord]:
        """The trail; `filters` are Store.page_audit's (limit, before, actor, target, kind, ...)."""
        self.require(actor, "read", "audit")
        return self.store.page_audit(**filters)


def _owner_constraints(permissions, action: str, resource: str) -> list[tuple[frozenset, frozenset]] | None:
    """The (names, groups) filters a listing must respect: None if the read is unrestricted.

    A token-limited permission contributes the constraints of both the owner and the token.
    """
    if isinstance(permissions, TokenLimitedPermissions):
        parts = [_owner_constraints(p, action, resource) for p in (permissions.owner, permissions.token)]
        found = [c for part in parts if part is not None for c in part]
        return found or None
    grant = permissions.grant(action, resource)
    if grant is UNRESTRICTED:
        return None
    if isinstance(grant, FilteredGrant):
        return [(frozenset(grant.users), frozenset(grant.groups))]
    return [(frozenset(), frozenset())]


def _check_declarations(declared: list[DeclaredRole], existing: dict[str, RoleRecord]) -> None:
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


def _given_by_config(store: Store) -> set[Member]:
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


def _moved(current: Iterable[str], wanted: Iterable[str] | None) -> list[str]:
    """The names a complete new list adds or removes (none if the list is not given)."""
    if wanted is None:
        return []
    before, after = list(current), list(wanted)
    return [n for n in after if n not in before] + [n for n in before if n not in after]


def _names(values: object, kind: str, where: str) -> list[str]:
    if not isinstance(values, list):
        raise InvalidInput(f"{where}: a list of {kind} names")
    if len(values) > MAX_MEMBERS:
        raise InvalidInput(f"{where}: at most {MAX_MEMBERS} names")
    for value in values:
        try:
            check_name(kind, value)
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {error.message}") from error
    return list(values)


def _description(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
        raise InvalidInput(f"description: a string of at most {MAX_DESCRIPTION} characters")
    return value


def _display_name(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_DISPLAY_NAME:
        raise InvalidInput(f"display_name: a single line of at most {MAX_DISPLAY_NAME} characters")
    return check_text("display_name", value)  # no escapes for the terminals that show it


def _string(body: dict, key: str, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise InvalidInput(f"{key}: required")
        return None
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{key}: a non-empty string")
    return value


