"""What jupyter-rbac knows about one request while it is answered: one typed record per request.

The route guard creates it when tornado makes the handler (every handler of the server is
dispatched through the guard, see guard.py); the identity provider records the credential the
request came with, the Authorizer the permissions it judged with and the scope it found missing,
and the response filters, the error page and the websocket checks read them. Nothing else is kept
on the handler. A websocket keeps its record for as long as it stays open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Permissions
    from ..policy import ExternalGrants
    from .contents_check import JudgedRequest
    from .guard import RouteGuard


@dataclass(eq=False)
class RequestContext:
    """One request (or one websocket, from its upgrade to its close) under the policy."""

    guard: RouteGuard | None = None  # None only for a handler the guard did not dispatch
    websocket: bool = False
    prepared: bool = False  # the guard's `prepare` ran: the request has a user, maybe

    # How the request authenticated, when with one of our API tokens (the identity provider's
    # answer): the secret, so that an open websocket can ask whether it was revoked since; its
    # scopes, when the token is limited; and its class (`identity.credentials.Credential`).
    token: str | None = None
    token_id: int | None = None
    token_scopes: frozenset[str] | None = None
    credential: Any = None
    # What an outside identity source says of this user (JupyterHub's groups and scopes),
    # worked out once; a websocket forgets it when the Hub answers anew.
    external: ExternalGrants | None = None

    # The Authorizer's findings.
    permissions: Permissions | None = None  # the policy's version the request is judged by
    missing_scope: str | None = None  # what the last refusal lacked, for the 403's message
    traversal_only: bool = False  # allowed only as a folder on the way to what the user may read
    judged: JudgedRequest | None = None  # the paths allowed, for the file manager's own check

    # A websocket's: what its upgrade asked the Authorizer (asked again at each message), the
    # permissions that last let it through, and its entry in the presence registry.
    questions: list[tuple[str, str]] = field(default_factory=list)
    judged_with: Permissions | None = None
    # why a websocket was closed: every message that still arrives before it is gone (a client
    # may go on sending until the close handshake ends) is dropped
    withdrawn: str | None = None
    presence_connection: int | None = None
    # the event stream's: its user's permission changes as last told (`Permissions.changes`)
    permissions_told: int | None = None

    finishing_error: bool = False  # an error page is being written: no response filter applies


def context_of(handler: Any) -> RequestContext:
    """The request's context. A handler the guard did not dispatch (none should reach the
    Authorizer) gets a blank one of its own, so that nothing is remembered for it."""
    context = getattr(handler, "rbac_context", None)
    return context if isinstance(context, RequestContext) else RequestContext()
