"""JupyterHub single-user servers: the Hub says who the user is and bounds what they may do; our
policy says what they may do within that bound.

JupyterHub's single-user extension keeps its own identity provider; its users carry the Hub's
user model (`user.hub_user`), from which every request gets (as `ExternalGrants`):
- the user's Hub groups: roles our policy gives groups of those names apply (under the Hub
  jupyter-rbac ships no groups, so only groups an administrator or config made count);
- the request's Hub scopes for THIS server in JupyterHub's convention for granular single-user
  permissions, `custom:jupyter_server:{action}:{resource}` (`*` for any action or resource),
  unfiltered, `!user=OWNER`, `!server=OWNER/NAME`, or `!group=G` of a group the owner is in;
  each grants exactly itself. Filtered for another server they grant nothing.
- the bound: JupyterHub's own rule for tokens (a token does at most what its scopes say).
  Where the deployment grants custom scopes (the server's OAuth client may ask for them), the
  request's custom scopes for this server are the most it may do, the owner's requests too: a
  token the owner limited to reading is a reading token (one that carries `execute:*`, the
  Hub's "anything on this server", is not limited). A visitor's custom scopes (a share)
  are both what they get and their ceiling, never a floor beneath other roles.
- the owner holds `c.RBAC.hub_owner_role` (default `admin`). A visitor's custom scopes for this
  server bound them; without a role of ours they are also what the visitor gets. A visitor's API
  token with none does nothing (it was made for something else). A visitor's browser, which the
  Hub never gives a share's scopes, holds the roles our policy gives them, else
  `c.RBAC.hub_visitor_role`.
Reading a dict, this module needs no import of jupyterhub.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, replace

from ..errors import RBACError
from ..model import ScopeError
from ..model.defaults import DEFAULT_GROUPS, EARLIER_GROUPS
from ..policy import ExternalGrants, Policy
from ..store import Store
from .base import OutsideUsers

CUSTOM_PREFIX = "custom:jupyter_server:"
# The Hub's "anything on this server": a token of the owner's that carries it is not limited here
# (the custom scopes name the server's resources; administering our policy is the owner's too).
EVERYTHING = f"{CUSTOM_PREFIX}execute:*"


@dataclass(frozen=True)
class HubServer:
    """This single-user server as the Hub described it in the environment it started us with."""

    owner: str
    name: str = ""
    # True where the Hub may put custom:jupyter_server scopes in this server's tokens
    granular: bool = False

    @classmethod
    def from_environment(cls, environ=os.environ) -> HubServer | None:
        owner = environ.get("JUPYTERHUB_USER")
        if not owner:
            return None
        allowed = environ.get("JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES", "[]")
        try:
            scopes = json.loads(allowed)
        except ValueError:
            scopes = []
        granular = any(
            isinstance(scope, str) and scope.startswith(CUSTOM_PREFIX) for scope in scopes
        )
        return cls(owner, environ.get("JUPYTERHUB_SERVER_NAME", ""), granular)


# The audit actor of the shipped groups taken away under the Hub.
HUB_ACTOR = "jupyter-rbac under JupyterHub"


def remove_shipped_groups(store: Store, log: logging.Logger) -> list[str]:
    """Under the Hub, the Hub's groups are the groups: a group jupyter-rbac shipped (made by this
    or an earlier version, still as shipped: no members, its shipped role and description) would
    silently give its role to everyone in the Hub group of that name (Nebari puts every user in
    one). Delete it, in the audit trail; one an administrator changed stays. Returns the names."""
    removed = []
    for name in sorted(DEFAULT_GROUPS.keys() | EARLIER_GROUPS.keys()):
        shipped = [
            versions[name] for versions in (DEFAULT_GROUPS, EARLIER_GROUPS) if name in versions
        ]
        if not store.group_exists(name):
            continue
        group = store.get_group(name)
        as_shipped = not group.members and any(
            group.description == description and set(group.roles) <= {role}
            for description, role in shipped
        )
        if not as_shipped:
            log.info(
                "jupyter-rbac: kept the group %r under JupyterHub: an administrator changed it",
                name,
            )
            continue
        try:
            store.delete_group(name, actor=HUB_ACTOR)
        except RBACError as error:  # another server removed it meanwhile
            log.debug("jupyter-rbac: did not remove the shipped group %r: %s", name, error)
            continue
        log.warning(
            "jupyter-rbac: removed the shipped group %r: under JupyterHub the Hub's groups are the groups",
            name,
        )
        removed.append(name)
    return removed


class HubGrants:
    def __init__(
        self,
        policy: Policy,
        owner_role: str,
        visitor_role: str,
        log: logging.Logger,
        server: HubServer | None = None,
    ):
        self.policy = policy
        self.owner_role = owner_role
        self.visitor_role = visitor_role
        self.log = log
        self.server = server or HubServer.from_environment() or HubServer(owner="")
        # the owner's Hub groups, for `!group=` filters (from the owner's own requests and the
        # server's token: see `learn_owner`)
        self.owner_groups: frozenset[str] = frozenset()
        self.outside_users = OutsideUsers(policy, log)  # Hub users join our store as they come

    def of(self, user) -> ExternalGrants:
        """The grants of a JupyterHubUser for this request."""
        hub_user: dict = user.hub_user
        username = user.username
        groups = _groups(hub_user)
        if username == self.server.owner:
            self.owner_groups = groups
        scopes = frozenset(self._our_scopes(hub_user.get("scopes") or ()))
        grants = self._grants(username, groups, scopes, is_api_token(hub_user))
        self.outside_users.remember(username, user.display_name or "", source="hub")
        return grants

    def learn_owner(self, owner_model: dict | None) -> None:
        """The owner's Hub model (as the server's own token sees it): their groups."""
        if owner_model and owner_model.get("name") == self.server.owner:
            self.owner_groups = _groups(owner_model)

    def _grants(
        self, username: str, groups: frozenset[str], scopes: frozenset[str], api_token: bool
    ) -> ExternalGrants:
        if username == self.server.owner:
            roles = frozenset({self.owner_role} if self.owner_role else ())
            limited = self.server.granular and EVERYTHING not in scopes
            return ExternalGrants("hub", groups, roles, cap=scopes if limited else None)
        grants = ExternalGrants("hub", groups)
        holds_a_role = self._holds_a_role(username, grants)
        if scopes:
            # what the Hub gave this visitor here (a share, a Hub role) is their ceiling; without a
            # role of ours it is also what they get
            return replace(grants, scopes=frozenset() if holds_a_role else scopes, cap=scopes)
        if api_token and self.server.granular:
            # an API token carries the visitor's share scopes when it has any: without them here
            # it was made for something else (another server, the Hub's API) and does nothing
            return replace(grants, cap=frozenset())
        if self.visitor_role and not holds_a_role:  # a browser: the Hub never puts shares in it
            grants = replace(grants, roles=frozenset({self.visitor_role}))
        return grants

    def _holds_a_role(self, username: str, grants: ExternalGrants) -> bool:
        everyone = self.policy.everyone_role
        return any(role != everyone for role in self.policy.roles_of(username, grants))

    def _applies_here(self, hub_filter: str) -> bool:
        owner, name = self.server.owner, self.server.name
        if not hub_filter:
            return True
        kind, _, value = hub_filter.partition("=")
        if kind == "user":
            return value == owner
        if kind == "server":
            return value == f"{owner}/{name}"
        if kind == "group":
            return value in self.owner_groups
        return False  # a filter we do not know narrows to something else: nothing here

    def _our_scopes(self, hub_scopes) -> list[str]:
        """The request's custom:jupyter_server scopes that apply to this server, in our grammar."""
        ours = []
        for text in hub_scopes:
            if not isinstance(text, str) or not text.startswith(CUSTOM_PREFIX):
                continue  # the Hub's own scopes (access:servers, read:users, ...)
            base, _, hub_filter = text.partition("!")
            if not self._applies_here(hub_filter):
                continue
            action, _, resource = base[len(CUSTOM_PREFIX) :].partition(":")
            scope = f"{CUSTOM_PREFIX}{'execute' if action == '*' else action}:{resource}"  # execute implies all
            try:
                self.policy.catalog.parse(scope)
            except ScopeError as error:
                self.log.warning("jupyter-rbac: ignored the Hub scope %r: %s", text, error)
                continue
            ours.append(scope)
        return ours


def is_api_token(hub_user: dict) -> bool:
    """Did the request come with a JupyterHub API token (not a browser's sign-in)? The Hub names
    the browser session an OAuth token belongs to; an API token has none."""
    return not hub_user.get("session_id")


def _groups(model: dict) -> frozenset[str]:
    return frozenset(g for g in model.get("groups") or () if isinstance(g, str))
