"""The sandbox's mechanism on the real kernel: a Landlock domain built from a plan; its launcher.

- A confined process works in its read-write folders, reads its read-only ones and the single
  files it was given, runs the software it was given, and reaches nothing else; its children
  inherit all of it.
- With `scope_ipc` it cannot signal processes outside its sandbox (the server), only its own.
- The launcher (`python -m jupyter_rbac.sandbox -- PROGRAM`) fails closed: without a plan, or
  with one it does not fully understand, PROGRAM does not start (status 126).
- HOME and TMPDIR are private folders the launcher makes; the plan does not leak into PROGRAM.
- With `tcp_denied` it can neither open TCP connections to those ports (EACCES: connect, and
  TCP Fast Open, which a seccomp filter refuses as Landlock does not see it) nor bind them; every
  other port and UDP stay open. The same holds with `tcp_layer`, the rules built ahead by the
  server and inherited as a descriptor, which the program itself never holds.

Landlock cannot be left once entered, so every confined case runs in a process of its own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_rbac.sandbox.landlock import (
    NET_ABI,
    READ_WRITE,
    FileAccess,
    LandlockError,
    Sandbox,
    abi_version,
    allowed_ports,
    handled_access,
    program_layer,
)
from jupyter_rbac.sandbox.plan import PLAN_VARIABLE, SandboxPlan, port_range, without_ports
from jupyter_rbac.sandbox.seccomp import filter_for

needs_landlock = pytest.mark.skipif(
    abi_version() == 0, reason="this kernel offers no Landlock (ENOSYS or EOPNOTSUPP)"
)
needs_net_rules = pytest.mark.skipif(
    abi_version() < NET_ABI, reason=f"TCP rules need Landlock ABI {NET_ABI}"
)

ROOT = str(Path(__file__).resolve().parent.parent)
PYTHON = sys.executable
# What any Python program needs to start: the interpreter, its libraries, the C library.
SOFTWARE = sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), "/usr"})
REFUSED = 126


@pytest.fixture
def folders(tmp_path: Path) -> Path:
    """tmp/a and tmp/b, each with a file; tmp/c with two files side by side."""
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
    (tmp_path / "a" / "mine.txt").write_text("mine")
    (tmp_path / "b" / "theirs.txt").write_text("theirs")
    (tmp_path / "c" / "one.txt").write_text("one")
    (tmp_path / "c" / "two.txt").write_text("two")
    return tmp_path


def plan_for(folders: Path, **fields) -> SandboxPlan:
    """A plan that starts Python, works in folders/a, and adds `fields`."""
    fields.setdefault("read_write", [str(folders / "a")])
    fields.setdefault("read_execute", SOFTWARE)
    return SandboxPlan(**fields)


def launch(
    plan: SandboxPlan | str | None, *program: str, pass_fds: tuple[int, ...] = ()
) -> subprocess.CompletedProcess:
    """`python -m jupyter_rbac.sandbox -- PROGRAM` with `plan` in its environment (and the
    descriptors `pass_fds`, as the server passes TCP rules built ahead)."""
    env = {key: value for key, value in os.environ.items() if key != PLAN_VARIABLE}
    env["PYTHONPATH"] = ROOT
    if plan is not None:
        env[PLAN_VARIABLE] = plan if isinstance(plan, str) else plan.to_json()
    return subprocess.run(
        [PYTHON, "-m", "jupyter_rbac.sandbox", "--", *program],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
        pass_fds=pass_fds,
    )


def attempt(plan: SandboxPlan, *statements: str, pass_fds: tuple[int, ...] = ()) -> list[str]:
    """Run each statement confined by `plan`: "ok", or the name of the error it raised."""
    code = ["import os, signal, subprocess, sys, termios"]
    for statement in statements:
        code += [
            "try:",
            f"    {statement}",
            "    print('ok')",
            "except Exception as error:",
            "    print(type(error).__name__)",
        ]
    result = launch(plan, PYTHON, "-c", "\n".join(code), pass_fds=pass_fds)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@needs_landlock
def test_a_confined_process_writes_in_its_read_write_folder_only(folders):
    plan = plan_for(folders)
    a, b = folders / "a", folders / "b"
    assert attempt(plan, f"open('{a}/x', 'w').write('x')", f"open('{b}/x', 'w')") == [
        "ok",
        "PermissionError",
    ]
    assert (a / "x").read_text() == "x"
    assert not (b / "x").exists()


@needs_landlock
def test_a_read_write_folder_is_one_to_work_in(folders):
    a = folders / "a"
    assert (
        attempt(
            plan_for(folders),
            f"os.makedirs('{a}/sub/deeper')",
            f"os.rename('{a}/mine.txt', '{a}/sub/deeper/moved.txt')",
            f"os.truncate('{a}/sub/deeper/moved.txt', 2)",
            f"os.listdir('{a}/sub')",
        )
        == ["ok"] * 4
    )
    assert (a / "sub" / "deeper" / "moved.txt").read_text() == "mi"


@needs_landlock
def test_other_folders_cannot_be_read_unless_read_only(folders):
    theirs = folders / "b" / "theirs.txt"
    reading = [f"open('{theirs}').read()", f"os.listdir('{folders / 'b'}')"]
    assert attempt(plan_for(folders), *reading) == ["PermissionError"] * 2
    read_only = plan_for(folders, read_only=[str(folders / "b")])
    assert attempt(read_only, *reading, f"open('{theirs}', 'a')") == ["ok", "ok", "PermissionError"]


@needs_landlock
def test_files_read_grants_one_file_and_not_its_neighbour(folders):
    plan = plan_for(folders, files_read=[str(folders / "c" / "one.txt")])
    c = folders / "c"
    assert attempt(
        plan,
        f"print(open('{c}/one.txt').read())",
        f"open('{c}/two.txt').read()",
        f"open('{c}/one.txt', 'a')",
        f"os.listdir('{c}')",
    ) == ["one", "ok", "PermissionError", "PermissionError", "PermissionError"]


@needs_landlock
def test_files_write_lets_one_file_be_read_and_changed_not_removed(folders):
    """A file given alone (a file shared with someone) is theirs to read and change; removing
    or renaming it, and everything beside it, stay refused. (It was left out of the plan: the
    REST API let its user save it while their code got EACCES; an outside tester's finding.)"""
    plan = plan_for(folders, files_write=[str(folders / "c" / "one.txt")])
    c = folders / "c"
    assert attempt(
        plan,
        f"print(open('{c}/one.txt').read())",
        f"open('{c}/one.txt', 'a').write('+')",
        f"open('{c}/one.txt', 'r+').truncate(1)",
        f"os.remove('{c}/one.txt')",
        f"open('{c}/two.txt', 'a')",
    ) == ["one", "ok", "ok", "ok", "PermissionError", "PermissionError"]
    assert (c / "one.txt").read_text() == "o"


@needs_landlock
def test_a_shell_runs_from_the_software_folders(folders):
    result = launch(plan_for(folders), "/bin/sh", "-c", "echo hi")
    assert (result.returncode, result.stdout) == (0, "hi\n"), result.stderr
    nothing_to_run = plan_for(folders, read_execute=[], read_only=SOFTWARE)
    refused = launch(nothing_to_run, "/bin/sh", "-c", "echo hi")
    assert refused.returncode == REFUSED
    assert "cannot run /bin/sh: Permission denied" in refused.stderr


@needs_landlock
def test_a_child_process_inherits_the_sandbox(folders):
    b = folders / "b"
    assert (
        attempt(
            plan_for(folders),
            f"subprocess.run(['/bin/sh', '-c', 'echo > {b}/x'], check=True)",
            f"subprocess.run([sys.executable, '-c', 'open(\"{b}/theirs.txt\")'], check=True)",
        )
        == ["CalledProcessError"] * 2
    )
    assert not (b / "x").exists()


@needs_landlock
def test_with_scope_ipc_only_processes_inside_the_sandbox_can_be_signalled(folders):
    child = "subprocess.Popen(['sleep', '5'])"
    statements = [
        "os.kill(os.getppid(), 0)",
        f"child = {child}; os.kill(child.pid, signal.SIGTERM); child.wait()",
    ]
    if abi_version() >= 6:
        assert attempt(plan_for(folders, scope_ipc=True), *statements) == ["PermissionError", "ok"]
    assert attempt(plan_for(folders, scope_ipc=False), *statements) == ["ok", "ok"]


@needs_landlock
def test_home_and_tmp_are_private_folders_and_the_plan_does_not_leak(folders):
    home, tmp = folders / "homes" / "alice", folders / "tmp-alice"
    plan = plan_for(folders, home=str(home), tmp=str(tmp))
    assert attempt(
        plan,
        "print(os.environ['HOME'], os.environ['TMPDIR'], os.environ['TMP'], os.environ['TEMP'])",
        f"print({PLAN_VARIABLE!r} in os.environ)",
        "open(os.path.expanduser('~/notes'), 'w').write('n')",
        "import tempfile; tempfile.mkstemp()",
    ) == [str(home), str(tmp), str(tmp), str(tmp), "ok", "False", "ok", "ok", "ok"]
    assert (home.stat().st_mode & 0o777, tmp.stat().st_mode & 0o777) == (0o700, 0o700)
    assert (home / "notes").read_text() == "n"


@needs_landlock
def test_a_home_reached_through_a_link_is_refused(folders):
    (folders / "a" / "home").symlink_to(folders / "b")
    result = launch(plan_for(folders, home=str(folders / "a" / "home")), "true")
    assert result.returncode == REFUSED
    assert not (folders / "b" / "x").exists()


@needs_landlock
def test_paths_that_are_missing_or_linked_are_skipped_and_links_reported(folders):
    (folders / "link").symlink_to(folders / "b")
    plan = plan_for(folders, read_only=[str(folders / "missing"), str(folders / "link")])
    result = launch(plan, PYTHON, "-c", f"open('{folders}/link/theirs.txt')")
    assert result.returncode == 1 and "PermissionError" in result.stderr
    assert f"skipped {folders}/link: goes through a symbolic link" in result.stderr
    assert f"{folders}/missing" not in result.stderr  # plans name optional folders: no line each


@needs_landlock
def test_a_terminal_can_set_up_its_devices(folders):
    devices = ["/dev/null", "/dev/ptmx", "/dev/pts"]
    set_up = "main, tty = os.openpty(); termios.tcgetattr(tty)"
    assert attempt(plan_for(folders, devices=devices), set_up, "open('/dev/null', 'w')") == [
        "ok",
        "ok",
    ]
    assert attempt(plan_for(folders), set_up, "open('/dev/null', 'w')") == ["PermissionError"] * 2


def test_the_launcher_refuses_without_a_plan(folders):
    marker = folders / "a" / "ran"
    result = launch(None, "touch", str(marker))
    assert result.returncode == REFUSED
    assert result.stderr.count("\n") == 1 and PLAN_VARIABLE in result.stderr
    assert not marker.exists()


@pytest.mark.parametrize(
    "plan",
    [
        "{not json",
        "[]",
        '{"read_write": ["/tmp"]}',
        SandboxPlan().to_json().replace("}", ',"network":true}'),
        SandboxPlan().to_json().replace('"read_only":[]', '"read_only":"/"'),
        SandboxPlan().to_json().replace('"read_only":[]', '"read_only":["relative"]'),
        SandboxPlan().to_json().replace('"scope_ipc":true', '"scope_ipc":1'),
        SandboxPlan().to_json().replace('"tcp_denied":[]', '"tcp_denied":[[9,8]]'),
    ],
)
def test_the_launcher_refuses_a_corrupt_plan(folders, plan):
    marker = folders / "a" / "ran"
    result = launch(plan, "touch", str(marker))
    assert result.returncode == REFUSED
    assert result.stderr.count("\n") == 1 and "sandbox plan" in result.stderr
    assert not marker.exists()


def test_a_plan_round_trips_through_json():
    plan = SandboxPlan(
        read_write=["/srv/work/alice"],
        read_only=["/srv/shared"],
        read_execute=["/usr", "/opt/conda"],
        files_read=["/etc/resolv.conf"],
        files_write=["/srv/work/shared.txt"],
        devices=["/dev/null"],
        home="/var/lib/rbac/homes/alice",
        tmp="/var/lib/rbac/tmp/alice",
        scope_ipc=False,
        tcp_denied=[[21000, 21999], [5432, 5432]],
        tcp_layer=7,
    )
    assert SandboxPlan.from_json(plan.to_json()) == plan
    assert set(json.loads(plan.to_json())) == set(vars(plan))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"extra": 1}, "extra"),
        ({"files_read": ["/a", 3]}, "files_read"),
        ({"home": 7}, "home"),
        ({"tmp": "tmp"}, "tmp"),
        ({"scope_ipc": "yes"}, "scope_ipc"),
        ({"tcp_denied": [21000, 21999]}, "tcp_denied"),
        ({"tcp_denied": [[21000]]}, "tcp_denied"),
        ({"tcp_denied": [[True, 5]]}, "tcp_denied"),
        ({"tcp_denied": [["1", "2"]]}, "tcp_denied"),
        ({"tcp_denied": [[1, 70000]]}, "tcp_denied"),
        ({"tcp_denied": [[-1, 5]]}, "tcp_denied"),
        ({"tcp_layer": 2}, "tcp_layer"),  # standard error is no ruleset
        ({"tcp_layer": "5"}, "tcp_layer"),
        ({"tcp_layer": True}, "tcp_layer"),
    ],
)
def test_a_plan_with_a_wrong_field_is_refused_by_name(change, field):
    data = json.loads(SandboxPlan().to_json()) | change
    with pytest.raises(ValueError, match=repr(field)):
        SandboxPlan.from_json(json.dumps(data))
    missing = json.loads(SandboxPlan().to_json())
    del missing["devices"]
    with pytest.raises(ValueError, match="missing field 'devices'"):
        SandboxPlan.from_json(json.dumps(missing))


