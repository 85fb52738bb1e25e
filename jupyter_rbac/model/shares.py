"""Shares: a role given on one folder or file. What a share grants is the role's path-bearing
scopes (the actions whose requests name a path, on the resources that take `!path=`: contents,
sessions, exporting with nbconvert, shares) narrowed to that place; its other scopes are not
granted. Pure: no I/O.

A share's place is a literal path, never a glob: a folder named `a*b` is that folder, so names
with `*` (which globs would read as wildcards) cannot be shared. A folder is granted with
everything beneath it (`P/**`), a file alone (`P`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .globs import glob_as_subject, glob_contains_regex
from .permissions import expand_templates
from .vocabulary import ACTIONS, ScopeError

if TYPE_CHECKING:
    from .catalog import Catalog

PATH_FILTER = "path"


@dataclass(frozen=True)
class PathGrant:
    """One action on one resource, at the paths `glob` (segments) matches: what a share adds
    to its recipient's permissions."""

    action: str
    resource: str
    glob: tuple[str, ...]

    @property
    def scope(self) -> str:
        """The grant in the scope language (for people: a path with a space in it is no scope
        a role could hold, but reads as one)."""
        return f"{self.action}:{self.resource}!path={'/'.join(self.glob) or '**'}"


def place_problem(path: str) -> str | None:
    """Why a (normalised) path cannot be shared, or None."""
    if "*" in path:
        return "a name with '*' in it cannot be shared (path filters read '*' as a wildcard)"
    return None


def place_glob(path: str, is_folder: bool) -> tuple[str, ...]:
    """The glob a share on `path` grants: the folder and everything beneath it, or the file."""
    segments = tuple(path.split("/")) if path else ()
    return (*segments, "**") if is_folder else segments


def path_bearing(catalog: Catalog) -> tuple[str, ...]:
    """The resources a share narrows to its place: those whose scopes take `!path=`."""
    return tuple(name for name, r in catalog.resources.items() if PATH_FILTER in r.filters)


def _shared_pairs(catalog: Catalog, scope) -> list[tuple[str, str]]:
    """The (action, resource) pairs of one parsed scope that a share grants at a place."""
    if scope.filter in ("user", "group"):
        return []  # an owner's objects at a path: no filter says that; nothing is shared
    resources = path_bearing(catalog) if scope.is_all else scope.resources
    actions = ACTIONS if scope.is_all else scope.actions
    return [
        (action, resource)
        for resource in resources
        for action in actions
        if resource in catalog.resources and catalog.resources[resource].is_judged_by_path(action)
    ]


def shared_actions(catalog: Catalog, role_scopes: Iterable[str]) -> list[tuple[str, str]]:
    """Every (action, resource) a share of a role with these scopes may grant at its place,
    whoever receives it: what its maker must hold there (templates and filters aside)."""
    pairs: dict[tuple[str, str], None] = {}
    for text in role_scopes:
        try:
            scope = catalog.parse(text)
        except ScopeError:
            continue
        for pair in _shared_pairs(catalog, scope):
            pairs[pair] = None
    return list(pairs)


def narrowed_grants(
    catalog: Catalog,
    role_scopes: Iterable[str],
    place: tuple[str, ...],
    user: str,
    groups: Iterable[str],
) -> list[PathGrant]:
    """What a share of a role with `role_scopes` at `place` (a glob, see place_glob) grants
    `user` (a member of `groups`): each path-bearing scope of the role, templates filled in
    for them, narrowed to the place.

    An unfiltered scope grants the place. A `!path=G` scope grants the place where G contains
    it, G where the place contains G, and nothing otherwise (two globs that only overlap: no
    glob says their intersection, so none is granted). `!user=` and `!group=` scopes grant
    nothing (an owner's objects at a path is no filter of ours).
    """
    groups = tuple(groups)
    place_subject = glob_as_subject("/".join(place))
    granted: dict[PathGrant, None] = {}
    for text in role_scopes:
        try:
            scope = catalog.parse(text)
        except ScopeError:
            continue  # a resource that is gone grants nothing, as in compile_permissions
        pairs = _shared_pairs(catalog, scope)
        if not pairs:
            continue
        if scope.filter is None:
            globs = [place]
        else:
            globs = []
            for concrete in expand_templates(scope, user, groups):
                assert concrete.value is not None
                globs += _narrowed(tuple(concrete.value.split("/")), place, place_subject)
        for action, resource in pairs:
            for glob in globs:
                granted[PathGrant(action, resource, glob)] = None
    return list(granted)


def _narrowed(
    glob: tuple[str, ...], place: tuple[str, ...], place_subject: str
) -> list[tuple[str, ...]]:
    if glob_contains_regex(glob).fullmatch(place_subject):
        return [place]
    if glob_contains_regex(place).fullmatch(glob_as_subject("/".join(glob))):
        return [glob]
    return []
