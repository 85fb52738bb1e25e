"""Landlock, Linux's unprivileged sandbox, through ctypes: build a domain of file and TCP rules,
enter it.

Our own binding, not one from PyPI: `landlock` 1.0.0.dev5 knows only ABI 1's ruleset (no scoping);
`py-landlock` 0.1.1 (alpha) and `landlockpy` 0.2.0 (beta) are young, do not mask folder rights for
a file's rule, and would add a dependency in front of every kernel for 300 lines of stdlib.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import stat
from enum import IntFlag

# The same numbers on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl) and aarch64 (which uses the
# generic table, include/uapi/asm-generic/unistd.h): 444-446 since Landlock arrived in Linux 5.13.
SYS_OPENAT2 = 437
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446

PR_SET_NO_NEW_PRIVS = 38
LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
LANDLOCK_RULE_PATH_BENEATH = 1
LANDLOCK_RULE_NET_PORT = 2
LANDLOCK_ACCESS_NET_BIND_TCP = 1 << 0
LANDLOCK_ACCESS_NET_CONNECT_TCP = 1 << 1
# Handled together: denied ports are neither reached nor taken (a process that bound a kernel's
# port first would keep kernels from starting, or receive what the server sends one).
TCP_RIGHTS = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP
NET_ABI = 4  # the first ABI with TCP rules (handled_access_net)
LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
LANDLOCK_SCOPE_SIGNAL = 1 << 1
SCOPE_ABI = 6  # the first ABI with `scoped`
# What /proc/self/fd shows for a ruleset's descriptor.
RULESET_KIND = "anon_inode:[landlock-ruleset]"
AT_FDCWD = -100
RESOLVE_NO_SYMLINKS = 0x04


class FileAccess(IntFlag):
    """LANDLOCK_ACCESS_FS_*: what a rule lets a process do beneath a folder, or to one file."""

    EXECUTE = 1 << 0
    WRITE_FILE = 1 << 1
    READ_FILE = 1 << 2
    READ_DIR = 1 << 3
    REMOVE_DIR = 1 << 4
    REMOVE_FILE = 1 << 5
    MAKE_CHAR = 1 << 6
    MAKE_DIR = 1 << 7
    MAKE_REG = 1 << 8
    MAKE_SOCK = 1 << 9
    MAKE_FIFO = 1 << 10
    MAKE_BLOCK = 1 << 11
    MAKE_SYM = 1 << 12
    REFER = 1 << 13  # ABI 2: link or rename into another folder
    TRUNCATE = 1 << 14  # ABI 3
    IOCTL_DEV = 1 << 15  # ABI 5: ioctl on character and block devices


# The ABI that introduced each right after the first; the kernel refuses a right it does not know.
_INTRODUCED = {FileAccess.REFER: 2, FileAccess.TRUNCATE: 3, FileAccess.IOCTL_DEV: 5}

# The rights that mean something on a file; the kernel refuses the others (EINVAL) in a file's rule.
FILE_RIGHTS = (
    FileAccess.EXECUTE
    | FileAccess.WRITE_FILE
    | FileAccess.READ_FILE
    | FileAccess.TRUNCATE
    | FileAccess.IOCTL_DEV
)

# What the plans grant. Each is masked to the running ABI (and to FILE_RIGHTS for a file) when a
# rule uses it, so the same constant serves every kernel.
READ_ONLY = FileAccess.READ_FILE | FileAccess.READ_DIR
READ_EXECUTE = READ_ONLY | FileAccess.EXECUTE
# Working in a folder: create, change, rename and remove files and folders in it, and run what one
# wrote there (withholding EXECUTE would stop nothing: the dynamic loader runs any readable binary).
# Not MAKE_CHAR / MAKE_BLOCK (devices) nor IOCTL_DEV.
READ_WRITE = (
    READ_EXECUTE
    | FileAccess.WRITE_FILE
    | FileAccess.REMOVE_DIR
    | FileAccess.REMOVE_FILE
    | FileAccess.MAKE_DIR
    | FileAccess.MAKE_REG
    | FileAccess.MAKE_SOCK
    | FileAccess.MAKE_FIFO
    | FileAccess.MAKE_SYM
    | FileAccess.REFER
    | FileAccess.TRUNCATE
)
# The served folders a confined user works in: all of READ_WRITE but making symbolic links. The
# server opens files there for everyone (contents, /files, collaboration rooms) and follows a link
# at the moment it opens: a link a user makes could be swapped in between the server's check and
# its open (an outside attack wrote 34 files outside the root in 12 s, racing renames against
# saves). The process's private HOME and TMPDIR, which the server never serves, keep it.
SERVED_READ_WRITE = READ_WRITE & ~FileAccess.MAKE_SYM
# A terminal's devices (/dev/null, /dev/tty, /dev/pts): open them and set them up (tcsetattr is an
# ioctl, which ABI 5 governs for a device opened inside the domain).
DEVICE = FileAccess.READ_FILE | FileAccess.WRITE_FILE | FileAccess.IOCTL_DEV
# One file code may read and change (a file shared alone): not remove or rename it, which are
# rights of its folder.
WRITABLE_FILE = FileAccess.READ_FILE | FileAccess.WRITE_FILE | FileAccess.TRUNCATE


class LandlockError(OSError):
    """A step of building or entering a domain failed; `errno` says why, the message says which."""

    def __init__(self, error: int, what: str):
        super().__init__(error, f"{what}: {os.strerror(error)}")
        self.what = what


class _RulesetAttr(ctypes.Structure):
    # struct landlock_ruleset_attr as of ABI 6. An older kernel accepts the larger struct as long
    # as the fields it does not know are zero, which they are on an ABI without them.
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel's struct is packed: 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _NetPortAttr(ctypes.Structure):
    _pack_ = 1  # struct landlock_net_port_attr: 16 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("port", ctypes.c_uint64)]


class _OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]


@functools.lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    libc.prctl.restype = ctypes.c_int
    return libc


def _syscall(what: str, number: int, *args: object) -> int:
    # syscall(2) reads each argument as a long: widen ints here, or their upper bits are garbage.
    longs = [ctypes.c_long(arg) if isinstance(arg, int) else arg for arg in args]
    ctypes.set_errno(0)
    result = _libc().syscall(ctypes.c_long(number), *longs)
    if result < 0:
        raise LandlockError(ctypes.get_errno() or errno.EINVAL, what)
    return int(result)


@functools.lru_cache(maxsize=1)
def abi_version() -> int:
    """The Landlock ABI this kernel offers; 0 where there is none (ENOSYS, EOPNOTSUPP). No errors."""
    try:
        return _syscall(
            "landlock_create_ruleset",
            SYS_LANDLOCK_CREATE_RULESET,
            None,
            0,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    except Exception:  # noqa: BLE001  # not Linux, no libc, no Landlock: all mean "none here"
        return 0


def handled_access(abi: int) -> FileAccess:
    """Every file right ABI `abi` knows: what a domain built on it denies unless a rule allows."""
    if abi < 1:
        return FileAccess(0)
    rights = FileAccess(0)
    for right in FileAccess:
        if abi >= _INTRODUCED.get(right, 1):
            rights |= right
    return rights


def _open_rule_root(path: str) -> int:
    """An O_PATH descriptor for `path`, refusing a path through a symbolic link (ELOOP).

    A rule follows the inode it is given: a link that the confined user can swap (it lies in a
    folder they write) would otherwise let them point another rule, or their home, at any folder.
    """
    how = _OpenHow(os.O_PATH | os.O_CLOEXEC, 0, RESOLVE_NO_SYMLINKS)
    try:
        return _syscall(
            "openat2",
            SYS_OPENAT2,
            AT_FDCWD,
            os.fsencode(path),
            ctypes.byref(how),
            ctypes.sizeof(how),
        )
    except LandlockError as error:
        if error.errno not in (errno.ENOSYS, errno.EPERM):  # a container's seccomp may refuse it
            raise
    if os.path.realpath(path) != os.path.abspath(path):
        raise LandlockError(errno.ELOOP, "openat2")
    return os.open(path, os.O_PATH | os.O_CLOEXEC | os.O_NOFOLLOW)


MAX_PORT = 65535


def allowed_ports(denied: list[tuple[int, int]]) -> list[int]:
    """Every TCP port, 0 to MAX_PORT, outside the `denied` (first, last) ranges."""
    allowed = bytearray(b"\1") * (MAX_PORT + 1)
    for first, last in denied:
        allowed[first : last + 1] = bytes(last + 1 - first)
    return [port for port, yes in enumerate(allowed) if yes]


def _allow_tcp(ruleset: int, ports: list[int]) -> None:
    """One rule per port, through one reused struct and prepared arguments: the kernel's own
    work on each rule dominates (the same loop in C is hardly faster)."""
    call = _libc().syscall
    rule = _NetPortAttr(TCP_RIGHTS, 0)
    arguments = [
        ctypes.c_long(SYS_LANDLOCK_ADD_RULE),
        ctypes.c_long(ruleset),
        ctypes.c_long(LANDLOCK_RULE_NET_PORT),
        ctypes.byref(rule),
        ctypes.c_long(0),
    ]
    for port in ports:
        rule.port = port
        if call(*arguments) < 0:
            raise LandlockError(
                ctypes.get_errno() or errno.EINVAL, f"landlock_add_rule TCP port {port}"
            )


# Reasons to skip a rule rather than fail, besides a path that does not exist (ENOENT, ENOTDIR).
_UNREACHABLE = {
    errno.ELOOP: "goes through a symbolic link (give its real path)",
    errno.EACCES: "is not reachable",
}


class Sandbox:
    """A Landlock domain under construction: `allow` what is needed, then `apply` it, for good.

    The domain handles every file right of the running ABI, so all file access not allowed by a
    rule is denied. Of the network it handles at most TCP, connecting and binding, and only
    once `deny_tcp` named ports: then every other port gets a rule (Landlock knows ports, not
    ranges), and connecting to or binding the named ones is refused (EACCES; a kernel's own
    ports are left out of them by the plan). UDP is not handled (Landlock has no rules for it).
    `missing`
    lists the paths of rules skipped as they do not exist; `skipped` says, in words, which
    other rule or scope this domain could not have, and why.
    """

    def __init__(self, abi: int | None = None):
        """`abi` caps the ABI used (to test a downgrade on a newer kernel); None: the kernel's."""
        kernel = abi_version()
        self.abi = kernel if abi is None else min(abi, kernel)
        if self.abi < 1:
            raise LandlockError(errno.EOPNOTSUPP, "Landlock is not available on this kernel")
        self.handled = handled_access(self.abi)
        self.scoped = 0
        self.missing: list[str] = []
        self.skipped: list[str] = []
        self._rules: list[tuple[int, FileAccess, str]] = []  # (O_PATH descriptor, rights, path)
        self.tcp_denied: list[tuple[int, int]] = []  # (first, last) port ranges
        self._applied = False

    def allow(self, path: str, access: FileAccess) -> FileAccess:
        """Allow `access` beneath the folder `path`, or on the file `path`; returns what it granted.

        Rights this ABI does not handle are dropped, and so are folder-only rights on a file. A
        path that does not exist is skipped and listed in `missing`; one through a symbolic link,
        or with nothing left to grant, is skipped and noted in `skipped`; both return 0.
        """
        self._check_open()
        try:
            fd = _open_rule_root(path)
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ENOTDIR):
                self.missing.append(path)
                return FileAccess(0)
            reason = _UNREACHABLE.get(error.errno or 0)
            if reason is None:
                raise LandlockError(error.errno or errno.EINVAL, f"open {path}") from error
            self.skipped.append(f"{path}: {reason}")
            return FileAccess(0)
        rights = FileAccess(access) & self.handled
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        if not rights:
            os.close(fd)
            self.skipped.append(f"{path}: none of {FileAccess(access).name} applies to it")
            return FileAccess(0)
        self._rules.append((fd, rights, path))
        return rights

    def scope_signals(self) -> bool:
        """Deny signals to processes outside this domain (ABI 6); False, noted, on an older ABI."""
        return self._scope(LANDLOCK_SCOPE_SIGNAL, "signals")

    def scope_abstract_unix_sockets(self) -> bool:
        """Deny connecting to abstract unix sockets made outside this domain (ABI 6)."""
        return self._scope(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, "abstract unix sockets")

    def deny_tcp(self, first: int, last: int) -> bool:
        """Refuse connecting to and binding the TCP ports `first`..`last` (ABI 4), any address;
        False, noted in `skipped`, on an older ABI (the rest of the domain still applies)."""
        self._check_open()
        if not 0 <= first <= last <= MAX_PORT:
            raise ValueError(f"not a range of TCP ports: {first}-{last}")
        if self.abi < NET_ABI:
            self.skipped.append(
                f"refusing TCP ports {first}-{last}: needs Landlock ABI {NET_ABI}, have {self.abi}"
            )
            return False
        self.tcp_denied.append((first, last))
        return True

    def _scope(self, flag: int, name: str) -> bool:
        self._check_open()
        if self.abi < SCOPE_ABI:
            self.skipped.append(f"scoping {name}: needs Landlock ABI {SCOPE_ABI}, have {self.abi}")
            return False
        self.scoped |= flag
        return True

    def build(self) -> int:
        """The ruleset of this domain, not entered: its descriptor (close-on-exec), for `enter`
        here or in another process, which may inherit it. Closes this sandbox."""
        self._check_open()
        self._applied = True
        net = TCP_RIGHTS if self.tcp_denied else 0
        attr = _RulesetAttr(int(self.handled), net, self.scoped)
        try:
            ruleset = _syscall(
                "landlock_create_ruleset",
                SYS_LANDLOCK_CREATE_RULESET,
                ctypes.byref(attr),
                ctypes.sizeof(attr),
                0,
            )
        except LandlockError:
            self.close()
            raise
        try:
            for fd, rights, path in self._rules:
                rule = _PathBeneathAttr(int(rights), fd)
                _syscall(
                    f"landlock_add_rule {path}",
                    SYS_LANDLOCK_ADD_RULE,
                    ruleset,
                    LANDLOCK_RULE_PATH_BENEATH,
                    ctypes.byref(rule),
                    0,
                )
            if net:
                _allow_tcp(ruleset, allowed_ports(self.tcp_denied))
        except BaseException:
            os.close(ruleset)
            raise
        finally:
            self.close()
        return ruleset

    def apply(self) -> None:
        """Enter the domain: this thread and every process it starts from now on, irrevocably.

        Call it before starting threads: Landlock restricts the calling thread only.
        """
        ruleset = self.build()
        try:
            enter(ruleset)
        finally:
            os.close(ruleset)

    def close(self) -> None:
        """Release the descriptors of the rules (`build` and `apply` do it too)."""
        for fd, _rights, _path in self._rules:
            os.close(fd)
        self._rules.clear()
        self._applied = True

    def _check_open(self) -> None:
        if self._applied:
            raise LandlockError(errno.EALREADY, "this sandbox was already applied or closed")


