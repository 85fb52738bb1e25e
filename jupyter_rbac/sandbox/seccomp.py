"""A seccomp filter that refuses TCP Fast Open, which Landlock's TCP rules do not see.

`sendto`, `sendmsg` and `sendmmsg` with MSG_FASTOPEN open a TCP connection without connect(2),
and so without the hook where Landlock checks the port (landlock-lsm/linux issue 41, still so
in Linux 6.18): a sandbox that refuses connections to some ports must refuse these calls too. The
filter answers them EACCES, as Landlock answers a refused connect; io_uring, whose sends no
seccomp filter sees, is refused (EPERM) whole, and so are the system calls of another
architecture's ABI (x86's 32-bit calls from a 64-bit process, x32), whose numbers differ.
connect(2) with TCP_FASTOPEN_CONNECT goes through the hook: Landlock refuses it itself.

Standard library only (the launcher runs it); x86_64 and aarch64, little-endian.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
MSG_FASTOPEN = 0x20000000
X32_SYSCALL_BIT = 0x40000000

# Each architecture's AUDIT_ARCH_* and its numbers of sendto, sendmsg, sendmmsg, io_uring_setup
# (arch/x86/entry/syscalls/syscall_64.tbl; the generic table of include/uapi/asm-generic).
_ARCHITECTURES = {
    "x86_64": (0xC000003E, {"sendto": 44, "sendmsg": 46, "sendmmsg": 307, "io_uring": 425}),
    "aarch64": (0xC00000B7, {"sendto": 206, "sendmsg": 211, "sendmmsg": 269, "io_uring": 425}),
}
# The argument that holds the flags: sendto(fd, buf, len, flags, ...), sendmsg(fd, msg, flags),
# sendmmsg(fd, msgvec, vlen, flags).
_FLAGS_ARGUMENT = {"sendto": 3, "sendmsg": 2, "sendmmsg": 3}

# Classic BPF, as seccomp runs it: a load of 32 bits from struct seccomp_data (nr at 0, arch at 4,
# args[i] at 16 + 8 * i), jumps on a constant, a return.
_LOAD, _JEQ, _JGE, _JSET, _RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000


class _Instruction(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def filter_for(machine: str) -> list[tuple[int, int, int, int]] | None:
    """The filter's instructions (code, jump if true, jump if false, k) for the architecture
    `machine` (os.uname().machine); None where it has none."""
    if machine not in _ARCHITECTURES or sys.byteorder != "little":
        return None
    arch, numbers = _ARCHITECTURES[machine]
    # Written with labels, then each jump resolved to the count of instructions it skips.
    program: list[tuple[int, str | int, str | int, int]] = [
        (_LOAD, 0, 0, 4),
        (_JEQ, 0, "other ABI", arch),
        (_LOAD, 0, 0, 0),
    ]
    if machine == "x86_64":
        program.append((_JGE, "other ABI", 0, X32_SYSCALL_BIT))
    program.append((_JEQ, "refuse io_uring", 0, numbers["io_uring"]))
    for name, argument in _FLAGS_ARGUMENT.items():
        program.append((_JEQ, f"flags {argument}", 0, numbers[name]))
    program.append((_RETURN, 0, 0, _ALLOW))
    labels: dict[str, int] = {}
    for argument in sorted(set(_FLAGS_ARGUMENT.values())):
        labels[f"flags {argument}"] = len(program)
        program += [
            (_LOAD, 0, 0, 16 + 8 * argument),  # the low half: the kernel reads an int
            (_JSET, "refuse", 0, MSG_FASTOPEN),
            (_RETURN, 0, 0, _ALLOW),
        ]
    for label, answer in (("refuse", errno.EACCES), ("refuse io_uring", errno.EPERM)):
        labels[label] = len(program)
        program.append((_RETURN, 0, 0, _ERRNO | answer))
    labels["other ABI"] = labels["refuse io_uring"]
    resolved = []
    for index, (code, true, false, k) in enumerate(program):
        jumps = [labels[to] - index - 1 if isinstance(to, str) else to for to in (true, false)]
        resolved.append((code, jumps[0], jumps[1], k))
    return resolved


def refuse_tcp_fast_open() -> str | None:
    """Install the filter on this thread, for good, and every process it starts; None, or why
    this architecture has none (then TCP Fast Open gets past Landlock). OSError if the kernel
    refuses it. Needs PR_SET_NO_NEW_PRIVS, which landlock.Sandbox.apply sets."""
    machine = os.uname().machine  # platform.machine(), without importing platform
    instructions = filter_for(machine)
    if instructions is None:
        return f"no seccomp filter for {machine} ({sys.byteorder}-endian)"
    array = (_Instruction * len(instructions))(*instructions)
    program = _Program(len(instructions), array)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.restype = ctypes.c_int
    ctypes.set_errno(0)
    arguments = (ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(program), ctypes.c_ulong(0))
    if libc.prctl(PR_SET_SECCOMP, *arguments) != 0:
        error = ctypes.get_errno() or errno.EINVAL
        raise OSError(error, f"prctl(PR_SET_SECCOMP): {os.strerror(error)}")
    return None
