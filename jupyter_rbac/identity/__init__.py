"""Who the user is. Standalone: our own users with per-user tokens (this package's `tokens`)."""

from .tokens import RBACIdentityProvider

__all__ = ["RBACIdentityProvider"]
