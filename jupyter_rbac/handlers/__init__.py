"""REST handlers of /api/rbac: thin; they ask the policy and the service, and shape JSON."""

from .me import MeHandler, ScopesHandler

__all__ = ["MeHandler", "ScopesHandler"]
