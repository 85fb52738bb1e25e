"""`/api/rbac/me` (who am I, with which roles and scopes, where my code may reach; my profile,
password and sessions), `GET /api/rbac/scopes` and `GET /api/rbac/scopes/parts`."""

from __future__ import annotations

import asyncio
import json
import math

from tornado import web

from ..enforcement.context import context_of
from ..errors import InvalidInput, NotFound
from ..identity.credentials import Kind, credential_of, require_own_credential
from ..identity.throttle import LoginThrottle
from ..limits import MAX_SCOPE_TEXT, MAX_SCOPES
from ..model import IMPLIED_ACTIONS, ScopeError
from ..sandbox.sandboxes import Sandboxes
from ..services.accounts import WrongPassword
from ..services.shares import shares_everywhere
from .base import RBACHandler, api

# What the panel's views need, each a key `ACTION_RESOURCE` of /me's `beyond_self`.
PANEL_GRANTS: tuple[tuple[str, str], ...] = (
    ("read", "roles"),
    ("write", "roles"),
    ("read", "users"),
    ("write", "users"),
    ("read", "groups"),
    ("write", "groups"),
    ("read", "audit"),
    ("read", "collaborators"),
    ("read", "tokens"),
    ("write", "tokens"),
)


class MeHandler(RBACHandler):
    """The signed-in user: identity and profile, roles (with where each comes from), effective
    scopes; PATCH changes the profile fields the administrator lets users edit."""

    @web.authenticated
    def get(self) -> None:
        self.send_json(self._me())

    @api
    def patch(self) -> None:
        require_own_credential(self, "changing your profile")
        body = self.json_body("ProfilePatch")
        self._require_local_account()
        self.accounts.update_profile(self.current_user.username, body)
        self.policy.refresh()
        # identity providers of ours make the user anew from the store (the new display name);
        # another (JupyterHub's) keeps its own, and the store's record is shown beside it
        user_for = getattr(self.identity_provider, "user_for", None)
        self.send_json(self._me(user_for(self.current_user.username) if user_for else None))

    def _require_local_account(self) -> None:
        if not self.policy.knows_user(self.current_user.username):
            raise NotFound("your account is managed by your identity provider, not by jupyter-rbac")

    def _me(self, user=None) -> dict:
        user = user or self.current_user
        policy = self.policy
        permissions = self.authorizer.permissions_for(self, user)
        external = self.authorizer.external_grants(
            self, user
        )  # groups and roles from JupyterHub or OIDC
        ours_limited = context_of(self).token_scopes is not None
        # ...or bounded by the identity source (a JupyterHub token's scopes)
        limited = ours_limited or (external is not None and external.cap is not None)
        # the user's record (roles, groups) is `read:users!user=NAME`: a limited token of ours
        # shows it only if its scopes carry that; a session or unlimited token always does (`self`)
        record = not ours_limited or permissions.allows_object("read", "users", owner=user.username)
        roles = policy.roles_of(user.username, external) if record else {}
        local = policy.knows_user(user.username)
        changes = local and credential_of(self).is_own_and_unlimited  # may this request edit it
        settings = self.accounts.settings
        scopes = sorted(permissions.scopes)
        parts = [self.catalog.scope_parts(scope) for scope in scopes]
        can, why_not = self._can(permissions, user.username)
        return {
            "username": user.username,
            "name": user.username,  # deprecated alias of username (0.2)
            "display_name": user.display_name or user.username,
            "initials": user.initials,
            "avatar_url": user.avatar_url,
            "color": user.color,
            "roles": list(roles),
            "role_sources": roles,
            "groups": sorted(policy.groups_with(user.username, external)) if record else [],
            "scopes": scopes,
            "scope_parts": parts,
            "token_limited": limited,
            "can": can,
            "why_not": why_not,
            "beyond_self": self._beyond_self(permissions, parts, user.username),
            "share_everywhere": shares_everywhere(permissions),
            "code": self._code(permissions),
            "account": {
                "editable": list(settings.editable_fields) if changes else [],
                "passwords": settings.passwords and local,
                "password_set": local and policy.store.password_hash_of(user.username) is not None,
            },
        }

    def _can(self, permissions, username: str) -> tuple[dict[str, bool], dict[str, dict]]:
        """Hints for the frontend, decided by the policy and the sandbox (the server still checks
        every request), and for each refused one why: the narrowest scope it lacks, or the
        sandbox's refusal.

        start_kernels: may this user start a kernel for a notebook of their own (a session and
        its kernel, both owned by them)? open_terminals: may they open a terminal of their own?
        """
        own = f"!user={username}"
        needs = {
            "start_kernels": (f"write:sessions{own}", f"execute:kernels{own}"),
            "open_terminals": (f"execute:terminals{own}",),
        }
        sandboxes: Sandboxes = self.settings["rbac_sandboxes"]
        may_run_code = sandboxes.reach_of(permissions)["may_run_code"]
        can: dict[str, bool] = {}
        why_not: dict[str, dict] = {}
        for hint, scopes in needs.items():
            missing = next((s for s in scopes if not _allows_own(permissions, s, username)), None)
            can[hint] = missing is None and may_run_code
            if missing is not None:
                why_not[hint] = {
                    "missing_scope": missing,
                    "message": f"you need the scope {missing}",
                }
            elif not may_run_code:
                why_not[hint] = {"missing_scope": None, "message": sandboxes.describe()}
        return can, why_not

    def _code(self, permissions) -> dict:
        """Where the code of this request's permissions may reach (the kernels and terminals it
        would start), and one line about the server's sandbox."""
        sandboxes: Sandboxes = self.settings["rbac_sandboxes"]
        return {**sandboxes.reach_of(permissions), "summary": sandboxes.describe()}

    @staticmethod
    def _beyond_self(permissions, parts: list[dict], username: str) -> dict[str, bool]:
        """Hints for the panel's views: for each `ACTION_RESOURCE` (read_roles, ...), may this
        user do ACTION on some of RESOURCE beyond themselves? A scope filtered to the user alone
        (`self`'s `read:users!user=NAME`) does not count: that is what "My permissions" shows."""
        themselves = {"name": "user", "value": username}

        def beyond_self(action: str, resource: str) -> bool:
            return permissions.allows_some(action, resource) and any(
                action in part["actions"]
                and resource in part["resources"]
                and part["filter"] != themselves
                for part in parts
            )

        return {f"{a}_{r}": beyond_self(a, r) for a, r in PANEL_GRANTS}


