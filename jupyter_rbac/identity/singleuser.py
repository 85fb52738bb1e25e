"""JupyterHub single-user servers: the Hub says who the user is, our policy what they may do.

JupyterHub's single-user extension keeps its own identity provider; its users carry the Hub's
user model (`user.hub_user`), from which every request gets (as `ExternalGrants`):
- the user's Hub groups: roles our policy gives those groups apply;
- the scopes of the request's Hub token in JupyterHub's convention for granular single-user
  permissions, `custom:jupyter_server:{action}:{resource}` (`*` for any action or resource),
  unfiltered or filtered `!user=OWNER` / `!server=OWNER/NAME` of THIS server; filtered for
  another server they grant nothing;
- for the server's owner, `c.RBAC.hub_owner_role` (default `admin`);
- for a visitor the Hub let in (a share) who holds no role of ours and whose token carries no
  custom scope (the Hub puts a share's scopes in API tokens, never in browser tokens),
  `c.RBAC.hub_visitor_role` (default `viewer`).
Reading a dict, this module needs no import of jupyterhub.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace

from ..policy import ExternalGrants, Policy
from ..scopes import ScopeError

CUSTOM_PREFIX = "custom:jupyter_server:"


class HubGrants:
    def __init__(self, policy: Policy, owner_role: str, visitor_role: str, log: logging.Logger):
        self.policy = policy
        self.owner_role = owner_role
        self.visitor_role = visitor_role
        self.log = log
        self._remembered: set[str] = set()

    def of(self, user) -> ExternalGrants:
        """The grants of a JupyterHubUser for this request."""
        hub_user: dict = user.hub_user
        username = user.username
        owner = os.environ.get("JUPYTERHUB_USER", "")
        groups = frozenset(g for g in hub_user.get("groups") or () if isinstance(g, str))
        scopes = frozenset(self._our_scopes(hub_user.get("scopes") or (), owner))
        roles = frozenset({self.owner_role} if username == owner and self.owner_role else ())
        grants = ExternalGrants("hub", groups, roles, scopes)
        if not roles and not scopes and self.visitor_role and not self._holds_a_role(username, grants):
            grants = replace(grants, roles=frozenset({self.visitor_role}))
        self._remember(username, user.display_name or "")
        return grants

    def _holds_a_role(self, username: str, grants: ExternalGrants) -> bool:
        everyone = self.policy.everyone_role
        return any(role != everyone for role in self.policy.roles_of(username, grants))

    def _our_scopes(self, hub_scopes, owner: str) -> list[str]:
        """The request's custom:jupyter_server scopes that apply to this server, in our grammar."""
        server_name = os.environ.get("JUPYTERHUB_SERVER_NAME", "")
        ours = []
        for text in hub_scopes:
            if not isinstance(text, str) or not text.startswith(CUSTOM_PREFIX):
                continue  # the Hub's own scopes (access:servers, read:users, ...)
            base, _, hub_filter = text.partition("!")
            if hub_filter and hub_filter not in (f"user={owner}", f"server={owner}/{server_name}"):
                continue  # for another user's server
            action, _, resource = base[len(CUSTOM_PREFIX) :].partition(":")
            scope = f"{CUSTOM_PREFIX}{'execute' if action == '*' else action}:{resource}"  # execute implies all
            try:
                self.policy.catalog.parse(scope)
            except ScopeError as error:
                self.log.warning("jupyter-rbac: ignored the Hub scope %r: %s", text, error)
                continue
            ours.append(scope)
        return ours

    def _remember(self, username: str, display_name: str) -> None:
        """Hub users appear in our store the first time they come, so admins can give them roles."""
        if username in self._remembered:
            return
        if not self.policy.knows_user(username):
            try:
                self.policy.store.create_user(username, display_name, actor="hub")
            except Exception as error:  # another server created them meanwhile, or a name we cannot hold
                self.log.debug("jupyter-rbac: did not remember Hub user %r: %s", username, error)
        self._remembered.add(username)