@needs_landlock
def test_rules_keep_to_the_rights_of_the_abi_and_of_a_file(folders):
    # Building rules is not entering the domain: this part runs in the test's own process.
    sandbox = Sandbox()
    assert sandbox.handled == handled_access(abi_version())
    assert sandbox.allow(str(folders / "c" / "one.txt"), READ_WRITE) == (
        FileAccess.READ_FILE | FileAccess.WRITE_FILE | FileAccess.EXECUTE | FileAccess.TRUNCATE
    )
    assert sandbox.allow(str(folders / "c" / "one.txt"), FileAccess.READ_DIR) == 0
    assert sandbox.allow(str(folders / "missing"), READ_WRITE) == 0
    assert sandbox.missing == [str(folders / "missing")]
    assert sandbox.skipped == [f"{folders / 'c' / 'one.txt'}: none of READ_DIR applies to it"]
    sandbox.close()
    old = Sandbox(abi=2)
    assert FileAccess.TRUNCATE not in old.handled and FileAccess.REFER in old.handled
    assert old.allow(str(folders / "a"), READ_WRITE) == READ_WRITE & ~FileAccess.TRUNCATE
    assert old.scope_signals() is False
    assert old.skipped == ["scoping signals: needs Landlock ABI 6, have 2"]
    old.close()
    with pytest.raises(LandlockError, match="already applied or closed"):
        old.apply()


