"""API tokens: `/api/rbac/tokens` (every token the caller may see) and a user's,
`/api/rbac/users/{name}/tokens[/{id}]`."""

from __future__ import annotations

from ..errors import InvalidInput
from ..identity.credentials import require_may_mint, require_own_credential
from ..store import check_name
from .base import RBACHandler, api


class AllTokensHandler(RBACHandler):
    @api
    def get(self) -> None:
        """Everyone's tokens the caller may read, a page at a time (newest first)."""
        listing = self.listing(default_sort="-created_at")
        user = self.get_query_argument("user", None)
        if user is not None:
            check_name("user", user)  # a 400 for what can name no user
        page = self.service.page_tokens(self.actor, listing, user=user)
        self.send_page(page, listing)


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
