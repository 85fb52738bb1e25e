"""Keeping a SQLite policy database to its owner: the file 0600, the folders we make 0700.

The database holds password hashes, token hashes and look-up keys, and the audit trail: no other
Unix user may read it, whatever the umask (as Jupyter keeps its cookie secret and runtime files).
Before SQLite opens the file, `make_private` creates what is missing (folders 0700, an empty file
0600, which SQLite takes as an empty database) and tightens what exists and others can read: the
file and its -wal, -shm and -journal files, and the folder when it is Jupyter's data folder (this
user's own files only; a folder elsewhere may be shared on purpose and is left as it is). A file
that is not a SQLite database (a mistaken URL's) is left alone: SQLite refuses it anyway. SQLite
gives the -wal, -shm and -journal files it makes later the database file's own mode.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir

log = logging.getLogger(__name__)
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
OTHERS = 0o077  # the group's and everyone else's bits
COMPANIONS = ("-wal", "-shm", "-journal")
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file


def make_private(database: Path) -> None:
    """Create `database` and its folders private if missing; tighten them if others can read them."""
    if os.name != "posix":
        return  # modes are POSIX; Windows keeps a user's profile folders to them by default
    _create_folders(database.parent)
    _create_file(database)
    if not _is_sqlite(database):
        return  # not a database (SQLite will refuse it): a wrong URL's file is not ours to change
    tightened = _tighten_files(database) + _tighten_data_folder(database.parent)
    if tightened:
        log.warning(
            "jupyter-rbac: the policy database could be read by other users; made private: %s",
            ", ".join(tightened),
        )


def _create_folders(folder: Path) -> None:
    """Make `folder` and any missing parents, each 0700 whatever the umask."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir(PRIVATE_FOLDER)
        except FileExistsError:
            continue  # made meanwhile by another process: theirs to set
        path.chmod(PRIVATE_FOLDER)  # mkdir's mode passes through the umask


def _create_file(database: Path) -> None:
    """An empty database file, 0600 whatever the umask, unless it exists."""
    try:
        descriptor = os.open(
            database, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE
        )
    except FileExistsError:
        return
    try:
        os.fchmod(descriptor, PRIVATE_FILE)
    finally:
        os.close(descriptor)


def _is_sqlite(path: Path) -> bool:
    """Whether `path` is a SQLite database: its header, or empty (what `_create_file` makes)."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        return False  # unreadable, or a folder: SQLite will say so
    return header in (b"", SQLITE_HEADER)


def _tighten_files(database: Path) -> list[str]:
    """Take the group's and others' bits off the database and its companions; what was changed."""
    changed = []
    for path in (database, *(Path(f"{database}{suffix}") for suffix in COMPANIONS)):
        was = _tighten(path)
        if was is not None:
            changed.append(f"{path} (was {oct(was)})")
    return changed


def _tighten_data_folder(folder: Path) -> list[str]:
    """Tighten the database's folder if it is Jupyter's data folder; what was changed."""
    if folder.resolve() != Path(jupyter_data_dir()).resolve():
        return []
    was = _tighten(folder)
    return [f"{folder} (was {oct(was)})"] if was is not None else []


def _tighten(path: Path) -> int | None:
    """Take the group's and others' bits off `path` if it exists and has any; its old mode."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if not mode & OTHERS:
        return None
    try:
        path.chmod(mode & ~OTHERS)
    except PermissionError:
        # another user's file: only they can change it; say so rather than stop the server
        log.warning(
            "jupyter-rbac: %s can be read by other users and is not ours to make private", path
        )
        return None
    return mode
