"""Nothing started from a sandboxed kernel or terminal outlives it: a daemon (a session of its
own, a double fork) ends with the kernel or terminal that started it, whether its user shuts it
down, restarts it, or it is stopped because its user lost a role. And the launcher that makes
it so keeps interrupts and restarts working.

The launcher's unit cases run `python -m jupyter_rbac.sandbox` directly; the others real kernels
and terminals through the server.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jupyter_rbac.sandbox.landlock import SCOPE_ABI, abi_version
from jupyter_rbac.sandbox.plan import PLAN_VARIABLE, SandboxPlan

from .support.kernels import TIMEOUT, KernelError, run_code, start_kernel

pytestmark = pytest.mark.skipif(abi_version() == 0, reason="Landlock is not available here")

ROOT = str(Path(__file__).resolve().parent.parent)
PYTHON = sys.executable
SOFTWARE = sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), "/usr"})


def daemon_code(pid_file: str) -> str:
    """Python that starts a daemon (setsid, then a double fork) writing its pid to `pid_file`."""
    return textwrap.dedent(
        f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                open({pid_file!r} + '.tmp', 'w').write(str(os.getpid()))
                os.rename({pid_file!r} + '.tmp', {pid_file!r})
                while True:
                    time.sleep(0.2)
            os._exit(0)
        os.wait()
        print('started')
        """
    ).strip()


async def daemon_pid(pid_file: Path) -> int:
    """The daemon's pid, once it wrote it; it is running then."""
    for _ in range(int(TIMEOUT / 0.1)):
        if pid_file.exists():
            pid = int(pid_file.read_text())
            assert alive(pid)
            return pid
        await asyncio.sleep(0.1)
    raise AssertionError(f"no daemon wrote {pid_file}")


def alive(pid: int) -> bool:
    """Is `pid` running (a zombie is not)?"""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


async def ends(pid: int, seconds: float = 30) -> bool:
    for _ in range(int(seconds / 0.1)):
        if not alive(pid):
            return True
        await asyncio.sleep(0.1)
    return False


async def gone(admin, kind: str, name: str) -> bool:
    """Does the server no longer list the kernel or terminal (it ends after the daemon)?"""
    for _ in range(int(TIMEOUT / 0.1)):
        if (await admin.get("api", kind, name))[0] == 404:
            return True
        await asyncio.sleep(0.1)
    return False


@pytest.fixture
def folders(jp_root_dir):
    for folder in ("home/rita", "home/eddie", "shared/analyst"):
        (jp_root_dir / folder).mkdir(parents=True, exist_ok=True)
    return jp_root_dir


# -- the launcher ----------------------------------------------------------------------------------


def launcher(tmp_path: Path, *program: str, scope_ipc: bool = True) -> subprocess.Popen:
    """`python -m jupyter_rbac.sandbox -- PROGRAM`, working in tmp_path, as a kernel starts."""
    plan = SandboxPlan(
        read_write=[str(tmp_path)],
        read_execute=SOFTWARE,
        read_only=["/proc"],
        scope_ipc=scope_ipc,
    )
    env = {key: value for key, value in os.environ.items() if key != PLAN_VARIABLE}
    env["PYTHONPATH"] = ROOT
    env[PLAN_VARIABLE] = plan.to_json()
    return subprocess.Popen(
        [PYTHON, "-m", "jupyter_rbac.sandbox", "--", *program],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # as jupyter_client starts a kernel
    )


def wait_for(pid_file: Path) -> int:
    deadline = time.monotonic() + 30
    while not pid_file.exists():
        assert time.monotonic() < deadline, f"no daemon wrote {pid_file}"
        time.sleep(0.05)
    return int(pid_file.read_text())


def test_a_daemon_ends_when_the_program_exits(tmp_path):
    pid_file = tmp_path / "daemon.pid"
    code = daemon_code(str(pid_file)) + "\nimport sys; sys.exit(3)"
    process = launcher(tmp_path, PYTHON, "-c", code)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 3, err
    assert out.strip() == "started"
    assert not alive(wait_for(pid_file))


@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGHUP])
def test_a_daemon_ends_when_the_launcher_is_told_to_end(tmp_path, ending):
    pid_file = tmp_path / "daemon.pid"
    code = daemon_code(str(pid_file)) + "\nimport time; time.sleep(60)"
    process = launcher(tmp_path, PYTHON, "-c", code)
    daemon = wait_for(pid_file)
    assert alive(daemon)
    os.kill(process.pid, ending)  # as terminado ends a terminal: the launcher's pid alone
    process.communicate(timeout=30)
    assert process.returncode == 128 + ending
    assert not alive(daemon)


def test_an_interrupt_reaches_the_program_once(tmp_path):
    code = textwrap.dedent(
        """
        import signal, sys, time
        seen = []
        signal.signal(signal.SIGINT, lambda *_: seen.append(1))
        print('ready', flush=True)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            time.sleep(0.05)
        print(len(seen))
        """
    )
    process = launcher(tmp_path, PYTHON, "-c", code)
    assert process.stdout.readline().strip() == "ready"
    os.killpg(process.pid, signal.SIGINT)  # as jupyter_client interrupts: the launcher's group
    out, err = process.communicate(timeout=30)
    assert (out.strip(), process.returncode) == ("1", 0), err


