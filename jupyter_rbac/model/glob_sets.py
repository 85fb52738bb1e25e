"""The path globs of one source of scopes, compiled once for everyone who holds them. Pure: no I/O.

A role's `write:contents!path=home/{user}/**` grants each of its holders their own home. Filled in
for each user, it would be compiled once per user: thousands of regexes that differ by a name. So
a glob keeps its templates, and its regex refers to them: `{user}` and `{group}` become
back-references to a name written in front of the path matched (`ann\\x00/home/ann/x`). The name
is matched as text, never as a pattern; a name no path can hold (`\\x00`) separates it from the
path. One compiled set serves every holder: a user's permissions hold references.

`{user}` is filled only with a plain name, `{group}` with each of the user's plain group names
(as `permissions.expand_templates` fills scopes): a glob whose template cannot be filled grants
nothing. A share's globs are literal paths (`literal`): braces in them are only braces.

What is kept is bounded: the sets most recently compiled, and per set the paths most recently
asked of its globs without templates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from .globs import ancestors_regex, as_match_subject, glob_regex
from .vocabulary import TEMPLATE

# Glob sets kept compiled (permissions refer to theirs: those are never freed early).
MAX_GLOB_SETS = 4096
# Path decisions a set remembers before it starts over.
MAX_REMEMBERED_PATHS = 1024
# Globs kept as their segments (one tuple for every grant that has the glob).
MAX_GLOBS = 65_536

Glob = tuple[str, ...]
_SEPARATOR = "\x00"  # between a name and the path: no name or path holds it
_USER = f"(?P<user>[^{_SEPARATOR}]*){_SEPARATOR}"
_GROUP = f"(?P<group>[^{_SEPARATOR}]*){_SEPARATOR}"


class Holder(NamedTuple):
    """Whom templates are filled for: the user's name (None if it is not a plain name, which no
    template takes) and their plain group names."""

    user: str | None
    groups: tuple[str, ...]


@functools.lru_cache(maxsize=MAX_GLOBS)
def glob_of(value: str) -> Glob:
    """A `!path=` value's segments, one tuple however many grants hold it."""
    return tuple(value.split("/"))


def _templated_piece(piece: str) -> str:
    """Regex of a piece of a segment between wildcards: text, and templates as back-references."""
    parts, end = [], 0
    for match in TEMPLATE.finditer(piece):
        parts.append(re.escape(piece[end : match.start()]))
        parts.append(f"(?P={match.group(1)})")
        end = match.end()
    parts.append(re.escape(piece[end:]))
    return "".join(parts)


def _templated_segment(segment: str) -> str:
    return "/" + "[^/]*".join(_templated_piece(piece) for piece in segment.split("*"))


def _union(globs: list[Glob], prefix: str, make: Callable[..., str | None]) -> re.Pattern | None:
    """One regex for `globs` (None if there are none); `prefix` names what they refer to."""
    if not globs:
        return None
    if prefix:
        sources = [make(glob, _templated_segment) for glob in globs]
    else:
        sources = [make(glob) for glob in globs]
    return re.compile(prefix + "(?:" + "|".join(f"(?:{s})" for s in sources) + ")")


class _Part(NamedTuple):
    """The globs of a set that take the same names: the paths they grant, and the folders on
    the way there (None: judged as the paths, see GlobSet.leads_to)."""

    path: re.Pattern[str] | None
    ancestors: re.Pattern[str] | None


def _part(globs: list[Glob], prefix: str, by_paths: bool) -> _Part:
    return _Part(
        _union(globs, prefix, glob_regex),
        None if by_paths else _union(globs, prefix, ancestors_regex),
    )


