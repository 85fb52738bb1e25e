"""Standalone identity: every user has their own API tokens; a browser signs in once with one.

Replaces the server's single shared token. Accepted as `Authorization: token ...` (scripts), as
`?token=...` in a login link, or typed into the login page. A login link sets the usual signed
cookie; the cookie is honoured only while its user still exists in the policy.
"""

from __future__ import annotations

import typing as t

from jupyter_server.auth.identity import IdentityProvider, User
from tornado import web
from traitlets import default

from .base import PolicyBackedIdentity

if t.TYPE_CHECKING:
    from ..policy import Policy


class RBACIdentityProvider(PolicyBackedIdentity, IdentityProvider):
    """Users and tokens from the jupyter-rbac store. The server-wide token is not accepted."""

    @default("token")
    def _token_default(self) -> str:
        # No shared token: each user has their own (`jupyter rbac token create USER`).
        return ""

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    def user_for(self, username: str) -> User:
        policy: Policy = self.policy
        return User(username=username, name=policy.display_name(username))

    async def get_user(self, handler: web.RequestHandler) -> User | None:  # type: ignore[override]
        if getattr(handler, "_jupyter_current_user", None):
            return handler._jupyter_current_user  # type: ignore[attr-defined]
        if self.policy is None:
            return None
        secret = self.get_token(handler)
        if secret:
            user = self._user_for_token(handler, secret)
            if user is not None:
                return user
        user = self.get_user_cookie(handler)
        if user is None and handler.get_cookie(self.get_cookie_name(handler)) is not None:
            self.clear_login_cookie(handler)
        return user  # type: ignore[return-value]

    def _user_for_token(self, handler: web.RequestHandler, secret: str) -> User | None:
        identity = self.policy.identify_token(secret)
        if identity is None or not self.policy.knows_user(identity.username):
            return None
        user = self.user_for(identity.username)
        handler._token_authenticated = True  # type: ignore[attr-defined]  # no XSRF check for scripts
        if identity.scopes is not None:
            handler._rbac_token_scopes = identity.scopes  # type: ignore[attr-defined]
        elif handler.get_argument("token", ""):
            # A login link: remember the browser. Never for a token limited to some scopes, whose
            # cookie would carry all of its owner's permissions.
            self.set_login_cookie(handler, user)
        return user

    def get_user_cookie(self, handler: web.RequestHandler) -> User | None:  # type: ignore[override]
        user = super().get_user_cookie(handler)
        if isinstance(user, User) and self.policy.knows_user(user.username):
            return self.user_for(user.username)
        return None

    def process_login_form(self, handler: web.RequestHandler) -> User | None:
        """The login page: the password box takes a personal token."""
        secret = handler.get_argument("password", default="")
        if not secret or self.policy is None:
            return None
        identity = self.policy.identify_token(secret)
        if identity is None or identity.scopes is not None or not self.policy.knows_user(identity.username):
            return None
        return self.user_for(identity.username)
