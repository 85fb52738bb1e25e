"""A case-insensitive file system for the tests, as macOS and Windows have by default: a FUSE
passthrough to a folder that finds each name whatever its case (and keeps the case it was
created with). Linux has no such file system the tests can mount otherwise.

    python tests/support/case_insensitive_fs.py BACKING_FOLDER MOUNT_POINT    (until unmounted)
"""

from __future__ import annotations

import errno
import os
import sys

from fuse import FUSE, FuseOSError, Operations

STAT_FIELDS = (
    "st_atime",
    "st_ctime",
    "st_gid",
    "st_ino",
    "st_mode",
    "st_mtime",
    "st_nlink",
    "st_size",
    "st_uid",
)
STATVFS_FIELDS = (
    "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag",
    "f_frsize", "f_namemax",
)  # fmt: skip


def _errors_as_fuse(method):
    def wrapped(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except OSError as error:
            raise FuseOSError(error.errno or errno.EIO) from None

    return wrapped


class CaseInsensitive(Operations):
    def __init__(self, backing: str):
        self.backing = backing

    def _where(self, path: str) -> str:
        """The backing file of `path`: each part found exactly, or else whatever its case."""
        where = self.backing
        for part in filter(None, path.split("/")):
            exact = os.path.join(where, part)
            if not os.path.lexists(exact) and os.path.isdir(where):
                folded = part.casefold()
                part = next((name for name in os.listdir(where) if name.casefold() == folded), part)
            where = os.path.join(where, part)
        return where

    @_errors_as_fuse
    def getattr(self, path, fh=None):
        status = os.lstat(self._where(path))
        return {field: getattr(status, field) for field in STAT_FIELDS}

    @_errors_as_fuse
    def readdir(self, path, fh):
        return [".", "..", *os.listdir(self._where(path))]

    @_errors_as_fuse
    def statfs(self, path):
        status = os.statvfs(self._where(path))
        return {field: getattr(status, field) for field in STATVFS_FIELDS}

    @_errors_as_fuse
    def readlink(self, path):
        return os.readlink(self._where(path))

    @_errors_as_fuse
    def mkdir(self, path, mode):
        os.mkdir(self._where(path), mode)

    @_errors_as_fuse
    def rmdir(self, path):
        os.rmdir(self._where(path))

    @_errors_as_fuse
    def unlink(self, path):
        os.unlink(self._where(path))

    @_errors_as_fuse
    def rename(self, old, new):
        os.rename(self._where(old), self._where(new))

    @_errors_as_fuse
    def symlink(self, target, source):
        os.symlink(source, self._where(target))

    @_errors_as_fuse
    def chmod(self, path, mode):
        os.chmod(self._where(path), mode)

    @_errors_as_fuse
    def chown(self, path, uid, gid):
        os.chown(self._where(path), uid, gid)

    @_errors_as_fuse
    def utimens(self, path, times=None):
        os.utime(self._where(path), times)

    @_errors_as_fuse
    def truncate(self, path, length, fh=None):
        os.truncate(self._where(path), length)

    @_errors_as_fuse
    def create(self, path, mode, fi=None):
        return os.open(self._where(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)

    @_errors_as_fuse
    def open(self, path, flags):
        return os.open(self._where(path), flags)

    @_errors_as_fuse
    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    @_errors_as_fuse
    def write(self, path, data, offset, fh):
        return os.pwrite(fh, data, offset)

    @_errors_as_fuse
    def flush(self, path, fh):
        return 0

    @_errors_as_fuse
    def fsync(self, path, datasync, fh):
        os.fsync(fh)

    @_errors_as_fuse
    def release(self, path, fh):
        os.close(fh)


if __name__ == "__main__":
    # use_ino: one file has one inode number whatever its spelling, as on a real disk
    FUSE(CaseInsensitive(sys.argv[1]), sys.argv[2], foreground=True, nothreads=True, use_ino=True)
