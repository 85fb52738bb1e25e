"""The login page: user name and password (or a personal token), rate-limited, audited."""

from __future__ import annotations

import math

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.login import LoginFormHandler
from tornado.escape import url_escape

MAX_FIELD = 1_024  # characters of a user name or password a form may send


class RBACLoginHandler(LoginFormHandler):
    """jupyter_server's login form, with a user name field, a throttle and an audit trail."""

    def _render(self, message: dict | None = None, username: str = "") -> None:
        self.write(
            self.render_template(
                "rbac_login.html",
                next=url_escape(self.get_argument("next", default=self.base_url)),
                message=message,
                username=username,
                passwords=bool(
                    self.identity_provider.rbac and self.identity_provider.rbac.allow_passwords
                ),
            )
        )

    def _too_many_attempts(self, wait: float, username: str) -> None:
        seconds = math.ceil(wait)
        self.set_status(429)
        self.set_header("Retry-After", str(seconds))
        self._render(
            {"error": f"Too many failed sign-ins. Try again in {seconds} seconds."}, username
        )

    @allow_unauthenticated
    async def post(self) -> None:
        provider = self.identity_provider
        username = self.get_body_argument("username", default="").strip()[:MAX_FIELD]
        secret = self.get_body_argument("password", default="")[:MAX_FIELD]
        address = self.request.remote_ip or ""
        wait = provider.throttle.wait_time(username, address)
        if wait > 0:
            self._too_many_attempts(wait, username)
            return
        provider.throttle.failed(username, address)  # now: guesses sent at once count at once
        user = await provider.authenticate(username, secret)
        store = provider.policy.store
        if user is None:
            store.record_event("", "user.login_failed", username[:255], address=address)
            self.log.warning("Failed sign-in for %r from %s", username, address)
            self.set_status(401)
            self._render({"error": "Invalid user name or password."}, username)
            return
        provider.throttle.succeeded(username, address)
        store.record_event(user.username, "user.login", user.username, address=address)
        self.current_user = user
        provider.set_login_cookie(self, user)
        self._redirect_safe(self.get_argument("next", default=self.base_url))
