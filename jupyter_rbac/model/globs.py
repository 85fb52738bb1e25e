"""Path globs of `!path=` filters: their segments, the regexes that match paths against them,
and whether one glob contains another. Pure: no I/O.

`*` stands for one segment (or part of one), `**` for any depth, none included. Globs are
matched against '/'-prefixed normalised paths (see as_match_subject).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .paths import glob_parts
from .vocabulary import TEMPLATE, ScopeError


def glob_segments(glob: str, scope: str) -> list[str]:
    """The segments of a path filter's glob; raises ScopeError (naming `scope`) if the policy
    cannot read it as written."""
    segments = glob_parts(glob)
    for segment in segments:
        if segment == "..":
            raise ScopeError(scope, "a path filter may not contain '..'")
        if "**" in segment and segment != "**":
            if "\\" in segment:  # a Windows habit; on POSIX a backslash is part of a name
                raise ScopeError(
                    scope, "separate folders with '/': a backslash is part of a name here"
                )
            raise ScopeError(scope, "'**' must be a whole path segment, as in 'a/**/b'")
    return segments


def as_match_subject(path: str) -> str:
    """The string path globs are matched against: '' for the root, '/a/b' for 'a/b'."""
    return "/" + path if path else ""


def _segment_regex(segment: str) -> str:
    return "/" + "[^/]*".join(re.escape(piece) for piece in segment.split("*"))


SegmentRegex = Callable[[str], str]


def glob_regex(
    segments: list[str] | tuple[str, ...], segment_regex: SegmentRegex = _segment_regex
) -> str:
    """Regex source matching '/'-prefixed normalised paths: `*` is one segment, `**` any depth
    (also none). `segment_regex` writes the others (glob_sets writes templates its own way)."""
    return "".join("(?:/[^/]+)*" if s == "**" else segment_regex(s) for s in segments)


def ancestors_regex(
    segments: list[str] | tuple[str, ...], segment_regex: SegmentRegex = _segment_regex
) -> str | None:
    """Regex source matching the strict ancestor folders of what the glob grants (the way there)."""
    alternatives = [""]
    prefix = ""
    for segment in segments[:-1]:
        if segment == "**":
            # below a `**` every folder is itself granted; ancestors end here
            break
        prefix += segment_regex(segment)
        alternatives.append(prefix)
    if segments and segments[0] == "**":
        return None  # the glob grants the root and everything under it
    return "|".join(f"(?:{a})" for a in alternatives)


# In glob_as_subject, a `**` segment becomes this character: only a `**` of the covering glob
# may absorb it (a `*` stands for one segment, never for any depth).
_ANY_DEPTH = "\x00"


def glob_as_subject(glob: str) -> str:
    """A path glob written as a subject for glob_contains_regex: templates become wildcards."""
    glob = TEMPLATE.sub("*", glob)
    return "".join("/" + (_ANY_DEPTH if s == "**" else s) for s in glob.split("/") if s)


@functools.lru_cache(maxsize=4096)
def glob_contains_regex(segments: tuple[str, ...]) -> re.Pattern[str]:
    """Matches the subjects (see glob_as_subject) of the globs that this glob contains.

    The covering glob's wildcards may absorb the covered glob's wildcards; its literal text
    only matches literal text. Sound (never claims containment wrongly), not complete.
    """
    parts = []
    for segment in segments:
        if segment == "**":
            parts.append("(?:/[^/]+)*")
        else:
            parts.append("/" + "[^/\x00]*".join(re.escape(piece) for piece in segment.split("*")))
    return re.compile("".join(parts))
