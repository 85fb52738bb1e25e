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


class PreconditionFailed(RBACError):
    """The caller's `If-Match` names a version of the resource that is no longer current."""

    status = 412


class Forbidden(RBACError):
    """Refused: the caller lacks `missing_scope`, or would grant a scope they do not hold."""

    status = 403

    def __init__(self, message: str, missing_scope: str | None = None):
        super().__init__(message)
        self.missing_scope = missing_scope
