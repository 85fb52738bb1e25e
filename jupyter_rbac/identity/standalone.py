"""Standalone identity: every user has their own name, password and API tokens; no shared token.

Accepted credentials:
- `Authorization: token rbac_...` (scripts; no XSRF check, no cookie);
- `?token=rbac_...` in a link (the first admin's login link): signs the browser in;
- the login page: user name + password, or a token in the password box;
- an invitation link (`/rbac/invite?code=...`), once.
A browser session is jupyter_server's signed cookie carrying the user name, their session epoch
and the random key of the user record it was made for (store/record_keys.py): it is honoured only
while that record holds the name (not deleted, nor deleted and made again, whatever id and time
the new record got) and the epoch is unchanged (a password change or "sign out everywhere" moves
it on); websockets opened with it ask the same at every message.
"""

from __future__ import annotations

import asyncio
import json
import typing as t

from jupyter_server.auth.identity import IdentityProvider, User
from tornado import web
from traitlets import default

from ..errors import RBACError
from ..store import TOKEN_PREFIX, RecordKeys, verify_password
from .base import PolicyBackedIdentity, color_of, initials_of
from .credentials import classify_token, remember_token, require_own_credential
from .login import RBACLoginHandler
from .throttle import LoginThrottle

if t.TYPE_CHECKING:
    from ..config import RBAC
    from ..policy import Policy
    from ..services import RBACService


class RBACIdentityProvider(PolicyBackedIdentity, IdentityProvider):
    """Users, passwords and tokens from the jupyter-rbac store. The server-wide token is not accepted."""

    throttle: LoginThrottle = LoginThrottle()

    @default("token")
    def _token_default(self) -> str:
        # No shared token: each user has their own (`jupyter rbac token create USER`).
        return ""

    @default("login_handler_class")
    def _login_handler_default(self):
        return RBACLoginHandler

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    def attach_policy(self, policy: Policy, service: RBACService, rbac: RBAC) -> None:
        super().attach_policy(policy, service, rbac)
        self.throttle = LoginThrottle(
            rbac.login_attempts_per_user, rbac.login_attempts_per_address, rbac.login_window
        )
        # jupyter_server's own PATCH /api/me (JupyterLab's user menu) edits the same fields.
        self.updatable_fields = list(rbac.user_editable_fields)
        self._record_keys = RecordKeys(policy.store)

    def get_handlers(self) -> list:
        from .invitations import InvitationPage  # it imports the service layer

        return [*super().get_handlers(), (r"/rbac/invite", InvitationPage)]

    # -- who a user is -------------------------------------------------------------------------

    def user_for(self, username: str) -> User:
        """The user as JupyterLab shows them: name, initials, color, avatar from their profile."""
        record = self.policy.user(username)
        display_name = record.display_name if record and record.display_name else username
        return User(
            username=username,
            name=display_name,
            display_name=display_name,
            initials=initials_of(display_name),
            avatar_url=(record.avatar_url if record else "") or None,
            color=(record.color if record else "") or color_of(username),
        )

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
        credential = remember_token(handler, secret, identity)
        handler._token_authenticated = True  # type: ignore[attr-defined]  # jupyter_server's: no XSRF check
        if credential.is_own_and_unlimited and handler.get_argument("token", ""):
            # A login link: remember the browser. Only for the user's own unlimited token: a
            # session may change the account, which a limited or planted token may not.
            self.set_login_cookie(handler, user)
        return user

    def update_user(self, handler: web.RequestHandler, user_data: dict) -> User:
        """jupyter_server's PATCH /api/me: saved in the policy store, like PATCH /api/rbac/me."""
        username = handler.current_user.username
        try:
            require_own_credential(handler, "changing your profile")
        except RBACError as error:
            raise web.HTTPError(error.status, error.message) from error
        try:
            handler.settings["rbac_accounts"].update_profile(username, dict(user_data))
        except RBACError as error:
            raise ValueError(error.message) from error  # jupyter_server answers 400 with it
        self.policy.refresh()
        return self.user_for(username)

    # -- browser sessions ----------------------------------------------------------------------

    def user_to_cookie(self, user: User) -> str:
        record = self.policy.user(user.username)
        return json.dumps(
            {
                "username": user.username,
                "epoch": record.session_epoch if record else 0,
                "record": self._record_of(user.username),
            }
        )

    def user_from_cookie(self, cookie_value: str) -> User | None:
        data = json.loads(cookie_value)
        username = data.get("username") if isinstance(data, dict) else None
        if not isinstance(username, str):
            return None
        session = (data.get("epoch", 0), data.get("record"))
        if not self._session_holds(username, session):
            return None  # deleted (maybe made again), or signed out everywhere since
        user = self.user_for(username)
        # a websocket opened with this session asks `session_still_valid` at every message
        user.rbac_session = session  # type: ignore[attr-defined]
        return user

    def session_still_valid(self, user: User) -> bool:
        """For a long-lived connection: does the browser session it was opened with still hold
        (the same user, not signed out everywhere, no password change since)? Connections
        opened otherwise (a token, whose own check is `token_still_valid`) answer True."""
        session = getattr(user, "rbac_session", None)
        return session is None or self._session_holds(user.username, session)

    def _session_holds(self, username: str, session: tuple[object, object]) -> bool:
        """A session is (the user's session epoch, their record) as its cookie was made."""
        record = self.policy.user(username)  # read once per policy version: no I/O per message
        epoch, made_for = session
        holder = self._record_of(username)
        return (
            record is not None
            and holder is not None
            and (epoch, made_for) == (record.session_epoch, holder)
        )

    def _record_of(self, username: str) -> str | None:
        """The key of the user record holding the name (read once per policy version). A user
        deleted and made again by the same name is someone else: the cookies of the first are
        not theirs."""
        return self._record_keys.of(username, self.policy.version)

    def get_user_cookie(self, handler: web.RequestHandler) -> User | None:  # type: ignore[override]
        user = super().get_user_cookie(handler)
        return user if isinstance(user, User) else None

    # -- signing in ----------------------------------------------------------------------------

    async def authenticate(self, username: str, secret: str) -> User | None:
        """The user a login form names, if `secret` is their password or one of their tokens.

        Password checks run in a thread: argon2 takes a tenth of a second, the server must not
        stop for it.
        """
        if not secret or self.policy is None:
            return None
        if secret.startswith(TOKEN_PREFIX):
            identity = await asyncio.to_thread(self.policy.identify_token, secret)
            if identity is None or not classify_token(identity).is_own_and_unlimited:
                return None  # a session may change the account: only the user's own unlimited token
            if username and username != identity.username:
                return None
            username = identity.username
        elif not (self.rbac.allow_passwords and username):
            return None
        else:
            hashed = self.policy.store.password_hash_of(username)
            if not await asyncio.to_thread(verify_password, hashed, secret):
                return None
        return self.user_for(username) if self.policy.knows_user(username) else None

    def process_login_form(self, handler: web.RequestHandler) -> User | None:
        raise NotImplementedError("RBACLoginHandler signs users in through authenticate()")
