"""Use cases of API tokens: list, read, create and revoke a user's tokens. A token never acts
with more than its creator holds: its scopes (or its owner's, for an unlimited one) must all be
the creator's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..errors import InvalidInput, NotFound
from ..limits import MAX_TOKEN_LIFETIME, MAX_TOKEN_NOTE
from ..model import TokenLimitedPermissions, compile_permissions
from ..store import Page, TokenRecord, check_text
from .inputs import Listing, check_scopes
from .rules import Actor, PermissionRules, owner_constraints


class TokenAdministration(PermissionRules):
    def list_tokens(self, actor: Actor, username: str) -> list[TokenRecord]:
        self.require_token_access(actor, "read", username)
        return self.store.list_tokens(username)

    def page_tokens(
        self, actor: Actor, listing: Listing, user: str | None = None
    ) -> Page[TokenRecord]:
        """The tokens of every user whose tokens `actor` may read (everyone: their own), a page
        at a time; `user`: one owner's only."""
        self.require_some(actor, "read", "tokens")
        only = owner_constraints(actor.permissions, "read", "tokens")
        return self.store.page_tokens(
            listing.limit, listing.offset, listing.sort, listing.query, user=user, only=only
        )

    def get_token(self, actor: Actor, username: str, token_id: int) -> TokenRecord:
        self.require_token_access(actor, "read", username)
        return self.store.get_token(username, token_id)

    def create_token(
        self,
        username: str,
        note: str = "",
        scopes: list[str] | None = None,
        expires_in: float | None = None,
        actor: Actor | None = None,
    ) -> tuple[int, str]:
        """A token for `username`. Its power is its owner's (or `scopes`, within them): the actor
        must hold all of that, so that a token is never a way to act with more than you have."""
        actor = actor or Actor.system()
        if actor.name != username or not actor.permissions.is_all:
            self.require_token_access(actor, "write", username)
        if scopes is not None:
            scopes = check_scopes(self.catalog, scopes, "token")
            # what the scopes mean for the token's owner (`self` and templates name the owner's
            # records): the maker must hold that, not the words
            groups = self.policy.groups_of(username) if self.policy is not None else ()
            meant = compile_permissions(self.catalog, scopes, username, groups).scopes
            self.require_held(actor, sorted(meant), "this token")
        elif actor.name != username or isinstance(actor.permissions, TokenLimitedPermissions):
            # an unlimited token speaks with all of its owner's scopes: someone else, or a limited
            # token of the owner's, must hold them all (a limited token never mints a wider one)
            owner_scopes = sorted(self.policy.permissions(username).scopes)
            self.require_held(actor, owner_scopes, f"a token of {username!r} without scopes")
        if expires_in is not None:
            check_token_lifetime(expires_in)
        check_token_note(note)
        expires_at = (
            datetime.now(timezone.utc) + timedelta(seconds=expires_in) if expires_in else None
        )
        if not self.store.user_exists(username):
            raise NotFound(f"no user named {username!r}")
        return self.store.create_token(
            username, note, scopes, expires_at=expires_at, actor=actor.name
        )

    def delete_token(self, actor: Actor, username: str, token_id: int) -> None:
        self.require_token_access(actor, "write", username)
        self.store.delete_token(token_id, actor=actor.name, username=username)

    def require_token_owner_visible(self, actor: Actor, action: str, username: str) -> None:
        """The tokens of a user the caller may not see are as missing as those of a user that does
        not exist: 404, not a 403 that tells the user is there. Whoever holds `action:tokens` for
        nobody is told that scope, for every name alike (require_token_access does it)."""
        if not actor.permissions.allows_some(action, "tokens"):
            return
        visible = self.may(actor, "read", "users", user=username)
        if visible or self.may(actor, action, "tokens", user=username):
            return  # the user is no secret to them: require_token_access names what is missing
        raise NotFound(f"no user named {username!r}")

    def require_token_access(self, actor: Actor, action: str, username: str) -> None:
        if not self.policy.knows_user(username) and actor.permissions.allows_some(action, "tokens"):
            raise NotFound(f"no user named {username!r}")
        self.require(actor, action, "tokens", user=username)


def check_token_lifetime(value: object) -> float:
    """Seconds until a token expires, as given (a second to a year)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput("expires_in: a number of seconds")
    if not 1 <= value <= MAX_TOKEN_LIFETIME:
        raise InvalidInput(f"expires_in: between 1 and {MAX_TOKEN_LIFETIME} seconds (a year)")
    return value


def check_token_note(value: object) -> str:
    """What a token is for: one line."""
    if not isinstance(value, str) or len(value) > MAX_TOKEN_NOTE:
        raise InvalidInput(f"note: a string of at most {MAX_TOKEN_NOTE} characters")
    return check_text("note", value)
