"""`/api/rbac/invitations[/{id}]`: invite someone (a single-use link that creates their user)."""

from __future__ import annotations

from jupyter_server.utils import url_path_join

from ..errors import InvalidInput
from ..identity.credentials import require_may_mint
from .base import RBACHandler, api


class InvitationsHandler(RBACHandler):
    @api
    def get(self) -> None:
        """A page of the invitations in a state (pending by default), oldest first."""
        include_closed = self.get_query_argument("all", None)  # before `state`: "all" alone
        if include_closed not in (None, "true", "false"):
            raise InvalidInput("all: true or false")
        state = self.get_query_argument("state", "all" if include_closed == "true" else "pending")
        listing = self.listing(default_sort="created_at")
        self.send_page(self.accounts.page_invitations(self.actor, listing, state), listing)

    @api
    def post(self) -> None:
        """A new invitation; its link is in this answer and nowhere else, ever."""
        body = self.json_body("InvitationCreate")
        # a link is a credential (a browser session of its user), made as a token is: never with
        # a token someone else made (it would launder itself into a session through a new user)
        what = "a sign-in link" if body.get("sign_in") is True else "an invitation"
        require_may_mint(self, body["username"], what)
        invited = self.accounts.invite(
            self.actor,
            body["username"],
            display_name=body.get("display_name", ""),
            roles=body.get("roles", []),
            groups=body.get("groups", []),
            password=body.get("password"),
            expires_in=body.get("expires_in"),
            sign_in=body.get("sign_in", False),
        )
        path = url_path_join(self.base_url, "rbac/invite") + f"?code={invited.code}"
        url = f"{self.request.protocol}://{self.request.host}{path}"
        self.set_header("Location", f"{self.request.path.rstrip('/')}/{invited.invitation.id}")
        self.send_json({**invited.invitation.to_json(), "url": url, "path": path}, 201)


class InvitationPreviewHandler(RBACHandler):
    @api
    def post(self) -> None:
        """What the invitee would be able to do with these roles and groups; nothing is made.
        Refused as the invitation itself would be."""
        body = self.json_body("InvitationPreview")
        self.send_json(
            self.service.preview_new_user(
                self.actor, body["username"], body.get("roles", []), body.get("groups", [])
            )
        )


class InvitationHandler(RBACHandler):
    @api
    def delete(self, invitation_id: str) -> None:
        if not invitation_id.isdigit() or len(invitation_id) > 18:
            raise InvalidInput(f"invitation id: {invitation_id!r} is not an invitation id")
        self.accounts.revoke(self.actor, int(invitation_id))
        self.no_content()