def enter(ruleset: int, what: str = "landlock_restrict_self") -> None:
    """Enter the ruleset `ruleset` (a descriptor) as a new layer of this thread's domain, for
    good: every layer must allow an access. EBADFD if it is not a ruleset."""
    # The kernel lets an unprivileged process enter a domain only once it can gain no
    # privileges: a set-uid program must never run privileged under rules it did not expect.
    libc = _libc()
    ctypes.set_errno(0)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, *(ctypes.c_ulong(n) for n in (1, 0, 0, 0))) != 0:
        raise LandlockError(ctypes.get_errno() or errno.EINVAL, "prctl(PR_SET_NO_NEW_PRIVS)")
    _syscall(what, SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0)


def check_ruleset(fd: int) -> None:
    """LandlockError unless `fd` is open and (where /proc tells) a Landlock ruleset. Check an
    inherited number before opening any descriptor: one that was not inherited must not find a
    descriptor of one's own in its place."""
    try:
        kind = os.readlink(f"/proc/self/fd/{fd}")
    except FileNotFoundError:
        raise LandlockError(errno.EBADF, f"descriptor {fd} is not open") from None
    except OSError:  # no /proc here: landlock_restrict_self refuses anything but a ruleset
        return
    if kind != RULESET_KIND:
        raise LandlockError(errno.EBADFD, f"descriptor {fd} is {kind}, not a Landlock ruleset")


