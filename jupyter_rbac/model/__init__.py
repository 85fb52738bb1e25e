"""The policy's vocabulary, pure: scopes and their grammar, paths and globs, compiled
permissions, the default roles. No I/O, and nothing else of jupyter-rbac is imported here.

    vocabulary   the words of the scope language (actions, filters, metascopes) and ScopeError
    catalog      the one table of resources and what each action on them means
    grammar      parsing `action:resource!filter=value` (and the `custom:` aliases) into a Scope
    globs        `!path=` globs: segments, matching, containment
    permissions  what a user's scopes allow, compiled, with {user} and {group} filled in
    names        the one rule for user, group and role names
    paths        server paths as the platform spells them
    defaults     the roles and groups jupyter-rbac ships

Callers import the scope language from this package (`model import Catalog`), paths and
defaults from their own modules.
"""

from .catalog import BUILTIN_RESOURCES, MAX_PARSED_SCOPES, Catalog, Resource, extension_resource
from .grammar import Scope, canonical_text, object_scope
from .names import NAME_PATTERN, NAME_RULE, is_plain_name
from .permissions import (
    UNRESTRICTED,
    FilteredGrant,
    Permissions,
    TokenLimitedPermissions,
    compile_permissions,
)
from .vocabulary import ACTIONS, FILTERS, IMPLIED_ACTIONS, METASCOPES, ScopeError

__all__ = [
    "ACTIONS",
    "BUILTIN_RESOURCES",
    "FILTERS",
    "IMPLIED_ACTIONS",
    "MAX_PARSED_SCOPES",
    "METASCOPES",
    "NAME_PATTERN",
    "NAME_RULE",
    "UNRESTRICTED",
    "Catalog",
    "FilteredGrant",
    "Permissions",
    "Resource",
    "Scope",
    "ScopeError",
    "TokenLimitedPermissions",
    "canonical_text",
    "compile_permissions",
    "extension_resource",
    "is_plain_name",
    "object_scope",
]