class GlobSet:
    """Paths some globs grant (`allows`), and folders on the way to them (`leads_to`), for
    whomever they are asked."""

    __slots__ = (
        "_by_user",
        "_by_user_and_group",
        "_decided",
        "_group",
        "_plain",
        "globs",
        "literal",
    )

    def __init__(self, globs: tuple[Glob, ...], literal: bool = False):
        self.globs = globs
        self.literal = literal
        kinds: dict[tuple[bool, bool], list[Glob]] = {}
        for glob in globs:
            text = "/".join(glob)
            key = (False, False) if literal else ("{user}" in text, "{group}" in text)
            kinds.setdefault(key, []).append(glob)
        # a glob from the root down (`**/x`) has no ancestors of its own: then the way to
        # anything here is judged as what is granted (as the set always was)
        by_paths = any(ancestors_regex(glob) is None for glob in globs)
        self._plain = _part(kinds.get((False, False), []), "", by_paths)
        self._by_user = _part(kinds.get((True, False), []), _USER, by_paths)
        self._group = _part(kinds.get((False, True), []), _GROUP, by_paths)
        self._by_user_and_group = _part(kinds.get((True, True), []), _USER + _GROUP, by_paths)
        self._decided: dict[str, bool] = {}

    def allows(self, holder: Holder, path: str) -> bool:
        subject = as_match_subject(path)
        if self._plain_allows(path, subject):
            return True
        return any(
            part.path.fullmatch(named) is not None
            for part, named in self._named_parts(holder, subject)
        )

    def leads_to(self, holder: Holder, path: str) -> bool:
        """True if `path` is a folder on the way to something the globs grant."""
        subject = as_match_subject(path)
        plain = self._plain
        if plain.path is not None:
            ancestors = plain.ancestors or plain.path
            if ancestors.fullmatch(subject) is not None:
                return True
        for part, named in self._named_parts(holder, subject):
            if (part.ancestors or part.path).fullmatch(named) is not None:
                return True
        return False

    def grants_some(self, holder: Holder) -> bool:
        """Does a glob here grant `holder` anything (its templates can be filled)?"""
        return self._plain.path is not None or any(True for _ in self._named_parts(holder, ""))

    def filled(self, holder: Holder) -> tuple[Glob, ...]:
        """The globs with their templates filled for `holder` (those that cannot be, left out)."""
        filled: list[Glob] = []
        for glob in self.globs:
            text = "/".join(glob)
            if self.literal or "{" not in text:
                filled.append(glob)
                continue
            values = [text]
            if "{user}" in text:
                values = [v.replace("{user}", holder.user) for v in values] if holder.user else []
            if "{group}" in text:
                values = [v.replace("{group}", g) for v in values for g in holder.groups]
            filled.extend(glob_of(v) for v in values)
        return tuple(filled)

    def _plain_allows(self, path: str, subject: str) -> bool:
        # Decisions per path are remembered (bounded): users open the same files again and
        # again, and a set's globs never change. (Templated globs depend on who asks.)
        pattern = self._plain.path
        if pattern is None:
            return False
        decided = self._decided.get(path)
        if decided is None:
            if len(self._decided) >= MAX_REMEMBERED_PATHS:
                self._decided.clear()
            decided = self._decided[path] = pattern.fullmatch(subject) is not None
        return decided

    def _named_parts(self, holder: Holder, subject: str) -> Iterator[tuple[_Part, str]]:
        """Each templated part with the subject written for it, once per name that fills it."""
        user = holder.user
        if user is not None and self._by_user.path is not None:
            yield self._by_user, f"{user}{_SEPARATOR}{subject}"
        if self._group.path is not None:
            for group in holder.groups:
                yield self._group, f"{group}{_SEPARATOR}{subject}"
        if user is not None and self._by_user_and_group.path is not None:
            for group in holder.groups:
                yield self._by_user_and_group, f"{user}{_SEPARATOR}{group}{_SEPARATOR}{subject}"


@functools.lru_cache(maxsize=MAX_GLOB_SETS)
def glob_set(globs: tuple[Glob, ...], literal: bool = False) -> GlobSet:
    """The compiled set of `globs` (in this order), shared by every grant that has them."""
    return GlobSet(globs, literal)
