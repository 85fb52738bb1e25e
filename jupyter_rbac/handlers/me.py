"""`GET /api/rbac/me` (who am I, with which roles and scopes) and `GET /api/rbac/scopes`."""

from __future__ import annotations

import json

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ..scopes import IMPLIED_ACTIONS


class RBACHandler(APIHandler):
    @property
    def policy(self):
        return self.settings["rbac_policy"]

    @property
    def catalog(self):
        return self.settings["rbac_catalog"]


class MeHandler(RBACHandler):
    """The signed-in user's identity, roles (with where each comes from) and effective scopes."""

    @web.authenticated
    def get(self) -> None:
        user = self.current_user
        policy = self.policy
        permissions = self.authorizer.permissions_for(self, user)
        roles = policy.roles_of(user.username)
        self.finish(
            json.dumps(
                {
                    "name": user.username,
                    "display_name": user.display_name or user.username,
                    "roles": list(roles),
                    "role_sources": roles,
                    "groups": sorted(policy.groups_of(user.username)),
                    "scopes": sorted(permissions.scopes),
                    "token_limited": getattr(self, "_rbac_token_scopes", None) is not None,
                }
            )
        )


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
