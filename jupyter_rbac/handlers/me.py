"""`/api/rbac/me` (who am I, with which roles and scopes; my profile, password and sessions)
and `GET /api/rbac/scopes`."""

from __future__ import annotations

import asyncio
import json

from tornado import web

from ..scopes import IMPLIED_ACTIONS
from ..accounts import PROFILE_FIELDS
from ..errors import InvalidInput, NotFound
from .base import RBACHandler, api


class MeHandler(RBACHandler):
    """The signed-in user: identity and profile, roles (with where each comes from), effective
    scopes; PATCH changes the profile fields the administrator lets users edit."""

    @web.authenticated
    def get(self) -> None:
        self.send_json(self._me())

    @api
    def patch(self) -> None:
        body = self.json_body(PROFILE_FIELDS)
        self._require_local_account()
        self.accounts.update_profile(self.current_user.username, body)
        self.policy.refresh()
        self.send_json(self._me(self.identity_provider.user_for(self.current_user.username)))

    def _require_local_account(self) -> None:
        if not self.policy.knows_user(self.current_user.username):
            raise NotFound("your account is managed by your identity provider, not by jupyter-rbac")

    def _me(self, user=None) -> dict:
        user = user or self.current_user
        policy = self.policy
        permissions = self.authorizer.permissions_for(self, user)
        external = self.authorizer.external_grants(user)  # groups and roles from JupyterHub or OIDC
        roles = policy.roles_of(user.username, external)
        local = policy.knows_user(user.username)
        settings = self.accounts.settings
        return {
            "name": user.username,
            "display_name": user.display_name or user.username,
            "initials": user.initials,
            "avatar_url": user.avatar_url,
            "color": user.color,
            "roles": list(roles),
            "role_sources": roles,
            "groups": sorted(policy.groups_with(user.username, external)),
            "scopes": sorted(permissions.scopes),
            "token_limited": getattr(self, "_rbac_token_scopes", None) is not None,
            "can": self._can(permissions, user.username),
            "account": {
                "editable": list(settings.editable_fields) if local else [],
                "passwords": settings.passwords and local,
                "password_set": local and policy.store.password_hash_of(user.username) is not None,
            },
        }

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


class PasswordHandler(RBACHandler):
    """PUT: set or change your password. Every other browser session of yours ends; this one goes on."""

    @api
    async def put(self) -> None:
        body = self.json_body(("current_password", "new_password"), required=("new_password",))
        username = self.current_user.username
        if not self.policy.knows_user(username):
            raise NotFound("your account is managed by your identity provider, not by jupyter-rbac")
        current = body.get("current_password", "")
        if not isinstance(current, str):
            raise InvalidInput("current_password: a string")
        await asyncio.to_thread(self.accounts.change_password, username, current, body["new_password"])
        self.policy.refresh()
        if not getattr(self, "_token_authenticated", False):
            self.identity_provider.set_login_cookie(self, self.current_user)  # with the new epoch
        self.no_content()


class SessionsHandler(RBACHandler):
    """DELETE: sign out of every browser, this one included (API tokens stay valid)."""

    @api
    def delete(self) -> None:
        username = self.current_user.username
        if not self.policy.knows_user(username):
            raise NotFound("your account is managed by your identity provider, not by jupyter-rbac")
        self.policy.store.end_sessions(username, actor=username)
        self.identity_provider.clear_login_cookie(self)
        self.no_content()


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
