"""Who the user is, in the three places people run Jupyter:
- standalone (the default): our own users, passwords, tokens and invitations (`standalone`);
- JupyterHub single-user servers: the Hub's users, groups and custom scopes (`singleuser`);
- OpenID Connect / Keycloak: bearer JWTs and the login flow (`openid`).
"""

from .openid import OIDCIdentityProvider
from .standalone import RBACIdentityProvider

__all__ = ["OIDCIdentityProvider", "RBACIdentityProvider"]
