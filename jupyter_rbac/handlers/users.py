"""`/api/rbac/users[/{name}]` and a user's effective permissions."""

from __future__ import annotations

from ..errors import InvalidInput
from ..identity.credentials import require_own_credential
from ..services import Changes
from .base import RBACHandler, api


class UsersHandler(RBACHandler):
    @api
    def get(self) -> None:
        listing = self.listing()
        page = self.service.list_users(
            self.actor,
            listing,
            role=self.get_query_argument("role", None),
            group=self.get_query_argument("group", None),
        )
        self.send_page(page, listing)

    @api
    def post(self) -> None:
        body = self.json_body("UserCreate")
        user = self.service.create_user(
            self.actor,
            login_of(body),
            roles=body.get("roles", []),
            groups=body.get("groups", []),
            display_name=body.get("display_name", ""),
        )
        self.set_header("Location", self.request.path.rstrip("/") + "/" + user.name)
        self.send_record(user, 201)


class UserHandler(RBACHandler):
    def _for_write(self, name: str):
        require = lambda: self.service.require(self.actor, "write", "users", user=name)
        return self.for_write(self.service.get_user, require, name)

    @api
    def get(self, name: str) -> None:
        self.send_record(self.service.get_user(self.actor, name))

    @api
    def patch(self, name: str) -> None:
        """Change the fields given; `roles` (direct roles) and `groups` are complete new lists."""
        body = self.json_body("UserPatch")
        if name == self.current_user.username and "display_name" in body:
            # one's own profile, as PATCH /api/rbac/me: not with a token someone else made
            require_own_credential(self, "changing your own profile")
        current = self._for_write(name)
        changes = Changes(
            display_name=body.get("display_name"),
            roles=body.get("roles"),
            groups=body.get("groups"),
            expected_revision=self.expected_revision(current),
        )
        self.send_record(self.service.update_user(self.actor, name, changes))

    @api
    def delete(self, name: str) -> None:
        current = self._for_write(name)
        self.service.delete_user(self.actor, name, self.expected_revision(current))
        self.no_content()


class UserSessionsHandler(RBACHandler):
    @api
    def delete(self, name: str) -> None:
        """Sign a user out of every browser (their API tokens stay valid)."""
        if name == self.current_user.username:  # as DELETE /api/rbac/me/sessions
            require_own_credential(self, "signing yourself out everywhere")
        self.service.end_sessions_of(self.actor, name)
        self.no_content()


class UserPermissionsHandler(RBACHandler):
    @api
    def get(self, name: str) -> None:
        self.send_json(self.service.permissions_of(self.actor, name))


def login_of(body: dict) -> str:
    """The new user's login: `username`, or `name`, its deprecated spelling (0.2)."""
    username, name = body.get("username"), body.get("name")
    if username is None and name is None:
        raise InvalidInput("username: required (the new user's login)")
    if username is not None and name is not None and username != name:
        raise InvalidInput("username and name differ: give only username (name is deprecated)")
    return username if username is not None else name
