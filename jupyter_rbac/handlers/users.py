"""`/api/rbac/users[/{name}]`, a user's effective permissions, and their API tokens."""

from __future__ import annotations

from ..errors import InvalidInput
from ..identity.credentials import require_may_mint, require_own_credential
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
            body["name"],
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


class UserPermissionsHandler(RBACHandler):
    @api
    def get(self, name: str) -> None:
        self.send_json(self.service.permissions_of(self.actor, name))


class TokensHandler(RBACHandler):
    @api
    def get(self, name: str) -> None:
        self.service.require_token_owner_visible(self.actor, "read", name)
        tokens = self.service.list_tokens(self.actor, name)
        self.send_json({"items": [token.to_json() for token in tokens], "total": len(tokens)})

    @api
    def post(self, name: str) -> None:
        """A new token; its secret is in this answer and nowhere else, ever."""
        self.service.require_token_owner_visible(self.actor, "write", name)
        require_may_mint(self, name)
        body = self.json_body("TokenCreate", may_be_empty=True)
        token_id, secret = self.service.create_token(
            name,
            note=body.get("note", ""),
            scopes=body.get("scopes"),
            expires_in=body.get("expires_in"),
            actor=self.actor,
        )
        token = self.service.get_token(self.actor, name, token_id)
        self.set_header("Location", f"{self.request.path.rstrip('/')}/{token_id}")
        self.send_json({**token.to_json(), "token": secret}, 201)


class TokenHandler(RBACHandler):
    @api
    def get(self, name: str, token_id: str) -> None:
        self.service.require_token_owner_visible(self.actor, "read", name)
        self.service.require_token_access(self.actor, "read", name)  # before looking at the id
        self.send_json(self.service.get_token(self.actor, name, _token_id(token_id)).to_json())

    @api
    def delete(self, name: str, token_id: str) -> None:
        self.service.require_token_owner_visible(self.actor, "write", name)
        if name == self.current_user.username:
            require_own_credential(self, "revoking your own token")
        self.service.require_token_access(self.actor, "write", name)
        self.service.delete_token(self.actor, name, _token_id(token_id))
        self.no_content()


def _token_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidInput(f"token id: {raw!r} is not a token id")
    return int(raw)
