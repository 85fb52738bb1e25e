"""What a request proved itself with, classified once when it is authenticated, and the one rule
for changes to an account: only the account's owner, with an unlimited credential of their own,
changes its password, profile, sessions or tokens.

A limited token does what its scopes allow and no more; a token someone else made for the user
(an administrator, or anyone holding `write:tokens`) acts for them within its scopes but never
changes their credentials, never mints tokens and never becomes a browser session: otherwise a
narrow token planted on an account could set its first password and take it over.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..enforcement.context import context_of
from ..errors import Forbidden

if TYPE_CHECKING:
    from tornado.web import RequestHandler

    from ..store import TokenIdentity

# Makers that are not users: the server at start (the first admin's login link) and the shell,
# whose user owns the database and could set the password anyway.
_OPERATORS = ("system", "config")
_OPERATOR_PREFIX = "cli:"


class Kind(enum.Enum):
    SESSION = "a browser session"
    OWN_TOKEN = "an unlimited token of your own"
    LIMITED_TOKEN = "a token limited to some scopes"
    MINTED_TOKEN = "a token someone else made for you"
    HUB_TOKEN = "a JupyterHub API token"


@dataclass(frozen=True)
class Credential:
    """How the request's user proved who they are."""

    kind: Kind
    made_by: str | None = None  # a token's maker

    @property
    def is_own_and_unlimited(self) -> bool:
        """May this credential change its user's account (password, profile, sessions, tokens)?"""
        return self.kind in (Kind.SESSION, Kind.OWN_TOKEN)

    @property
    def may_mint_tokens(self) -> bool:
        """A token someone else made never makes further tokens, for anyone."""
        return self.kind not in (Kind.MINTED_TOKEN, Kind.HUB_TOKEN)


SESSION = Credential(Kind.SESSION)


def made_by_owner(identity: TokenIdentity) -> bool:
    maker = identity.created_by
    if maker is None:  # from before migration 0004, not in the audit trail: nobody vouches for it
        return False
    return maker == identity.username or maker in _OPERATORS or maker.startswith(_OPERATOR_PREFIX)


def classify_token(identity: TokenIdentity) -> Credential:
    if not made_by_owner(identity):
        return Credential(Kind.MINTED_TOKEN, identity.created_by)
    if identity.scopes is not None:
        return Credential(Kind.LIMITED_TOKEN, identity.created_by)
    return Credential(Kind.OWN_TOKEN, identity.created_by)


def remember_token(handler: RequestHandler, secret: str, identity: TokenIdentity) -> Credential:
    """Called by the identity provider when it authenticates a request with one of our tokens:
    the request's context keeps the token (an open websocket asks later whether it was revoked),
    its scopes if it is limited, and its class."""
    context = context_of(handler)
    context.token = secret
    context.token_id = identity.token_id
    context.token_scopes = identity.scopes
    context.credential = classify_token(identity)
    return context.credential


def credential_of(handler: RequestHandler) -> Credential:
    """The request's credential: a token's class, else a browser session (or an outside identity
    provider's sign-in, which vouches for the whole user). Under JupyterHub, only the browser's
    sign-in of a request the Hub does not limit is a session: a Hub API token (whose maker we
    cannot see) or a limited one never changes the account."""
    context = context_of(handler)
    if context.credential is not None:
        return context.credential
    user = getattr(handler, "current_user", None)
    hub_user = getattr(user, "hub_user", None)
    if hub_user is None:
        return SESSION
    # Worked out here if no check of this request has: the account's own routes need no scope.
    grants_of = getattr(getattr(handler, "authorizer", None), "external_grants", None)
    external = grants_of(handler, user) if grants_of is not None else context.external
    if external is not None and external.cap is not None:
        return Credential(Kind.LIMITED_TOKEN)
    return Credential(Kind.HUB_TOKEN) if not hub_user.get("session_id") else SESSION


def require_own_credential(handler: RequestHandler, change: str) -> None:
    """Raise Forbidden unless the request may change its own user's account; `change` says what
    ("changing your password")."""
    credential = credential_of(handler)
    if not credential.is_own_and_unlimited:
        raise Forbidden(
            f"{change} needs a browser session or an unlimited token of your own;"
            f" this request came with {credential.kind.value}"
        )


def require_may_mint(handler: RequestHandler, owner: str, what: str = "a token") -> None:
    """Raise Forbidden unless the request may make `what` (a token, a sign-in link: a credential)
    for `owner`: a token someone else made never mints; one's own credentials are made with an
    unlimited credential of one's own (else a narrow or planted token would make itself a wider
    one, or a browser session that sets the password)."""
    credential = credential_of(handler)
    if owner == handler.current_user.username:
        require_own_credential(handler, f"making {what} for yourself")
    elif not credential.may_mint_tokens:
        raise Forbidden(
            f"making {what} needs a credential of your own (a browser session or a token you"
            f" made); this request came with {credential.kind.value}"
        )
