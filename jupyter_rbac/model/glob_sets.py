"""The path globs of one filtered grant, compiled once for every user and grant that has the
same ones. Pure: no I/O.

A user's compiled permissions hold a grant per (action, resource), and many hold the same globs:
`read:contents!path=docs/**` grants contents, sessions and nbconvert alike, and everybody in a
group gets that group's globs. So a set of globs is compiled (its regexes) and asks are
remembered (its decisions) once, here, and shared: a user's permissions hold references. What
is kept is bounded: the sets most recently compiled, and per set the paths most recently asked.
"""

from __future__ import annotations

import functools
import re

from .globs import ancestors_regex, as_match_subject, glob_regex

# Glob sets kept compiled (a user's grants refer to theirs: those are never freed early).
MAX_GLOB_SETS = 4096
# Path decisions a set remembers before it starts over.
MAX_REMEMBERED_PATHS = 1024
# Globs kept as their segments (one tuple for every grant that has the glob).
MAX_GLOBS = 65_536

Glob = tuple[str, ...]


@functools.lru_cache(maxsize=MAX_GLOBS)
def glob_of(value: str) -> Glob:
    """A `!path=` value's segments, one tuple however many grants hold it."""
    return tuple(value.split("/"))


class GlobSet:
    """Paths some globs grant (`allows`), and folders on the way to them (`leads_to`)."""

    __slots__ = ("_ancestors", "_decided", "_path", "globs")

    def __init__(self, globs: tuple[Glob, ...]):
        self.globs = globs
        self._path = re.compile("|".join(f"(?:{glob_regex(g)})" for g in globs))
        ancestors = [ancestors_regex(g) for g in globs]
        if all(a is not None for a in ancestors):
            self._ancestors = re.compile("|".join(f"(?:{a})" for a in ancestors))
        else:
            self._ancestors = self._path  # some glob grants the root: everything is granted
        self._decided: dict[str, bool] = {}

    def allows(self, path: str) -> bool:
        # Decisions per path are remembered (bounded): users open the same files again and
        # again, and a set's globs never change.
        decided = self._decided.get(path)
        if decided is None:
            if len(self._decided) >= MAX_REMEMBERED_PATHS:
                self._decided.clear()
            decided = self._path.fullmatch(as_match_subject(path)) is not None
            self._decided[path] = decided
        return decided

    def leads_to(self, path: str) -> bool:
        """True if `path` is a folder on the way to something the globs grant."""
        return self._ancestors.fullmatch(as_match_subject(path)) is not None


@functools.lru_cache(maxsize=MAX_GLOB_SETS)
def glob_set(globs: tuple[Glob, ...]) -> GlobSet:
    """The compiled set of `globs` (in this order), shared by every grant that has them."""
    return GlobSet(globs)
