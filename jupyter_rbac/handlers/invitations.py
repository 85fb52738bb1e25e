"""`/api/rbac/invitations[/{id}]`: invite someone (a single-use link that creates their user)."""

from __future__ import annotations

from jupyter_server.utils import url_path_join

from ..errors import InvalidInput
from .base import RBACHandler, api


class InvitationsHandler(RBACHandler):
    @api
    def get(self) -> None:
        include_closed = self.get_query_argument("all", "false")
        if include_closed not in ("true", "false"):
            raise InvalidInput("all: true or false")
        invitations = self.accounts.invitations(self.actor, include_closed == "true")
        self.send_json({"items": [i.to_json() for i in invitations], "total": len(invitations)})

    @api
    def post(self) -> None:
        """A new invitation; its link is in this answer and nowhere else, ever."""
        body = self.json_body("InvitationCreate")
        invited = self.accounts.invite(
            self.actor,
            body["username"],
            display_name=body.get("display_name", ""),
            roles=body.get("roles", []),
            groups=body.get("groups", []),
            password=body.get("password"),
            expires_in=body.get("expires_in"),
        )
        path = url_path_join(self.base_url, "rbac/invite") + f"?code={invited.code}"
        url = f"{self.request.protocol}://{self.request.host}{path}"
        self.set_header("Location", f"{self.request.path.rstrip('/')}/{invited.invitation.id}")
        self.send_json({**invited.invitation.to_json(), "url": url, "path": path}, 201)


class InvitationHandler(RBACHandler):
    @api
    def delete(self, invitation_id: str) -> None:
        if not invitation_id.isdigit() or len(invitation_id) > 18:
            raise InvalidInput(f"invitation id: {invitation_id!r} is not an invitation id")
        self.accounts.revoke(self.actor, int(invitation_id))
        self.no_content()
