"""What every jupyter-rbac identity provider shares: the policy it answers from, and users'
profiles (name, initials, color) as JupyterLab shows them.
"""

from __future__ import annotations

import hashlib
import typing as t

from ..errors import RBACError

if t.TYPE_CHECKING:
    from ..config import RBAC
    from ..policy import Policy
    from ..services.administration import RBACService

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


class PolicyBackedIdentity:
    """Mixed into identity providers that jupyter-rbac's extension attaches its policy to."""

    # Set by the extension when it loads (`attach_policy`). Plain attributes, not traits: they
    # are read on every request, and trait access costs more than the check itself.
    policy: Policy | None = None
    service: RBACService | None = None
    rbac: RBAC | None = None
    _remembered: set[str]

    def attach_policy(self, policy: Policy, service: RBACService, rbac: RBAC) -> None:
        self.policy = policy
        self.service = service
        self.rbac = rbac
        self._remembered = set()

    def remember_user(self, username: str, display_name: str = "", source: str = "identity") -> None:
        """Create a user from an outside identity source in our store the first time they come,
        so that admins see them and can give them roles. Once per process and user."""
        if username in self._remembered or self.policy is None:
            return
        if not self.policy.knows_user(username):
            try:
                self.policy.store.create_user(username, display_name, actor=source)
            except RBACError:
                pass  # created meanwhile by another server, or a name our store cannot hold
        self._remembered.add(username)
