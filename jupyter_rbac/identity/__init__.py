"""Who the user is: standalone (our own users, passwords, tokens and invitations), JupyterHub
single-user (`hub`), OpenID Connect / Keycloak (`oidc`). Groups and roles may come from here too.
"""

from .standalone import RBACIdentityProvider

__all__ = ["RBACIdentityProvider"]
