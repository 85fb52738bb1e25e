"""The launcher's second half: it runs the program as its child, and ends with it everything the
program started, daemons included.

A program that executed in the launcher's place would leave behind every process it started in a
session of its own (`setsid`, a double fork): the server ends a kernel by its process group, a
terminal by its process id, and such a daemon would keep the folders its user has since lost.
So the launcher stays, as a child subreaper (orphans of its descendants become its children
rather than init's), and runs the program in a process group of its own:

- signals the server sends the launcher (SIGINT: an interrupt; SIGQUIT, SIGUSR1, SIGUSR2) go on
  to the program's process group, once, as the server's would have reached the program's;
- when the program exits, or the launcher gets SIGTERM or SIGHUP (after a moment for the program
  to end on it), or the server that started it dies, every descendant left is killed (SIGKILL)
  and reaped, and the launcher exits with the program's status (128 + the signal that ended it);
- the program enters a Landlock layer of its own that scopes signals (where the launcher's
  domain does; landlock.program_layer, with the TCP ports it may not use): nothing it starts can
  signal, stop or trace the launcher. Were the launcher killed
  anyway (SIGKILL to its group), the program dies with it (PR_SET_PDEATHSIG); its daemons would
  not, which is why the server ends kernels and terminals with SIGTERM or SIGHUP.

Standard library only, and little of it: it runs beside every kernel and terminal.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time

from .landlock import enter

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
REFUSED = 126  # the shell's "found but cannot run"
FORWARDED = {signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2}
ENDING = {signal.SIGTERM, signal.SIGHUP}
# Blocked in the launcher and taken with sigtimedwait; the terminal's stop signals are taken too,
# so that no keystroke stops the launcher. The program starts with the mask as it was.
TAKEN = FORWARDED | ENDING | {signal.SIGCHLD, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU}
GRACE = 0.1  # seconds the program has to end on SIGTERM or SIGHUP (terminado waits this long)
PARENT_POLL = 1.0  # seconds between looks at whether the server is still there


class Supervised:
    """The program, run as the launcher's child, and its exit."""

    def __init__(self, program: list[str], environ: dict[str, str], layer: int | None) -> None:
        self.program = program
        self.environ = environ
        # the ruleset the program enters (landlock.program_layer): signals scoped, TCP ports
        self.layer = layer
        self.pid = 0
        self.status: int | None = None  # the program's exit status, once it ended

    def run(self) -> int:
        """Start the program, pass signals on until it ends, end everything it started; returns
        the status to exit with."""
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        server, launcher = os.getppid(), os.getpid()
        saved = signal.pthread_sigmask(signal.SIG_BLOCK, TAKEN)
        self.pid = os.fork()
        if self.pid == 0:
            self._become_the_program(saved, launcher)  # never returns
        if self.layer is not None:
            os.close(self.layer)  # the program's now; nobody else may add to it
        try:
            os.setpgid(self.pid, self.pid)  # as the child does: whichever comes first
        except OSError:
            pass  # the child did it, and may have executed the program already
        ended_by = self._wait(server)
        if ended_by is not None and self.status is None:
            self._signal_program(ended_by)
            self._wait_for_program(GRACE)
        kill_descendants(self.pid)
        if self.status is not None:
            return self.status
        return 128 + (ended_by or signal.SIGKILL)

    def _wait(self, server: int) -> int | None:
        """Until the program ends (None) or the launcher is told to end (the signal)."""
        while True:
            info = signal.sigtimedwait(TAKEN, PARENT_POLL)
            if info is None:
                if os.getppid() != server:  # the server died: its kernels and terminals end
                    return signal.SIGHUP
                continue
            number = info.si_signo
            if number == signal.SIGCHLD:
                self._reap()
                if self.status is not None:
                    return None
            elif number in FORWARDED:
                self._signal_program(number)
            elif number in ENDING:
                return number

    def _wait_for_program(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.status is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if signal.sigtimedwait({signal.SIGCHLD}, left) is not None:
                self._reap()

    def _reap(self) -> None:
        """Reap every child that ended (the program, or an orphan it left)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.pid:
                code = os.waitstatus_to_exitcode(status)
                self.status = code if code >= 0 else 128 - code

    def _signal_program(self, number: int) -> None:
        """`number` to the program's process group, as the server's signal reached it before."""
        try:
            os.killpg(self.pid, number)
        except OSError:
            try:
                os.kill(self.pid, number)
            except OSError:
                pass  # already ended

    def _become_the_program(self, mask: set, launcher: int) -> None:
        """In the child: its own process group (the terminal's foreground, if it has one), dying
        with the launcher, signals scoped to its own; then the program."""
        try:
            os.setpgid(0, 0)
            _take_the_terminal(os.getpgid(launcher))
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != launcher:
                os._exit(REFUSED)  # the launcher is gone already
            if self.layer is not None:
                enter(self.layer, "entering the program's layer")
                os.close(self.layer)  # the program could add ports to it
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.execvpe(self.program[0], self.program, self.environ)
        except OSError as error:
            _say(f"cannot run {self.program[0]}: {error.strerror or error}")
        except BaseException as error:  # noqa: BLE001  # a child must never return into main
            _say(f"cannot run {self.program[0]}: {error}")
        os._exit(REFUSED)


def _take_the_terminal(launchers_group: int) -> None:
    """Make the program's group the foreground of the launcher's terminal, if it has one (a
    shell in the background would stop itself, waiting for it)."""
    try:
        if os.isatty(0) and os.tcgetpgrp(0) == launchers_group:
            os.tcsetpgrp(0, os.getpid())  # SIGTTOU is still blocked: no stop
    except OSError:
        pass  # not its controlling terminal: nothing to hand over


def kill_descendants(program: int) -> None:
    """SIGKILL every descendant of this process and reap them, until none is left (one that
    forks meanwhile leaves its child to this subreaper, found on the next round). Where /proc
    cannot be read (a plan without it), only the program's process group."""
    me = os.getpid()
    while True:
        try:
            found = descendants(me)
        except PermissionError:
            _say("cannot read /proc: ending only the program's process group")
            found = []
            try:
                os.killpg(program, signal.SIGKILL)
            except OSError:
                pass
        if not found:
            break
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass  # ended meanwhile
        try:
            os.waitpid(-1, 0)  # at least one child ends: each found tree's top is a child
        except ChildProcessError:
            pass
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def descendants(pid: int) -> list[int]:
    """Every descendant of `pid`, as /proc lists them now (zombies included)."""
    found: list[int] = []
    parents = [pid]
    while parents:
        parent = parents.pop()
        for child in _children(parent):
            found.append(child)
            parents.append(child)
    return found


def _children(pid: int) -> list[int]:
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return []  # ended meanwhile
    children: list[int] = []
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children", encoding="ascii") as listing:
                children += [int(word) for word in listing.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return children


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"prctl({option}): {os.strerror(error)}")


def _say(line: str) -> None:
    print(f"jupyter-rbac sandbox: {line}", file=sys.stderr, flush=True)
