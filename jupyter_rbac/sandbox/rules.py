"""The rules of one sandbox, on the disk: what a user's code may reach (sandbox/folders.py) turned
into real paths, with what the server keeps to itself left out, and what code needs to run added.

Landlock grants a folder with everything beneath it. A folder that holds something the server
keeps to itself (its data, runtime and config folders, the policy database, the cookie secret),
as the served folder often does (`jupyter lab` started in a home folder), is therefore never one
rule: it becomes one rule for each of its entries, leaving out hidden ones and those that hold
such things, recursively. The served folder itself is always given that way, so its hidden
entries are never given to code, and an entry created in it after the process started is not
either (code creates files and folders inside the folders it was given, not beside them).
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .folders import CodeFolders

# Read and execute: what any program needs (libraries, binaries, the interpreter's prefixes).
SYSTEM_SOFTWARE = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt")
# Read only: configuration and what the kernel tells programs about the machine and themselves.
# /proc of another sandbox or of the server stays closed: Landlock refuses ptrace across
# domains, and reading another process's environ or memory needs ptrace rights.
SYSTEM_READABLE = ("/etc", "/proc", "/sys", "/run/systemd/resolve")
# Read and write: devices every program may use (/dev/tty is a process's own terminal), and shared
# memory (multiprocessing). Never /dev/pts: every terminal on the machine is there, and one opened
# read-write is read as its user types and written into as if typed.
SYSTEM_DEVICES = (
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
    "/dev/shm",
)


@dataclass(frozen=True)
class ServerPlaces:
    """Where one server keeps what code must never reach, and where code's own homes live."""

    root: str  # the served folder (real path)
    protected: tuple[str, ...]  # real paths no rule may reach
    homes: str  # each user's private HOME and TMPDIR live beneath (inside a protected folder)
    software: tuple[str, ...] = ()  # read and execute, besides SYSTEM_SOFTWARE

    def home_of(self, user: str, record_key: str | None = None) -> tuple[str, str]:
        """(HOME, TMPDIR) of `user`'s code: private, one pair per user record (a user deleted and
        made again by the same name starts with an empty home, not what the first one left)."""
        name = quote(user, safe="") + (f"-{record_key}" if record_key else "")
        mine = Path(self.homes) / name
        return str(mine / "home"), str(mine / "tmp")


@dataclass(frozen=True)
class SandboxRules:
    """Real paths, each list sorted and without repeats: what one sandbox gives."""

    read_write: tuple[str, ...]
    read_only: tuple[str, ...]
    read_execute: tuple[str, ...]
    files_read: tuple[str, ...]
    files_write: tuple[str, ...]
    devices: tuple[str, ...]
    home: str
    tmp: str


def interpreter_software() -> tuple[str, ...]:
    """The prefixes, site-packages and import path of the Python that runs the server (and its
    kernels), editable installs and PYTHONPATH entries included (tools such as pip walk the
    import path), and the server's PATH."""
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    places.update(site.getsitepackages())
    user_site = site.getusersitepackages()
    if isinstance(user_site, str):
        places.add(user_site)
    places.update(entry for entry in sys.path if entry and os.path.isabs(entry))
    # and the folders programs are found in (a conda environment's bin, /usr/local/bin)
    places.update(p for p in os.environ.get("PATH", "").split(os.pathsep) if os.path.isabs(p))
    return tuple(sorted(places))


def rules_for(
    places: ServerPlaces,
    folders: CodeFolders,
    user: str,
    read_also: Iterable[str] = (),
    files_read_also: Iterable[str] = (),
    record_key: str | None = None,
) -> SandboxRules:
    """The rules of a process `user` starts: their folders, the software, their home.

    `read_also`: folders the process needs to read (a kernel's resources); `files_read_also`:
    single files (its connection file). These are given even inside a protected folder: they
    are named exactly, so nothing beside them comes with them.
    """
    root = os.path.realpath(places.root)
    # what is not there needs no leaving out (a folder is split around each protected path in it)
    protected = tuple(os.path.realpath(p) for p in places.protected if os.path.lexists(p))
    home, tmp = places.home_of(user, record_key)
    read_write = [p for f in folders.write for p in _given(root, f, protected)]
    read_only = [p for f in folders.read for p in _given(root, f, protected)]
    files_write = [p for f in folders.write_files if (p := _single_file(root, f, protected))]
    files_read = [p for f in folders.read_files if (p := _single_file(root, f, protected))]
    # software holding the served folder (an import path entry "/" or a parent folder) would give
    # everyone read access to all of it: left out
    software = [
        p
        for place in (*SYSTEM_SOFTWARE, *places.software)
        if not _within(root, os.path.realpath(place))
        for p in _outside(os.path.realpath(place), protected, hide=False)
    ]
    readable = [
        p
        for place in SYSTEM_READABLE
        for p in _outside(os.path.realpath(place), protected, hide=False)
    ]
    return SandboxRules(
        read_write=_sorted([*read_write, home, tmp]),
        read_only=_sorted([*read_only, *readable, *(os.path.realpath(p) for p in read_also)]),
        read_execute=_sorted(software),
        files_read=_sorted([*files_read, *(os.path.realpath(p) for p in files_read_also)]),
        files_write=_sorted(files_write),
        devices=_sorted(d for d in SYSTEM_DEVICES if os.path.exists(d)),
        home=home,
        tmp=tmp,
    )


def _given(root: str, folder: str, protected: tuple[str, ...]) -> list[str]:
    """The rules for one folder code was given ("" the served folder): its real path if it lies
    in the served folder, split around what is protected (the served folder always split)."""
    lexical = os.path.normpath(os.path.join(root, folder))
    path = os.path.realpath(lexical)
    if path != lexical or not os.path.isdir(path):
        # a link on the way (anyone who may write its folder chooses where it leads, and the
        # Contents API refuses the path too), or nothing there (yet)
        return []
    if path == root:
        return [p for entry in _visible_entries(root) for p in _outside(entry, protected, True)]
    return _outside(path, protected, hide=True)


def _single_file(root: str, path: str, protected: tuple[str, ...]) -> str | None:
    lexical = os.path.normpath(os.path.join(root, path))
    real = os.path.realpath(lexical)
    if real != lexical or not os.path.isfile(real):  # a link, or not a file (yet)
        return None
    if any(_within(real, p) for p in protected):
        return None
    return real


def _outside(path: str, protected: tuple[str, ...], hide: bool) -> list[str]:
    """`path`, or the entries beneath it that hold nothing protected (hidden ones left out if
    `hide`), recursively. Nothing if `path` itself is protected or lies in something that is."""
    if not os.path.exists(path) or any(_within(path, p) for p in protected):
        return []
    if not any(_within(p, path) for p in protected):
        return [path]
    if not os.path.isdir(path) or os.path.islink(path):
        return []
    entries = _visible_entries(path) if hide else _entries(path)
    return [p for entry in entries for p in _outside(entry, protected, hide)]


def _entries(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(os.path.realpath(e.path) if e.is_symlink() else e.path for e in entries)
    except OSError:
        return []


def _visible_entries(folder: str) -> list[str]:
    """The entries of a folder of the user's, hidden ones and links left out: a link's target
    is given to code only if it was given itself (a rule on a link would give where it leads)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(
                e.path for e in entries if not e.name.startswith(".") and not e.is_symlink()
            )
    except OSError:
        return []


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _sorted(paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(paths)))
