"""Which folders a user's code may read and write: their `contents` permissions, as Landlock can
say them. Pure: no I/O (sandbox/rules.py turns these into paths on the disk).

Landlock grants a folder and everything beneath it, or one file. So a path glob is given to code
only where it means exactly that:

- `x/**` (every segment before `**` written out) covers the folder `x` entirely: code gets `x`;
  `**` alone, or an unfiltered scope, covers the server's root;
- `x/y.txt` (no wildcard) names one path: code gets it if it is a file when the process starts;
- any other glob (`*.ipynb`, `a/*/b/**`, `a/**/b`) cannot be said to Landlock: code gets nothing
  of it, while the REST API still honours it.

Folders are API paths ("" is the root), with `{user}` and `{group}` already filled in (the
permissions are compiled for one user).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.permissions import UNRESTRICTED, FilteredGrant

RESOURCE = "contents"


@dataclass(frozen=True)
class CodeFolders:
    """What a user's code may reach in the served folder (API paths, "" the root, sorted)."""

    write: tuple[str, ...] = ()  # folders, read and written beneath
    read: tuple[str, ...] = ()  # folders, read beneath (none lies beneath a `write` one)
    write_files: tuple[str, ...] = ()  # single paths, if they are files at start
    read_files: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()  # globs Landlock cannot express, given to no code

    def covers(self, other: CodeFolders) -> bool:
        """True if everything `other` lets code reach, these let it reach too (a running kernel
        started with `other` may go on under these)."""
        return (
            all(_beneath_any(f, self.write) for f in other.write)
            and all(_beneath_any(f, self.write + self.read) for f in other.read)
            and all(f in self.write_files or _beneath_any(f, self.write) for f in other.write_files)
            and all(
                f in self.read_files + self.write_files or _beneath_any(f, self.write + self.read)
                for f in other.read_files
            )
        )

    def to_json(self) -> dict:
        return {
            "write": list(self.write),
            "read": list(self.read),
            "write_files": list(self.write_files),
            "read_files": list(self.read_files),
            "left_out": list(self.left_out),
        }


def code_folders(permissions) -> CodeFolders:
    """The folders a user's code may reach, from their compiled permissions (Permissions, or a
    token's TokenLimitedPermissions: then what both the owner's and the token's allow)."""
    owner = getattr(permissions, "owner", None)
    if owner is not None:
        return intersection(code_folders(owner), code_folders(permissions.token))
    write, write_files, left_write = _reach(permissions.grant("write", RESOURCE))
    read, read_files, left_read = _reach(permissions.grant("read", RESOURCE))
    read = [f for f in read if not _beneath_any(f, write)]
    read_files = [f for f in read_files if f not in write_files and not _beneath_any(f, write)]
    write_files = [f for f in write_files if not _beneath_any(f, write)]
    return CodeFolders(
        _outermost(write),
        _outermost(read),
        tuple(sorted(set(write_files))),
        tuple(sorted(set(read_files))),
        tuple(sorted(set(left_write) | set(left_read))),
    )


def intersection(a: CodeFolders, b: CodeFolders) -> CodeFolders:
    """What both let code reach: of two nested folders the inner one."""

    def both(first: tuple[str, ...], second: tuple[str, ...]) -> list[str]:
        return [f for f in first if _beneath_any(f, second)] + [
            f for f in second if _beneath_any(f, first)
        ]

    write = both(a.write, b.write)
    read = [f for f in both(a.read + a.write, b.read + b.write) if not _beneath_any(f, write)]
    write_files = [
        f
        for f in set(a.write_files) | set(b.write_files)
        if (f in a.write_files or _beneath_any(f, a.write))
        and (f in b.write_files or _beneath_any(f, b.write))
        and not _beneath_any(f, write)
    ]
    read_files = [
        f
        for f in set(a.read_files + a.write_files) | set(b.read_files + b.write_files)
        if (f in a.read_files + a.write_files or _beneath_any(f, a.read + a.write))
        and (f in b.read_files + b.write_files or _beneath_any(f, b.read + b.write))
        and f not in write_files
        and not _beneath_any(f, write + read)
    ]
    return CodeFolders(
        _outermost(write),
        _outermost(read),
        tuple(sorted(set(write_files))),
        tuple(sorted(set(read_files))),
        tuple(sorted(set(a.left_out) | set(b.left_out))),
    )


def _reach(grant) -> tuple[list[str], list[str], list[str]]:
    """(folders, single paths, globs left out) of one grant."""
    if grant is UNRESTRICTED:
        return [""], [], []
    if not isinstance(grant, FilteredGrant):
        return [], [], []
    folders, files, left_out = [], [], []
    for segments in grant.path_globs:
        written = [s for s in segments if s]
        if written and written[-1] == "**" and not any("*" in s for s in written[:-1]):
            folders.append("/".join(written[:-1]))
        elif written and not any("*" in s for s in written):
            files.append("/".join(written))
        elif not written:  # the root itself, not beneath it: nothing code can be given
            continue
        else:
            left_out.append("/".join(written))
    return folders, files, left_out


def _beneath(path: str, folder: str) -> bool:
    return folder == "" or path == folder or path.startswith(folder + "/")


def _beneath_any(path: str, folders: tuple[str, ...] | list[str]) -> bool:
    return any(_beneath(path, folder) for folder in folders)


def _outermost(folders: list[str]) -> tuple[str, ...]:
    """The folders, without those beneath another one, sorted."""
    unique = sorted(set(folders))
    return tuple(f for f in unique if not any(_beneath(f, o) for o in unique if o != f))
