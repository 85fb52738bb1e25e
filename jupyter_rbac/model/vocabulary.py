"""The words of the scope language: actions and what each implies, filters, metascopes,
templates, and the error for a scope that misuses them. Pure: no I/O.

    scope    := base [ "!" filter "=" value ]
    base     := action ":" resource | resource | metascope
    action   := read | write | execute        (execute ⊃ write ⊃ read; a bare resource = every action)
    filter   := path | user | group
    metascope:= all | self
"""

from __future__ import annotations

import re

ACTIONS: tuple[str, ...] = ("read", "write", "execute")
# Each action grants itself and every action listed after it here.
IMPLIED_ACTIONS: dict[str, tuple[str, ...]] = {
    "read": ("read",),
    "write": ("write", "read"),
    "execute": ("execute", "write", "read"),
}
FILTERS: tuple[str, ...] = ("path", "user", "group")
METASCOPES: dict[str, str] = {
    "all": "Everything, on every resource, including administering jupyter-rbac.",
    "self": "Read your own user record and permissions, and manage your own API tokens.",
}
# What `self` means, written in the language itself.
SELF_SCOPES: tuple[str, ...] = ("read:users!user={user}", "tokens!user={user}")
# `{user}` and `{group}` in a filter value are filled per user (see permissions.expand_templates).
TEMPLATE_NAMES: tuple[str, ...] = ("user", "group")
TEMPLATE = re.compile(r"\{([^{}]*)\}")


class ScopeError(ValueError):
    """A scope that cannot be parsed, or that names something the catalog does not have."""

    def __init__(self, scope: str, problem: str):
        self.scope = scope
        self.problem = problem
        super().__init__(f"invalid scope {scope!r}: {problem}")
