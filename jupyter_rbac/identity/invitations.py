"""Accepting an invitation: `/rbac/invite?code=...` shows who is invited; posting the form creates
the user (or, for a sign-in link, takes the new password if one was chosen), signs the browser in
and opens JupyterLab.

Opening the link changes nothing (link previewers and mail scanners fetch links too): only the
form's POST, with the XSRF token of this page, uses the invitation.
"""

from __future__ import annotations

import asyncio

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join

from ..errors import InvalidInput, RBACError

MAX_CODE = 256  # characters; ours are about 70


class InvitationPage(JupyterHandler):
    @property
    def accounts(self):
        return self.settings["rbac_accounts"]

    def _code(self) -> str:
        code = self.get_argument("code", default="")
        if not code or len(code) > MAX_CODE:
            raise InvalidInput(
                "this link has no invitation code; open the whole link you were sent"
            )
        return code

    def _render(self, status: int = 200, **page) -> None:
        self.set_status(status)
        # The code is in this page's URL: never send it to another site (same-origin keeps the
        # Origin header of the form's POST, which jupyter_server checks).
        self.set_header("Referrer-Policy", "same-origin")
        page.setdefault("invitation", None)
        page.setdefault("error", None)
        page.setdefault("code", "")
        self.write(self.render_template("rbac_invite.html", **page))

    @allow_unauthenticated
    async def get(self) -> None:
        try:
            code = self._code()
            invitation = await asyncio.to_thread(self.accounts.invitation_for, code)
        except RBACError as error:
            self._render(error.status, error=error.message)
            return
        self._render(invitation=invitation, code=code, passwords=self.accounts.settings.passwords)

    @allow_unauthenticated
    async def post(self) -> None:
        password = self.get_body_argument("password", default="")
        repeated = self.get_body_argument("password_repeat", default="")
        try:
            code = self._code()
            if password != repeated:
                raise InvalidInput("the two passwords differ")
            user = await asyncio.to_thread(self.accounts.accept, code, password or None)
        except RBACError as error:
            invitation = None
            if error.status == 400:  # a form mistake: show the form again
                try:
                    invitation = await asyncio.to_thread(
                        self.accounts.invitation_for, self.get_argument("code", "")
                    )
                except RBACError:
                    pass
            self._render(
                error.status,
                error=error.message,
                invitation=invitation,
                code=self.get_argument("code", ""),
                passwords=self.accounts.settings.passwords,
            )
            return
        provider = self.identity_provider
        provider.policy.refresh()  # the new user, before the cookie reads their session epoch
        self.log.info("%s used their invitation or sign-in link", user.name)
        provider.set_login_cookie(self, provider.user_for(user.name))
        self.redirect(url_path_join(self.base_url, "lab"))
