"""The seccomp filter of every confined process: the system calls Landlock does not see.

- **Other processes' limits.** `prlimit64` setting another process's limits reaches any
  process of the same user (a CPU limit of one second kills the server): Landlock scopes signals
  and ptrace, not this. A confined process may set its own limits (pid 0) and read anyone's,
  never set another's: EPERM. (Priority and scheduling calls name threads by their id, as
  libzmq's `pthread_setschedparam` does for its own: they stay allowed; see SECURITY.md.)
- **TCP the port rules do not see** (with TCP rules only): `sendto`, `sendmsg` and `sendmmsg`
  with MSG_FASTOPEN open a TCP connection without connect(2), past the hook where Landlock
  checks the port (landlock-lsm/linux issue 41, still so in Linux 6.18): EACCES, as Landlock
  answers a refused connect. A Multipath TCP socket (`IPPROTO_MPTCP`, which falls back to plain
  TCP on the wire) is not a TCP socket to Landlock: EPROTONOSUPPORT, as on a kernel without
  MPTCP, so programs that try it fall back to TCP, which Landlock governs.
- **Hard links** (`link`, `linkat`): EPERM. A file linked from a shared folder into the user's
  home stayed theirs, read and written live, after the share was removed (an outside tester's
  finding); tools fall back to copying or renaming (git, conda, pip do).
- io_uring, whose operations no seccomp filter sees, is refused whole (EPERM), and so are the
  system calls of another architecture's ABI (x86's 32-bit calls from a 64-bit process, x32),
  whose numbers differ.

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
IPPROTO_MPTCP = 262
X32_SYSCALL_BIT = 0x40000000
# Hard links: a second name for a file, made where its user may write, outlives the rule that
# let them reach the file (a share removed, a group left, a file moved away), and follows what
# is written to it. Landlock lets them within and between the folders code was given.
HARD_LINKS = ("link", "linkat")

# Each architecture's AUDIT_ARCH_* and the numbers of the calls the filter looks at
# (arch/x86/entry/syscalls/syscall_64.tbl; the generic table of include/uapi/asm-generic).
_ARCHITECTURES = {
    "x86_64": (
        0xC000003E,
        {
            "sendto": 44,
            "sendmsg": 46,
            "sendmmsg": 307,
            "socket": 41,
            "io_uring": 425,
            "prlimit64": 302,
            "link": 86,
            "linkat": 265,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "sendto": 206,
            "sendmsg": 211,
            "sendmmsg": 269,
            "socket": 198,
            "io_uring": 425,
            "prlimit64": 261,
            "linkat": 37,  # aarch64 has no link(2)
        },
    ),
}
# The argument that holds the flags: sendto(fd, buf, len, flags, ...), sendmsg(fd, msg, flags),
# sendmmsg(fd, msgvec, vlen, flags).
_FLAGS_ARGUMENT = {"sendto": 3, "sendmsg": 2, "sendmmsg": 3}
# Classic BPF, as seccomp runs it: a load of 32 bits from struct seccomp_data (nr at 0, arch at 4,
# args[i] at 16 + 8 * i, its low half first), jumps on a constant, a return.
_LOAD, _JEQ, _JGE, _JSET, _RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000


def _argument(index: int, high: bool = False) -> int:
    return 16 + 8 * index + (4 if high else 0)


class _Instruction(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def filter_for(machine: str, tcp: bool = True) -> list[tuple[int, int, int, int]] | None:
    """The filter's instructions (code, jump if true, jump if false, k) for the architecture
    `machine` (os.uname().machine), with the TCP part if `tcp`; None where it has none."""
    if machine not in _ARCHITECTURES or sys.byteorder != "little":
        return None
    arch, numbers = _ARCHITECTURES[machine]
    # Written with labels, then each jump resolved to the count of instructions it skips.
    program: list[tuple[int, str | int, str | int, int]] = [
        (_LOAD, 0, 0, 4),
        (_JEQ, 0, "refuse EPERM", arch),
        (_LOAD, 0, 0, 0),
    ]
    if machine == "x86_64":
        program.append((_JGE, "refuse EPERM", 0, X32_SYSCALL_BIT))
    program.append((_JEQ, "refuse EPERM", 0, numbers["io_uring"]))
    if tcp:
        for name, argument in _FLAGS_ARGUMENT.items():
            program.append((_JEQ, f"flags {argument}", 0, numbers[name]))
        program.append((_JEQ, "socket", 0, numbers["socket"]))
    program.append((_JEQ, "prlimit64", 0, numbers["prlimit64"]))
    for name in HARD_LINKS:
        if name in numbers:
            program.append((_JEQ, "refuse EPERM", 0, numbers[name]))
    program.append((_RETURN, 0, 0, _ALLOW))

    labels: dict[str, int] = {}

    def block(label: str, instructions: list[tuple[int, str | int, str | int, int]]) -> None:
        labels[label] = len(program)
        program.extend(instructions)

    if tcp:
        for argument in sorted(set(_FLAGS_ARGUMENT.values())):
            block(
                f"flags {argument}",
                [
                    (_LOAD, 0, 0, _argument(argument)),  # the kernel reads an int: the low half
                    (_JSET, "refuse EACCES", 0, MSG_FASTOPEN),
                    (_RETURN, 0, 0, _ALLOW),
                ],
            )
        block(
            "socket",  # socket(domain, type, protocol)
            [
                (_LOAD, 0, 0, _argument(2)),
                (_JEQ, "refuse EPROTONOSUPPORT", 0, IPPROTO_MPTCP),
                (_RETURN, 0, 0, _ALLOW),
            ],
        )
    block(
        "prlimit64",  # prlimit64(pid, resource, new_limit, old_limit): reading is harmless
        [
            (_LOAD, 0, 0, _argument(0)),
            (_JEQ, "allow", 0, 0),
            (_LOAD, 0, 0, _argument(2)),
            (_JEQ, 0, "refuse EPERM", 0),
            (_LOAD, 0, 0, _argument(2, high=True)),
            (_JEQ, "allow", "refuse EPERM", 0),
        ],
    )
    block("allow", [(_RETURN, 0, 0, _ALLOW)])
    for name, answer in (
        ("refuse EACCES", errno.EACCES),
        ("refuse EPERM", errno.EPERM),
        ("refuse EPROTONOSUPPORT", errno.EPROTONOSUPPORT),
    ):
        block(name, [(_RETURN, 0, 0, _ERRNO | answer)])
    resolved = []
    for index, (code, true, false, k) in enumerate(program):
        jumps = [labels[to] - index - 1 if isinstance(to, str) else to for to in (true, false)]
        resolved.append((code, jumps[0], jumps[1], k))
    return resolved


def install_filter(tcp: bool) -> str | None:
    """Install the filter on this thread, for good, and every process it starts (`tcp`: with
    its TCP part); None, or why this architecture has none. OSError if the kernel refuses it.
    Needs PR_SET_NO_NEW_PRIVS, which landlock.Sandbox.apply sets."""
    machine = os.uname().machine  # platform.machine(), without importing platform
    instructions = filter_for(machine, tcp)
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
