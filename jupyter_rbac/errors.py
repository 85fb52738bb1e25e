"""Errors of jupyter-rbac's use cases: values with a message a person can act on.

Handlers turn them into HTTP statuses; the CLI prints them.
"""

from __future__ import annotations


class RBACError(Exception):
    """Base class; `status` is the HTTP status a handler answers with."""

    status = 400

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class InvalidInput(RBACError):
    status = 400


class NotFound(RBACError):
    status = 404


class Conflict(RBACError):
    status = 409


class Forbidden(RBACError):
    """A use case refused for a reason the policy names (e.g. the last admin cannot go)."""

    status = 403
