"""What a start does to the policy: the shipped roles and groups, the first administrator on an
empty database, and the roles config declares (`c.RBAC.load_roles`, `c.RBAC.policy_file`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tornado.log import app_log

from ..model import Catalog
from ..model.defaults import (
    DEFAULT_GROUPS,
    DEFAULT_ROLES,
    EARLIER_DESCRIPTIONS,
    EARLIER_GROUPS,
    EARLIER_SCOPES,
    FIXED_ROLE,
    OWN_LAB,
)
from ..store import Store
from .declared_roles import TakenBack, parse_declaration, reconcile_declared_roles

# The audit actor of what a start changes in a policy an earlier version made.
UPGRADE_ACTOR = "jupyter-rbac upgrade"
# How long the first administrator's one-time login link stays valid.
FIRST_LOGIN_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class FirstAdmin:
    """The administrator created on an empty database, with their one-time login token."""

    username: str
    login_token: str


class StartUp:
    """The start-up use cases, as methods of RBACService."""

    store: Store
    catalog: Catalog

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
            else:
                self._upgrade_shipped_role(role, current, log)
        for group, (description, role) in DEFAULT_GROUPS.items():
            if role in existing or not groups:
                continue
            if not self.store.group_exists(group):
                self.store.create_group(group, description)
                self.store.assign_role(role, groups=[group])
            elif group in EARLIER_GROUPS:
                # the role was created just now: this is the first start of this version
                self._move_earlier_group(group, log)

    def _upgrade_shipped_role(self, role, current, log: logging.Logger) -> None:
        """A shipped role that still holds exactly what an earlier version gave it gets this
        version's scopes, and one still described in an earlier version's words gets this
        version's; an administrator's own choices stay. Audited as UPGRADE_ACTOR."""
        earlier = EARLIER_SCOPES.get(role.name)
        held = set(current.scopes)
        match = next((scopes for scopes in earlier or () if held == set(scopes)), None)
        if match is not None:
            self.store.update_role(role.name, scopes=role.scopes, actor=UPGRADE_ACTOR)
            log.warning(
                "jupyter-rbac: the shipped role %r now holds this version's scopes (%s); audited"
                " as %r",
                role.name, ", ".join(sorted(set(role.scopes) - set(match))) or "fewer",
                UPGRADE_ACTOR,
            )  # fmt: skip
        elif earlier is not None and {"read:lab", "write:lab"} & set(current.scopes):
            log.warning(
                "jupyter-rbac: the role %r, changed since an earlier version shipped it, holds"
                " read:lab or write:lab unfiltered: its holders read (or change) every user's"
                " JupyterLab settings and workspaces; %s is each user's own",
                role.name, " and ".join(f"`{scope}`" for scope in OWN_LAB),
            )  # fmt: skip
        if current.description in EARLIER_DESCRIPTIONS.get(role.name, ()):
            # an earlier version's words, no longer true: an administrator's own stay
            self.store.update_role(role.name, description=role.description, actor=UPGRADE_ACTOR)

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
        """Reconcile roles declared in config with the database, as JupyterHub's `load_roles`
        (see declared_roles.reconcile_declared_roles). Returns what was taken back, for the log."""
        declared = [parse_declaration(spec, self.catalog) for spec in roles]
        return reconcile_declared_roles(self.store, declared)

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
            expires_at=datetime.now(timezone.utc) + FIRST_LOGIN_LIFETIME,
        )
        return FirstAdmin(username, token)