class ProgramLayer:
    """A ruleset for the program to enter last (`program_layer`): its descriptor, whether it
    refuses TCP ports, and what it could not have on this ABI, in words."""

    __slots__ = ("refuses_tcp", "ruleset", "skipped")

    def __init__(self, ruleset: int | None, refuses_tcp: bool, skipped: list[str]) -> None:
        self.ruleset = ruleset
        self.refuses_tcp = refuses_tcp
        self.skipped = skipped


def program_layer(
    tcp_denied: list[tuple[int, int]], scope_signals: bool, abi: int | None = None
) -> ProgramLayer:
    """The ruleset a confined program enters last, around the launcher's domain (see reaper.py):
    it scopes signals (ABI 6: the program cannot signal, nor trace, the launcher, which stays
    outside it) and refuses connecting to and binding the `tcp_denied` ports (ABI 4). No
    ruleset where this ABI can do neither.

    It handles no file right but REFER, granted everywhere: a layer that does not handle REFER
    denies every link or rename into another folder, and the launcher's domain confines files.
    With ports, it is ~64,500 rules (Landlock knows ports, not ranges), some 0.05 s to build:
    the server builds a kernel's ahead (port_layers.py); a domain entered after it would copy
    them again, so it comes last."""
    layer = Sandbox(abi)
    scoped = scope_signals and layer.scope_signals()
    denied = [layer.deny_tcp(first, last) for first, last in tcp_denied]  # every range
    refuses_tcp = any(denied)
    skipped = list(layer.skipped)
    if not scoped and not refuses_tcp:
        layer.close()
        return ProgramLayer(None, False, skipped)
    layer.handled = FileAccess.REFER
    layer.allow("/", FileAccess.REFER)
    return ProgramLayer(layer.build(), refuses_tcp, skipped)
