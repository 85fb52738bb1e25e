"""What every jupyter-rbac identity provider shares: the policy it answers from, users from
outside sources remembered in our store, and users' profiles (name, initials, color) as
JupyterLab shows them.
"""

from __future__ import annotations

import hashlib
import logging
import typing as t

from jupyter_server.auth.identity import User

from ..errors import RBACError

if t.TYPE_CHECKING:
    from ..config import RBAC
    from ..policy import ExternalGrants, Policy
    from ..services import RBACService

# JupyterLab's collaborator palette (CSS variables of every theme): the same user always gets the
# same color, in every server sharing the policy.
COLLABORATOR_COLORS = tuple(f"var(--jp-collaborator-color{n})" for n in range(1, 8))


def initials_of(display_name: str) -> str:
    """Up to two letters: the first of the first and last words ("Ada Lovelace" -> "AL")."""
    words = [word for word in display_name.replace(".", " ").replace("_", " ").split() if word]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].capitalize() if len(words[0]) > 1 else words[0].upper()
    return (words[0][0] + words[-1][0]).upper()


def color_of(username: str) -> str:
    digest = hashlib.sha256(username.encode()).digest()
    return COLLABORATOR_COLORS[digest[0] % len(COLLABORATOR_COLORS)]


class ExternalUser(User):
    """A user as an outside identity source vouches for them, with what it says they hold (an
    OpenID Connect token's groups, roles and scopes), for this request. `external` is no
    dataclass field: jupyter_server shows every field of a User (its identity model)."""

    external: ExternalGrants | None

    def __init__(
        self, *args: t.Any, external: ExternalGrants | None = None, **kwargs: t.Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.external = external


class OutsideUsers:
    """Users an outside identity source (JupyterHub, OpenID Connect) lets in appear in our store
    the first time they come, so that admins see them and can give them roles. Asked once per
    process and user."""

    def __init__(self, policy: Policy, log: logging.Logger | None = None) -> None:
        self.policy = policy
        self.log = log or logging.getLogger(__name__)
        self._remembered: set[str] = set()

    def remember(self, username: str, display_name: str = "", source: str = "identity") -> None:
        if username in self._remembered:
            return
        if not self.policy.knows_user(username):
            try:
                self.policy.store.create_user(username, display_name, actor=source)
            except RBACError as error:  # created meanwhile elsewhere, or a name we cannot hold
                self.log.debug(
                    "jupyter-rbac: did not remember the %s user %r: %s", source, username, error
                )
        self._remembered.add(username)


class PolicyBackedIdentity:
    """Mixed into identity providers that jupyter-rbac's extension attaches its policy to."""

    # Set by the extension when it loads (`attach_policy`). Plain attributes, not traits: they
    # are read on every request, and trait access costs more than the check itself.
    policy: Policy | None = None
    service: RBACService | None = None
    rbac: RBAC | None = None
    outside_users: OutsideUsers | None = None

    def attach_policy(self, policy: Policy, service: RBACService, rbac: RBAC) -> None:
        self.policy = policy
        self.service = service
        self.rbac = rbac
        self.outside_users = OutsideUsers(policy, getattr(self, "log", None))

    def remember_user(
        self, username: str, display_name: str = "", source: str = "identity"
    ) -> None:
        """See `OutsideUsers`."""
        if self.outside_users is not None:
            self.outside_users.remember(username, display_name, source)
