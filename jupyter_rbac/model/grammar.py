"""The scope grammar: reading `action:resource!filter=value` (and the aliases
`custom:jupyter_server:{action}:{resource|*}`, JupyterHub's convention) into a Scope, and
writing scopes back as text. Pure: no I/O.

The resources a scope may name come from a catalog (see catalog.py), which also remembers
what it parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .globs import glob_segments
from .names import CONTROL_CHARACTERS
from .vocabulary import (
    ACTIONS,
    FILTERS,
    IMPLIED_ACTIONS,
    METASCOPES,
    TEMPLATE,
    TEMPLATE_NAMES,
    ScopeError,
)

if TYPE_CHECKING:
    from .catalog import Catalog


@dataclass(frozen=True)
class Scope:
    """A parsed scope. `resources` is empty for the `all` metascope, which grants everything."""

    text: str
    actions: tuple[str, ...]  # the actions granted, implied ones included
    resources: tuple[str, ...]
    filter: str | None = None
    value: str | None = None
    is_all: bool = False

    @property
    def is_template(self) -> bool:
        return self.value is not None and "{" in self.value


_FILTER_VALUE = re.compile(r"^[^!\s]+$")


def parse_scope(text: str, catalog: Catalog) -> Scope:
    """Parse one scope against the resources of `catalog`; raises ScopeError naming the scope
    and the problem. (Catalog.parse remembers the answers: call that.)"""
    if not isinstance(text, str) or not text.strip():
        raise ScopeError(str(text), "a scope must be a non-empty string")
    if text != text.strip():
        raise ScopeError(text, "a scope may not start or end with spaces")
    base, sep, filter_part = text.partition("!")
    filter_name = value = None
    if sep:
        filter_name, eq, value = filter_part.partition("=")
        if not eq or not value:
            raise ScopeError(
                text, "a filter is written '!path=VALUE', '!user=NAME' or '!group=NAME'"
            )
        if filter_name not in FILTERS:
            raise ScopeError(
                text, f"unknown filter {filter_name!r}; filters are {', '.join(FILTERS)}"
            )
        if not _FILTER_VALUE.match(value):
            raise ScopeError(text, "a filter value may not contain spaces or '!'")
        if CONTROL_CHARACTERS.search(value):
            raise ScopeError(text, "a filter value may not contain control characters")
        _check_templates(text, value)

    if base in METASCOPES:
        if sep:
            raise ScopeError(text, f"the metascope {base!r} takes no filter")
        return Scope(text, ACTIONS, (), is_all=(base == "all"))

    if base.startswith("custom:"):
        base = _unalias(text, base)

    action, colon, resource_name = base.rpartition(":")
    if not colon:
        action, resource_name = "", base
    elif not action:  # ":contents" is no bare resource: a typo must not grant every action
        raise ScopeError(text, f"an action comes before ':'; actions are {', '.join(ACTIONS)}")
    if action and action not in ACTIONS:
        raise ScopeError(text, f"unknown action {action!r}; actions are {', '.join(ACTIONS)}")
    actions = IMPLIED_ACTIONS[action] if action else ACTIONS

    if resource_name == "*":
        resources = catalog.server_resources()
        if filter_name:
            raise ScopeError(text, "a scope on every resource ('*') takes no filter")
    else:
        resource = catalog.resources.get(resource_name)
        if resource is None:
            raise ScopeError(text, f"unknown resource {resource_name!r}")
        if filter_name and filter_name not in resource.filters:
            allowed = ", ".join(f"!{f}=" for f in sorted(resource.filters)) or "no filter"
            raise ScopeError(text, f"{resource_name} takes {allowed}, not !{filter_name}=")
        resources = (resource_name,)

    if filter_name == "path" and value is not None:
        value = "/".join(glob_segments(value, text)) or "**"
    return Scope(text, actions, resources, filter_name, value)


def _unalias(text: str, base: str) -> str:
    parts = base.split(":")
    if len(parts) != 4 or parts[1] != "jupyter_server":
        raise ScopeError(text, "custom scopes are written 'custom:jupyter_server:ACTION:RESOURCE'")
    if parts[2] not in ACTIONS:
        raise ScopeError(text, f"unknown action {parts[2]!r}; actions are {', '.join(ACTIONS)}")
    return f"{parts[2]}:{parts[3]}"


def _check_templates(text: str, value: str) -> None:
    for name in TEMPLATE.findall(value):
        if name not in TEMPLATE_NAMES:
            raise ScopeError(
                text, f"unknown template {{{name}}}; templates are {{user}} and {{group}}"
            )
    if TEMPLATE.sub("", value).count("{") or TEMPLATE.sub("", value).count("}"):
        raise ScopeError(text, "unbalanced '{' or '}' in the filter value")


def canonical_text(scope: Scope) -> str:
    """The canonical text of a concrete scope: aliases resolved, path globs normalised."""
    base = scope.text.split("!", 1)[0]
    if base.startswith("custom:"):
        base = ":".join(base.split(":")[2:])
    return f"{base}!{scope.filter}={scope.value}" if scope.filter else base


def object_scope(
    action: str, resource: str, path: str | None = None, owner: str | None = None
) -> str:
    """The scope that allows `action` on one object: at a path, or owned by someone."""
    if path is not None:
        return f"{action}:{resource}!path={path}"
    if owner is not None:
        return f"{action}:{resource}!user={owner}"
    return f"{action}:{resource}"