@pytest.mark.skipif(abi_version() < SCOPE_ABI, reason="signal scoping needs Landlock ABI 6")
def test_the_program_cannot_signal_the_launcher(tmp_path):
    code = "import os\ntry:\n    os.kill(os.getppid(), 0)\nexcept PermissionError:\n    print('refused')"
    process = launcher(tmp_path, PYTHON, "-c", code)
    out, err = process.communicate(timeout=30)
    assert out.strip() == "refused", err


def test_the_programs_own_layer_takes_no_file_right_away(tmp_path):
    """Moving a file between folders (a layer denies it unless it handles REFER) still works."""
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "file").write_text("x")
    code = f"import os\nos.rename('{tmp_path}/one/file', '{tmp_path}/two/file')\nprint('moved')"
    process = launcher(tmp_path, PYTHON, "-c", code)
    out, err = process.communicate(timeout=30)
    assert out.strip() == "moved", err


def test_a_program_that_cannot_start_is_refused(tmp_path):
    process = launcher(tmp_path, str(tmp_path / "missing"))
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 126 and "cannot run" in err


# -- real kernels ----------------------------------------------------------------------------------


@pytest.mark.slow
async def test_a_daemon_of_a_kernel_ends_when_its_user_shuts_it_down(runner, folders):
    pid_file = folders / "home/rita/daemon.pid"
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, daemon_code(str(pid_file))) == "started"
    daemon = await daemon_pid(pid_file)
    assert (await runner.delete("api", "kernels", kernel))[0] == 204
    assert await ends(daemon)


@pytest.mark.slow
async def test_a_daemon_of_a_kernel_ends_when_its_user_loses_the_role(runner, folders, rbac, admin):
    pid_file = folders / "home/rita/daemon.pid"
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, daemon_code(str(pid_file))) == "started"
    daemon = await daemon_pid(pid_file)
    rbac.store.update_user("rita", roles=["viewer"], groups=[], actor="admin")
    assert await ends(daemon)
    assert await gone(admin, "kernels", kernel)


@pytest.mark.slow
async def test_interrupting_a_kernel_still_works(runner, folders):
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, "print('up')") == "up"
    running = asyncio.ensure_future(run_code(runner, kernel, "import time\ntime.sleep(60)"))
    await asyncio.sleep(2)  # the cell runs
    status, _ = await runner.post("api", "kernels", kernel, "interrupt")
    assert status == 204
    with pytest.raises(KernelError) as raised:
        await asyncio.wait_for(running, TIMEOUT)
    assert raised.value.ename == "KeyboardInterrupt"
    assert await run_code(runner, kernel, "print('still up')") == "still up"


@pytest.mark.slow
async def test_a_restart_works_and_ends_the_daemons_of_before(runner, folders):
    pid_file = folders / "home/rita/daemon.pid"
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, daemon_code(str(pid_file)) + "\nx = 1") == "started"
    daemon = await daemon_pid(pid_file)
    status, _ = await runner.post("api", "kernels", kernel, "restart")
    assert status == 200
    assert await ends(daemon)
    assert await run_code(runner, kernel, "print('x' in dir())") == "False"


# -- real terminals --------------------------------------------------------------------------------


async def terminal_daemon(client, pid_file: Path) -> tuple[str, int]:
    """A new terminal of `client`'s, in which `setsid nohup ... &` started a daemon: the
    terminal's name and the daemon's pid."""
    status, terminal = await client.post("api", "terminals")
    assert status == 200, terminal
    shell = await client.websocket("terminals", "websocket", terminal["name"])
    try:
        line = (
            f"setsid nohup sh -c 'echo $$ > {pid_file}.tmp; mv {pid_file}.tmp {pid_file};"
            " while :; do sleep 0.2; done' >/dev/null 2>&1 &\r"
        )
        await shell.write_message(json.dumps(["stdin", line]))
        return terminal["name"], await daemon_pid(pid_file)
    finally:
        shell.close()


@pytest.mark.slow
async def test_a_daemon_of_a_terminal_ends_when_its_user_closes_it(editor, folders):
    name, daemon = await terminal_daemon(editor, folders / "home/eddie/daemon.pid")
    assert (await editor.delete("api", "terminals", name))[0] == 204
    assert await ends(daemon)


@pytest.mark.slow
async def test_a_daemon_of_a_terminal_ends_when_its_user_loses_the_role(
    editor, folders, rbac, admin
):
    name, daemon = await terminal_daemon(editor, folders / "home/eddie/daemon.pid")
    rbac.store.update_user("eddie", roles=["viewer"], groups=[], actor="admin")
    assert await ends(daemon)
    assert await gone(admin, "terminals", name)
