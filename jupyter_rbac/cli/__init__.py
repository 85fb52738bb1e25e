"""`jupyter rbac`: manage the policy from a shell, with or without a running server."""

from .main import main

__all__ = ["main"]
