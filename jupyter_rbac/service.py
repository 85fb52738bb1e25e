"""Use cases over the store: first start, roles from config, users, tokens.

The REST handlers and the `jupyter rbac` command line both go through here, so the rules
(valid scopes, names, the fixed admin role) hold whichever way a change arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .defaults import DEFAULT_GROUPS, DEFAULT_ROLES, FIXED_ROLE
from .errors import Forbidden, InvalidInput, NotFound
from .scopes import Catalog, ScopeError
from .store import Store


@dataclass(frozen=True)
class FirstAdmin:
    """The administrator created on an empty database, with their one-time login token."""

    username: str
    login_token: str


class RBACService:
    def __init__(self, store: Store, catalog: Catalog):
        self.store = store
        self.catalog = catalog

    # -- start-up ------------------------------------------------------------------------------

    def ensure_defaults(self) -> None:
        """Create the shipped roles and groups that are missing; keep the fixed admin role exact."""
        existing = {role.name: role for role in self.store.list_roles()}
        for role in DEFAULT_ROLES:
            current = existing.get(role.name)
            if current is None:
                self.store.create_role(role.name, role.scopes, role.description, builtin=True)
            elif role.name == FIXED_ROLE and current.scopes != list(role.scopes):
                self.store.update_role(role.name, scopes=role.scopes)
        for group, (description, role) in DEFAULT_GROUPS.items():
            if not self.store.group_exists(group):
                self.store.create_group(group, description)
                self.store.assign_role(role, groups=[group])

    def load_roles(self, roles: Iterable[dict]) -> None:
        """Apply `c.RBAC.load_roles`: create or update each role, creating its users and groups."""
        existing = {role.name for role in self.store.list_roles()}
        for spec in roles:
            name, scopes, description, users, groups = self._parse_role_spec(spec)
            if name == FIXED_ROLE:
                raise InvalidInput(f"load_roles: the {FIXED_ROLE!r} role cannot be redefined")
            if name in existing:
                self.store.update_role(name, scopes=scopes, description=description, actor="config")
            else:
                self.store.create_role(name, scopes, description or "", actor="config")
            for user in users:
                if not self.store.user_exists(user):
                    self.store.create_user(user, actor="config")
            for group in groups:
                if not self.store.group_exists(group):
                    self.store.create_group(group, actor="config")
            if users or groups:
                self.store.assign_role(name, users=users, groups=groups, actor="config")

    def _parse_role_spec(self, spec: object):
        if not isinstance(spec, dict) or "name" not in spec:
            raise InvalidInput(f"load_roles: each role is a dict with at least a 'name', got {spec!r}")
        unknown = set(spec) - {"name", "description", "scopes", "users", "groups"}
        if unknown:
            raise InvalidInput(f"load_roles: role {spec['name']!r} has unknown keys {sorted(unknown)}")
        scopes = self.validate_scopes(spec.get("scopes", []), f"load_roles: role {spec['name']!r}")
        return (
            spec["name"],
            scopes,
            spec.get("description"),
            list(spec.get("users", [])),
            list(spec.get("groups", [])),
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
        try:
            return self.catalog.validate(scopes)
        except ScopeError as error:
            raise InvalidInput(f"{where}: {error}") from error

    # -- users and tokens ----------------------------------------------------------------------

    def create_user(
        self,
        name: str,
        roles: Iterable[str] = (),
        groups: Iterable[str] = (),
        display_name: str = "",
        actor: str = "system",
    ) -> None:
        roles, groups = list(roles), list(groups)
        known_roles = {role.name for role in self.store.list_roles()}
        for role in roles:
            if role not in known_roles:
                raise NotFound(f"no role named {role!r}")
        for group in groups:
            if not self.store.group_exists(group):
                raise NotFound(f"no group named {group!r}")
        self.store.create_user(name, display_name, actor=actor)
        for role in roles:
            self.store.assign_role(role, users=[name], actor=actor)
        for group in groups:
            self.store.add_members(group, [name], actor=actor)

    def create_token(
        self,
        username: str,
        note: str = "",
        scopes: list[str] | None = None,
        expires_in: float | None = None,
        actor: str = "system",
    ) -> tuple[int, str]:
        if scopes is not None:
            scopes = self.validate_scopes(scopes, "token")
        if expires_in is not None and expires_in <= 0:
            raise InvalidInput("a token's lifetime (expires_in) must be positive")
        expires_at = (
            datetime.now(timezone.utc) + timedelta(seconds=expires_in) if expires_in else None
        )
        if not self.store.user_exists(username):
            raise NotFound(f"no user named {username!r}")
        return self.store.create_token(username, note, scopes, expires_at=expires_at, actor=actor)

    def delete_role(self, name: str, actor: str = "system") -> None:
        role = self.store.get_role(name)
        if role.builtin:
            raise Forbidden(f"the default role {name!r} cannot be deleted")
        self.store.delete_role(name, actor=actor)
