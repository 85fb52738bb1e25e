"""Dropping every Linux capability before a sandboxed program starts.

Landlock confines files, sockets and signals, not capabilities. A server run as root (`--allow-root`,
a container's default) would hand its kernels root's capabilities: raw packet sockets that read
other users' traffic, eBPF that reads the server's memory, another terminal's input injected with
TIOCSTI, `/proc/<pid>/environ` of any process. So the launcher empties the bounding set (a
program run as root regains no capability on exec), the ambient set, and its own effective,
permitted and inheritable sets, and checks that nothing is left. With no_new_privs (set when the
Landlock domain is entered) no set-uid program or file capability gives any back.
"""

from __future__ import annotations

import ctypes
import errno
import os

PR_CAPBSET_READ = 23
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
SYS_CAPSET = 126 if os.uname().machine == "x86_64" else 91  # aarch64's generic table: 91
LINUX_CAPABILITY_VERSION_3 = 0x20080522
STATUS_SETS = ("CapInh", "CapPrm", "CapEff", "CapAmb")


class CapabilityError(OSError):
    """A capability could not be dropped: the program must not start."""


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_all() -> None:
    """Leave this process (and what it executes) without any capability; CapabilityError if
    one remains."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in range(_last_capability() + 1):
        in_bounding_set = libc.prctl(PR_CAPBSET_READ, capability, 0, 0, 0) == 1
        if in_bounding_set and libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            error = ctypes.get_errno()
            if error != errno.EPERM:  # EPERM: no CAP_SETPCAP, so none to regain (checked below)
                raise CapabilityError(error, f"dropping capability {capability}")
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)  # EINVAL before Linux 4.3: none
    header = _Header(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    if libc.syscall(SYS_CAPSET, ctypes.byref(header), ctypes.byref(data)) != 0:
        raise CapabilityError(ctypes.get_errno(), "capset")
    left = held()
    if left:
        raise CapabilityError(errno.EPERM, f"capabilities left: {', '.join(left)}")


def held() -> list[str]:
    """The capability sets of this process that are not empty (from /proc/self/status)."""
    with open("/proc/self/status") as status:
        sets = dict(line.split(":\t", 1) for line in status if line.startswith(STATUS_SETS))
    return [name for name in STATUS_SETS if int(sets.get(name, "0").strip(), 16)]


def _last_capability() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as last:
            return int(last.read())
    except (OSError, ValueError):
        return 63