@needs_landlock
def test_a_domain_built_for_an_older_abi_still_confines(folders):
    code = (
        "from jupyter_rbac.sandbox.landlock import Sandbox, READ_WRITE, READ_EXECUTE;"
        f"s = Sandbox(abi=1); s.allow('{folders / 'a'}', READ_WRITE);"
        f"[s.allow(p, READ_EXECUTE) for p in {SOFTWARE!r}]; s.apply();"
        f"open('{folders / 'a'}/x', 'w');"
        f"open('{folders / 'b'}/x', 'w')"
    )
    result = subprocess.run(
        [PYTHON, "-c", code],
        env=dict(os.environ, PYTHONPATH=ROOT),
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "PermissionError" in result.stderr
    assert (folders / "a" / "x").exists() and not (folders / "b" / "x").exists()


# -- TCP ports ------------------------------------------------------------------------------------


@pytest.fixture
def ports():
    """Two ports with listeners (the first is to be denied, the second not) and a free one."""
    with (
        socket.create_server(("127.0.0.1", 0)) as denied,
        socket.create_server(("127.0.0.1", 0)) as other,
    ):
        with socket.create_server(("127.0.0.1", 0)) as spare:
            free = spare.getsockname()[1]
        yield denied.getsockname()[1], other.getsockname()[1], free


def connect(port: int, how: str = "connect") -> str:
    """A statement for `attempt` that opens a TCP connection to `port` on the loopback."""
    address = f"('127.0.0.1', {port})"
    statement = {
        "connect": f"socket.create_connection({address}, timeout=5).close()",
        "ipv6": f"socket.socket(socket.AF_INET6).connect(('::ffff:127.0.0.1', {port}))",
        "sendto": f"socket.socket().sendto(b'x', socket.MSG_FASTOPEN, {address})",
        "sendmsg": f"socket.socket().sendmsg([b'x'], [], socket.MSG_FASTOPEN, {address})",
        "udp": f"socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', {address})",
        # Multipath TCP falls back to plain TCP on the wire, and Landlock does not see it
        "mptcp": f"socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262).connect({address})",
        "mptcp6": (
            "socket.socket(socket.AF_INET6, socket.SOCK_STREAM, 262)"
            f".connect(('::ffff:127.0.0.1', {port}))"
        ),
        "listen": f"socket.create_server({address}).close()",
        "child": (
            "subprocess.run([sys.executable, '-c', 'import socket;"
            f' socket.create_connection(("127.0.0.1", {port}))\'], check=True)'
        ),
    }[how]
    return f"import socket; {statement}"


# io_uring_setup(1, params): its sends would go past the seccomp filter, so it is refused whole.
IO_URING = (
    "import ctypes, errno; libc = ctypes.CDLL(None, use_errno=True);"
    " failed = libc.syscall(425, 1, ctypes.byref(ctypes.create_string_buffer(120))) < 0;"
    " print(failed and errno.errorcode[ctypes.get_errno()])"
)


@needs_net_rules
def test_tcp_connections_to_denied_ports_are_refused_and_others_open(folders, ports):
    denied, other, free = ports
    plan = plan_for(folders, tcp_denied=[[denied, denied], [free, free]])
    hows = ("connect", "ipv6", "sendto", "sendmsg", "child", "mptcp", "mptcp6")
    assert attempt(plan, *(connect(denied, how) for how in hows)) == [
        "PermissionError",
        "PermissionError",
        "PermissionError",  # TCP Fast Open: refused by the seccomp filter, not by Landlock
        "PermissionError",
        "CalledProcessError",
        "OSError",  # no MPTCP socket at all (EPROTONOSUPPORT): programs fall back to TCP
        "OSError",
    ]
    assert attempt(
        plan,
        connect(other),
        connect(other, "sendto"),  # Fast Open is refused to any port (seccomp sees no address)
        connect(denied, "udp"),  # Landlock has no rules for UDP
        connect(free, "listen"),  # nor binding there: a squatter would keep kernels from starting
        "socket.create_server(('127.0.0.1', 0)).close()",  # a port of the system's choosing
        IO_URING,
    ) == ["ok", "PermissionError", "ok", "PermissionError", "ok", "EPERM", "ok"]


@needs_net_rules
def test_the_layer_built_ahead_is_entered_by_the_program_beside_the_plans_own(folders, ports):
    denied, other, free = ports
    layer = program_layer([(denied, denied), (free, free)], scope_signals=True).ruleset
    try:
        plan = plan_for(folders, tcp_layer=layer)
        assert attempt(
            plan,
            connect(denied),
            connect(denied, "sendto"),  # the Fast Open filter comes with the layer too
            connect(free, "listen"),
            connect(other),
            f"open('{folders / 'b' / 'x'}', 'w')",  # the plan's own rules still hold
            f"os.mkdir('{folders / 'a' / 'd'}'); os.rename('{folders / 'a' / 'mine.txt'}',"
            f" '{folders / 'a' / 'd' / 'mine.txt'}')",  # a layer must not refuse renames
            "os.kill(os.getppid(), 0)",  # the layer scopes signals: the launcher is out of reach
            f"os.fstat({layer})",  # the program never holds the layer: it could add ports to it
            pass_fds=(layer,),
        ) == [
            "PermissionError",
            "PermissionError",
            "PermissionError",
            "ok",
            "PermissionError",
            "ok",
            "PermissionError",
            "OSError",
        ]
    finally:
        os.close(layer)


@needs_landlock
@pytest.mark.parametrize("given", ["not a ruleset", "not inherited"])
def test_the_launcher_refuses_tcp_rules_it_cannot_enter(folders, given):
    marker = folders / "a" / "ran"
    with open(os.devnull) as other_file:
        number = other_file.fileno()
        passed = (number,) if given == "not a ruleset" else ()
        result = launch(plan_for(folders, tcp_layer=number), "touch", str(marker), pass_fds=passed)
    assert result.returncode == REFUSED
    assert "not a Landlock ruleset" in result.stderr or "is not open" in result.stderr
    assert not marker.exists()


@needs_landlock
def test_without_denied_ports_tcp_is_not_handled(folders, ports):
    denied = ports[0]
    assert attempt(plan_for(folders), connect(denied), connect(denied, "sendto")) == ["ok", "ok"]


@needs_landlock
def test_an_abi_without_tcp_rules_skips_them_and_says_so():
    old = Sandbox(abi=NET_ABI - 1)
    assert old.deny_tcp(21000, 21999) is False
    assert old.skipped == [f"refusing TCP ports 21000-21999: needs Landlock ABI {NET_ABI}, have 3"]
    assert old.tcp_denied == []
    old.close()


def test_port_ranges_are_cut_and_counted():
    assert allowed_ports([(2, 65533)]) == [0, 1, 65534, 65535]
    assert len(allowed_ports([(21000, 21999)])) == 65536 - 1000
    assert without_ports([[10, 20]], {10, 15, 20, 30}) == [[11, 14], [16, 19]]
    assert without_ports([[10, 10]], {10}) == []
    assert port_range(" ") is None and port_range("21000-21999") == (21000, 21999)


@pytest.mark.parametrize("tcp", [True, False])
@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_the_seccomp_filter_jumps_inside_itself(machine, tcp):
    program = filter_for(machine, tcp)
    assert program is not None and filter_for("riscv64") is None
    for index, (code, true, false, _k) in enumerate(program):
        if code != 0x06:  # every path ends in a return
            assert index + 1 + max(true, false) < len(program)
    assert program[-1][0] == 0x06


# -- other processes: what Landlock does not scope --------------------------------------------------


@needs_landlock
def test_a_confined_process_sets_its_own_limits_never_anothers(folders):
    """prlimit with a one-second CPU limit on the server killed it (outside tester, round 3)."""
    launcher = "os.getppid()"  # the program's parent: the launcher, outside its layer
    results = attempt(
        plan_for(folders),
        f"import resource; resource.prlimit({launcher}, resource.RLIMIT_CPU, (100000, 100000))",
        f"import resource; resource.prlimit({launcher}, resource.RLIMIT_CPU)",  # reading is fine
        "import resource; resource.prlimit(0, resource.RLIMIT_NOFILE,"
        " resource.getrlimit(resource.RLIMIT_NOFILE))",
        "import resource; resource.setrlimit(resource.RLIMIT_CORE, (0, 0))",
        # threads set their own scheduling by thread id (libzmq does, and asserts it worked)
        "import threading; os.sched_setscheduler(threading.get_native_id(), os.SCHED_OTHER,"
        " os.sched_param(0))",
    )
    assert results == ["PermissionError", "ok", "ok", "ok", "ok"]


@needs_landlock
def test_a_confined_process_makes_no_hard_link(folders, tmp_path):
    """A file linked from a shared folder into one's own home stayed one's own, read and written
    live, once the share was removed (an outside tester's finding): no second name, anywhere.
    Renames and copies still work."""
    a = folders / "a"
    home = tmp_path / "private-home"
    assert attempt(
        plan_for(folders, home=str(home)),
        f"os.link('{a}/mine.txt', '{a}/second-name.txt')",
        f"os.link('{a}/mine.txt', '{home}/second-name.txt')",
        f"os.link('{a}/mine.txt', '{a}/third.txt', follow_symlinks=False)",
        f"import shutil; shutil.copy('{a}/mine.txt', '{home}/copy.txt')",
        f"os.rename('{a}/mine.txt', '{a}/renamed.txt')",
    ) == ["PermissionError"] * 3 + ["ok", "ok"]


@needs_landlock
def test_no_symbolic_link_is_made_in_a_served_folder_but_in_the_private_ones(folders, tmp_path):
    """The server follows a link when it opens a file: one made in a served folder could be
    swapped in between the server's check and its open (an outside attack raced renames against
    saves and wrote outside the root). In the private HOME, which nobody serves, links are fine."""
    a = folders / "a"
    home = tmp_path / "private-home"
    plan = plan_for(folders, home=str(home))
    assert attempt(
        plan,
        f"os.symlink('/', '{a}/to-root')",
        f"os.symlink('{a}', '{home}/to-a')",
    ) == ["PermissionError", "ok"]
    assert not (a / "to-root").is_symlink()
