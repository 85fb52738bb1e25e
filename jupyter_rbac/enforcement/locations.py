"""Where a server path really is: through symbolic links, and as the disk spells it.

A path filter is only as good as the file it reaches. A scope for `a/**` does not reach `b/`
through a link `a/to-b -> ../b`, so every path the policy judges is also judged where it leads
(`real_location`). A link out of the server root leads where only `all` reaches: the server
process reads what no user's sandbox may (the policy database, the cookie secret, other users'
JupyterLab state), and anyone who may write a file may make a link (a kernel, an upload of a
link-making archive), so no contents scope, unfiltered or not, follows one.

On file systems that ignore case (macOS's and Windows' defaults), `team/a/x` and `team/A/x` are
one file, so a scope for `team/a/**` would reach a folder created as `team/A`, and users `Ann` and
`ann` would share `home/{user}/`. Path filters compare
names exactly; the authorizer therefore also asks for the path as the disk spells it (as it does
for where symbolic links lead): a scope must name the folder the way it exists on disk.

Whether a server root ignores case is found out once per root, by looking up one of its entries
(or a probe file) spelt in the other case. On a case-sensitive disk nothing more is done.
"""

from __future__ import annotations

import functools
import os
import tempfile
from typing import Any

from tornado.log import app_log

from ..model.paths import PathError, normalize_path

PROBE_PREFIX = ".jupyter-rbac-case-probe-"


@functools.lru_cache(maxsize=32)
def ignores_case(real_root: str) -> bool:
    """True if the file system under `real_root` finds names whatever their case."""
    try:
        for name in os.listdir(real_root):
            if name.swapcase() != name:
                return _same_entry(real_root, name)
        with tempfile.NamedTemporaryFile(dir=real_root, prefix=PROBE_PREFIX) as probe:
            return _same_entry(real_root, os.path.basename(probe.name))
    except OSError as error:
        # cannot tell (a read-only, empty root): spell every path as the disk does, to be safe
        app_log.warning(
            "jupyter-rbac: cannot tell whether %s ignores case (%s); assuming it does",
            real_root,
            error,
        )
        return True


def _same_entry(folder: str, name: str) -> bool:
    other = os.path.join(folder, name.swapcase())
    return os.path.lexists(other) and os.path.samefile(os.path.join(folder, name), other)


def as_on_disk(real_root: str, relative: str) -> str:
    """`relative` (a path under `real_root`, os.sep-separated) with each existing part spelt as
    the disk spells it; parts that do not exist (yet) keep the spelling given."""
    folder, spelt = real_root, []
    parts = relative.split(os.sep)
    for index, part in enumerate(parts):
        try:
            names = os.listdir(folder)
        except OSError:  # not a folder, or not there: the rest does not exist either
            return os.sep.join(spelt + parts[index:])
        if part not in names:
            folded = part.casefold()
            part = next((name for name in sorted(names) if name.casefold() == folded), part)
        spelt.append(part)
        folder = os.path.join(folder, part)
    return os.sep.join(spelt)


def real_location(root: str, path: str) -> str | None:
    """Where `path` (normalised, under `root`) really is, relative to the real root: itself
    unless a link is on the way or the disk spells it in another case; None if a link leads out
    of the root."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, path))
    if real == real_root:
        return ""
    if not real.startswith(real_root + os.sep):
        return None
    relative = real[len(real_root) + 1 :]
    if ignores_case(real_root):
        relative = as_on_disk(real_root, relative)
    return relative.replace(os.sep, "/")


def may_read_path(permissions: Any, root: str | None, raw: object) -> bool:
    """May these permissions read the file at `raw` (an API path), as the Contents API would let
    them: the path itself, and where its links lead (a link out of the root only with `all`)?
    A path the policy cannot judge is refused. `root` is the server's root
    folder, or None for contents not on a disk (no links to follow)."""
    if not isinstance(raw, str):
        return False
    try:
        path = normalize_path(raw)
    except PathError:
        return False
    if not permissions.allows_path("read", "contents", path):
        return False
    real = real_location(root, path) if root else path
    if real is None:
        return permissions.is_all
    return real == path or permissions.allows_path("read", "contents", real)
