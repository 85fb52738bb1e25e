"""`GET /api/rbac/me` (who am I, with which roles and scopes) and `GET /api/rbac/scopes`."""

from __future__ import annotations

import json

from tornado import web

from ..scopes import IMPLIED_ACTIONS
from .base import RBACHandler


class MeHandler(RBACHandler):
    """The signed-in user's identity, roles (with where each comes from) and effective scopes."""

    @web.authenticated
    def get(self) -> None:
        user = self.current_user
        policy = self.policy
        permissions = self.authorizer.permissions_for(self, user)
        external = getattr(user, "rbac_external", None)  # groups and roles from JupyterHub or OIDC
        roles = policy.roles_of(user.username, external)
        self.finish(
            json.dumps(
                {
                    "name": user.username,
                    "display_name": user.display_name or user.username,
                    "roles": list(roles),
                    "role_sources": roles,
                    "groups": sorted(policy.groups_with(user.username, external)),
                    "scopes": sorted(permissions.scopes),
                    "token_limited": getattr(self, "_rbac_token_scopes", None) is not None,
                    "can": self._can(permissions, user.username),
                }
            )
        )

    @staticmethod
    def _can(permissions, username: str) -> dict[str, bool]:
        """Hints for the frontend, decided by the policy (the server still checks every request).

        start_kernels: may this user start a kernel for a notebook of their own (a session and
        its kernel, both owned by them)?
        """
        own = {"owner": username}
        return {
            "start_kernels": permissions.allows_object("write", "sessions", **own)
            and permissions.allows_object("write", "kernels", **own),
        }


class ScopesHandler(RBACHandler):
    """The scope catalog: every scope with its description, filters and what it implies."""

    @web.authenticated
    def get(self) -> None:
        self.finish(
            json.dumps(
                {
                    "scopes": self.catalog.describe(),
                    "hierarchy": {action: list(implied) for action, implied in IMPLIED_ACTIONS.items()},
                }
            )
        )