def _allows_own(permissions, scope: str, username: str) -> bool:
    """Does `permissions` grant `ACTION:RESOURCE!user=NAME` on an object NAME owns?"""
    action, resource = scope.split("!", 1)[0].split(":", 1)
    return permissions.allows_object(action, resource, owner=username)


# Wrong current passwords under identity providers without a sign-in throttle of their own.
_THROTTLE = LoginThrottle()


class PasswordHandler(RBACHandler):
    """PUT: set or change your password. Every other browser session of yours ends; this one goes on.

    A wrong `current_password` is a guess: it counts in the sign-in throttle, whose limits answer
    429 here as on the login page."""

    @api
    async def put(self) -> None:
        require_own_credential(self, "changing your password")
        body = self.json_body("PasswordChange")
        username = self.current_user.username
        if not self.policy.knows_user(username):
            raise NotFound("your account is managed by your identity provider, not by jupyter-rbac")
        current = body.get("current_password", "")
        throttle = getattr(self.identity_provider, "throttle", _THROTTLE)
        address = self.request.remote_ip or ""
        wait = throttle.wait_time(username, address)
        if wait > 0:
            self.too_many_attempts(wait)
            return
        throttle.failed(username, address)  # now: guesses sent at once count at once
        await self._change_password(throttle, address, current, body["new_password"])
        self.policy.refresh()
        if credential_of(self).kind is Kind.SESSION:
            self.identity_provider.set_login_cookie(self, self.current_user)  # with the new epoch
        self.no_content()

    async def _change_password(
        self, throttle: LoginThrottle, address: str, current: str, new: str
    ) -> None:
        """Change it, telling the throttle how the guess went (counted already as a failure)."""
        username = self.current_user.username
        try:
            await asyncio.to_thread(self.accounts.change_password, username, current, new)
        except WrongPassword:
            self.policy.store.record_event(
                username, "user.login_failed", username, address=address, via="password change"
            )
            raise
        except InvalidInput:
            throttle.succeeded(username, address)  # the current password was right
            raise
        except Exception:
            throttle.withdraw(username, address)  # never checked (e.g. passwords not allowed)
            raise
        throttle.succeeded(username, address)

    def too_many_attempts(self, wait: float) -> None:
        seconds = math.ceil(wait)
        self.set_header("Retry-After", str(seconds))
        message = f"Too many wrong passwords. Try again in {seconds} seconds."
        self.send_json({"message": message, "reason": "Too Many Requests"}, 429)


class SessionsHandler(RBACHandler):
    """DELETE: sign out of every browser, this one included (API tokens stay valid)."""

    @api
    def delete(self) -> None:
        require_own_credential(self, "signing out everywhere")
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
                    "hierarchy": {
                        action: list(implied) for action, implied in IMPLIED_ACTIONS.items()
                    },
                }
            )
        )


class ScopePartsHandler(RBACHandler):
    """Scopes not saved yet (a role being edited), each in parts as the server parses it, so that
    a client never reads scope text itself. Nothing is stored and nothing is judged."""

    @api
    def get(self) -> None:
        scopes = self._scope_arguments()
        self.send_json({"parts": [self._parts(scope) for scope in scopes]})

    def _scope_arguments(self) -> list[str]:
        """The `scope` query arguments, in order and as sent (tornado's getters would strip
        spaces and rewrite control characters: the preview must see what a save would)."""
        raw = self.request.query_arguments.get("scope", [])
        if not raw:
            raise InvalidInput("scope: give at least one scope (?scope=read:contents&scope=...)")
        if len(raw) > MAX_SCOPES:
            raise InvalidInput(f"scope: at most {MAX_SCOPES} scopes")
        try:
            scopes = [value.decode("utf-8") for value in raw]
        except UnicodeDecodeError:
            raise InvalidInput("scope: not UTF-8 text") from None
        if any(len(scope) > MAX_SCOPE_TEXT for scope in scopes):
            raise InvalidInput(f"scope: at most {MAX_SCOPE_TEXT} characters each")
        return scopes

    def _parts(self, scope: str) -> dict:
        """The scope's parts, and why the grammar refuses it (None if it does not)."""
        try:
            self.catalog.parse(scope)
        except ScopeError as error:
            return {**self.catalog.scope_parts(scope), "error": str(error)}
        return {**self.catalog.scope_parts(scope), "error": None}
