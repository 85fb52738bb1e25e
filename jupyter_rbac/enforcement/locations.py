"""How the disk spells a path, for file systems that ignore case (macOS's and Windows' defaults).

There `team/a/x` and `team/A/x` are one file, so a scope for `team/a/**` would reach a folder
created as `team/A`, and users `Ann` and `ann` would share `home/{user}/`. Path filters compare
names exactly; the authorizer therefore also asks for the path as the disk spells it (as it does
for where symbolic links lead): a scope must name the folder the way it exists on disk.

Whether a server root ignores case is found out once per root, by looking up one of its entries
(or a probe file) spelt in the other case. On a case-sensitive disk nothing more is done.
"""

from __future__ import annotations

import functools
import os
import tempfile

from tornado.log import app_log

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
        app_log.warning("jupyter-rbac: cannot tell whether %s ignores case (%s); assuming it does", real_root, error)
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
