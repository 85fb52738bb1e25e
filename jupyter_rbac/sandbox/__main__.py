"""The launcher: `python -m jupyter_rbac.sandbox -- PROGRAM [ARGS...]` runs PROGRAM in its sandbox.

It reads the plan from $JUPYTER_RBAC_SANDBOX (and takes it out of PROGRAM's environment), makes
the private HOME and TMPDIR, enters the Landlock domain (folders, IPC scopes), then runs PROGRAM
as its child, inside one more layer (signals scoped, TCP ports; built ahead by the server, or
here), and stays (see reaper.py): it passes the server's signals on, and when
PROGRAM ends, or the server ends it, it ends everything PROGRAM started, daemons included. It
fails closed: without Landlock, without a plan, or on any error, it prints one line to stderr and
exits with status 126, never running PROGRAM unconfined. Standard library only: it runs beside
every kernel and terminal.
"""

from __future__ import annotations

import os
import sys

from .capabilities import drop_all
from .landlock import (
    DEVICE,
    READ_EXECUTE,
    READ_ONLY,
    READ_WRITE,
    SERVED_READ_WRITE,
    WRITABLE_FILE,
    FileAccess,
    ProgramLayer,
    Sandbox,
    check_ruleset,
    program_layer,
)
from .plan import PLAN_VARIABLE, SandboxPlan
from .reaper import REFUSED, Supervised
from .seccomp import install_filter

# Where programs keep their own state, if set, else beneath HOME. The server's values name its
# folders, which the program may not reach (IPython would not start): with a private HOME they go.
HOME_STATE = (
    "IPYTHONDIR",
    "MPLCONFIGDIR",
    "JUPYTER_CONFIG_DIR",
    "JUPYTER_DATA_DIR",
    "JUPYTER_RUNTIME_DIR",
    "PYTHONUSERBASE",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
)
USAGE = "usage: python -m jupyter_rbac.sandbox -- PROGRAM [ARGS...]"


class Refused(Exception):
    """Why the launcher will not start the program."""


def private_folder(path: str) -> None:
    """Make the folder `path` (0700) if missing; refuse a link, a file or another user's folder."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    try:
        os.mkdir(path, 0o700)
        created = True
    except FileExistsError:
        created = False
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if os.fstat(fd).st_uid != os.geteuid():
            raise Refused(f"{path} belongs to another user")
        if created:
            os.fchmod(fd, 0o700)  # whatever the umask
    finally:
        os.close(fd)


def enter(plan: SandboxPlan, environ: dict[str, str]) -> tuple[int | None, list[str]]:
    """Enter the sandbox `plan` describes, setting HOME and TMPDIR in `environ`; returns the
    ruleset the program is to enter last (landlock.program_layer: its signals scoped, its TCP
    ports; None if none), and what was skipped, in words (not paths that do not exist: plans
    list optional system folders)."""
    if plan.tcp_layer is not None:  # first: before the rules open descriptors of their own
        check_ruleset(plan.tcp_layer)
    sandbox = Sandbox()
    private = ((plan.home, ("HOME",)), (plan.tmp, ("TMPDIR", "TMP", "TEMP")))
    for folder, names in private:
        if folder is None:
            continue
        private_folder(folder)
        if not sandbox.allow(folder, READ_WRITE):  # e.g. a link on its way: never a home there
            why = sandbox.skipped[-1] if sandbox.skipped else f"{folder}: does not exist"
            raise Refused(f"cannot allow {why}")
        environ.update(dict.fromkeys(names, folder))
        if names == ("HOME",):
            for name in HOME_STATE:
                environ.pop(name, None)
    grants = (
        (plan.read_write, SERVED_READ_WRITE),
        (plan.read_only, READ_ONLY),
        (plan.read_execute, READ_EXECUTE),
        (plan.files_read, FileAccess.READ_FILE),
        (plan.files_write, WRITABLE_FILE),
        (plan.devices, DEVICE),
    )
    for paths, access in grants:
        for path in paths:
            sandbox.allow(path, access)
    if plan.scope_ipc:
        sandbox.scope_signals()
        sandbox.scope_abstract_unix_sockets()
    if plan.tcp_layer is not None:  # built ahead by the server, with the signals scoped
        layer = ProgramLayer(plan.tcp_layer, refuses_tcp=True, skipped=[])
    else:
        layer = program_layer(plan.tcp_denied, plan.scope_ipc)
    skipped = sandbox.skipped + layer.skipped
    drop_all()  # Landlock does not confine capabilities: a root server's would pass on
    sandbox.apply()
    # what Landlock does not see: other processes' limits, Fast Open and MPTCP (seccomp.py)
    why = install_filter(tcp=layer.refuses_tcp)
    if why is not None:
        skipped.append(f"a seccomp filter: {why}")
    if plan.home is not None:
        seed_profile(plan.home, environ.get("PATH", ""))
    return layer.ruleset, skipped


def seed_profile(home: str, path: str) -> None:
    """A new private HOME gets a `.profile` that keeps the server's PATH: a login shell (a
    terminal's) would otherwise take /etc/profile's, without the server's Python. Written inside
    the sandbox, only if no such file is there (O_EXCL: nor a link one planted)."""
    if not path:
        return
    try:
        fd = os.open(
            os.path.join(home, ".profile"),
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
            0o600,
        )
    except OSError:
        return  # there already: the user's own
    with os.fdopen(fd, "w") as profile:
        profile.write(
            "# Written once by jupyter-rbac's sandbox (yours to change): the server's PATH, which\n"
            "# a login shell's /etc/profile would replace.\n"
            f"export PATH={_quoted(path)}\n"
            'if [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi\n'
        )


def _quoted(text: str) -> str:
    """`text` as one word of a POSIX shell (as shlex.quote, whose `re` the launcher spares)."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


def main(argv: list[str]) -> int:
    """Run the program in `argv` (after "--") in its sandbox; returns its exit status, or
    REFUSED if it could not start."""
    environ = dict(os.environ)
    text = environ.pop(PLAN_VARIABLE, None)
    try:
        if len(argv) < 2 or argv[0] != "--":
            raise Refused(USAGE)
        program = argv[1:]
        if text is None:
            raise Refused(f"no sandbox plan in ${PLAN_VARIABLE}")
        plan = SandboxPlan.from_json(text)
        layer, skipped = enter(plan, environ)
    except Exception as error:  # noqa: BLE001  # whatever it was, the program must not start
        _say(f"not starting the program: {error}")
        return REFUSED
    if skipped:
        _say("skipped " + "; ".join(skipped))
    try:
        return Supervised(program, environ, layer).run()
    except OSError as error:  # e.g. no subreaper: its program (if started) dies with it
        _say(f"cannot run {program[0]}: {error}")
        return REFUSED


def _say(line: str) -> None:
    print(f"jupyter-rbac sandbox: {line}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
