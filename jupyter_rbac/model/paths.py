"""Server paths as the disk will spell them: which characters separate names, which names the
policy refuses to judge. Pure: no I/O.

A path filter is only as good as the agreement between the path it judges and the file the
contents manager touches. jupyter_server joins an API path's `/`-separated parts with the
platform's own rules, so the policy does the same: on POSIX a backslash is a character of a
name (`home\\ann\\x` is one file at the root, not `x` in `home/ann/`); on Windows it separates
names like `/`. A name whose meaning depends on the disk (control characters; on Windows, the
names the system rewrites or reserves) is refused, never reinterpreted.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass


class PathError(ValueError):
    """A path that leaves the server root or that the policy cannot judge precisely."""


# Longest name (one segment) of the common file systems, in bytes of UTF-8 (NAME_MAX).
MAX_NAME_BYTES = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Windows rewrites or reserves these: `a.` and `a ` are `a`, `CON.txt` is the console.
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = re.compile(
    r"^(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(?:\..*)?$", re.IGNORECASE
)


@dataclass(frozen=True)
class PathRules:
    """How a platform's file system reads a path: its separators and the names it rewrites."""

    separators: str
    windows: bool

    def split(self, path: str) -> list[str]:
        for separator in self.separators[1:]:
            path = path.replace(separator, self.separators[0])
        return path.split(self.separators[0])

    def problem_with(self, name: str) -> str | None:
        """Why the policy cannot judge `name` (one segment) precisely, or None."""
        if _CONTROL.search(name):
            return "a name may not contain control characters"
        if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
            return f"a name may not be longer than {MAX_NAME_BYTES} bytes"
        if self.windows and name not in (".", ".."):
            if _WINDOWS_FORBIDDEN.search(name):
                return 'a name may not contain any of < > : " | ? *'
            if name.endswith((".", " ")):
                return "a name may not end with a dot or a space"
            if _WINDOWS_RESERVED.match(name):
                return f"{name!r} is a name Windows reserves"
        return None


POSIX = PathRules(separators="/", windows=False)
WINDOWS = PathRules(separators="/\\", windows=True)
# The rules of the disk this server runs on.
LOCAL = WINDOWS if os.name == "nt" else POSIX


@functools.lru_cache(maxsize=4096)  # the same few paths come again and again; it is pure
def normalize_path(path: str, rules: PathRules = LOCAL) -> str:
    """The canonical form of a server path: no leading/trailing separator, no `.`, `..`
    resolved, split where the platform splits.

    Raises PathError if `..` would leave the root or a name cannot be judged precisely.
    """
    parts: list[str] = []
    for part in rules.split(path):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise PathError(f"path {path!r} leaves the server root")
            parts.pop()
            continue
        problem = rules.problem_with(part)
        if problem is not None:
            raise PathError(f"path {path!r}: {problem}")
        parts.append(part)
    return "/".join(parts)


def glob_parts(glob: str, rules: PathRules = LOCAL) -> list[str]:
    """A path filter's segments, split as paths are (empty and `.` segments dropped)."""
    return [segment for segment in rules.split(glob) if segment not in ("", ".")]
