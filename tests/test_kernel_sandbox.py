"""Code runs inside its user's scopes: real kernels of a `runner` and an `editor` on a server whose
Jupyter state (data, runtime and config folders, the policy database) lies inside the served
folder, as when `jupyter lab` starts in a home folder.

What the code tries is what a user would: write outside their folders, read the policy database,
the cookie secret, the config folder and another kernel's connection file, make themselves an
administrator with `jupyter rbac`, signal the server. And what they need keeps working: their own
folders, shared reading, installed packages, subprocesses, temporary files, `pip install --user`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from jupyter_rbac.sandbox.landlock import abi_version

from .support.kernels import run_code, shell_prints, start_kernel

pytestmark = [
    pytest.mark.slow,  # a server for each test, and kernels in it
    pytest.mark.skipif(abi_version() == 0, reason="Landlock is not available on this machine"),
]


# -- Jupyter's state inside the served folder ----------------------------------------------------


@pytest.fixture
def jp_data_dir(jp_root_dir):
    folder = jp_root_dir / ".local" / "share" / "jupyter"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def jp_runtime_dir(jp_data_dir):
    folder = jp_data_dir / "runtime"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def jp_config_dir(jp_root_dir):
    folder = jp_root_dir / ".jupyter"
    folder.mkdir(exist_ok=True)
    (folder / "jupyter_server_config.json").write_text(json.dumps({"secret": "in config"}))
    return folder


@pytest.fixture
def rbac_db_url(jp_data_dir) -> str:
    return f"sqlite:///{jp_data_dir / 'rbac.sqlite'}"


@pytest.fixture
def folders(jp_root_dir):
    for folder in ("home/rita", "home/eddie", "home/other", "shared/analyst", "projects"):
        (jp_root_dir / folder).mkdir(parents=True, exist_ok=True)
    (jp_root_dir / "projects" / "plan.txt").write_text("the plan")
    (jp_root_dir / "home" / "other" / "private.txt").write_text("other's")
    return jp_root_dir


def attempt(code: str) -> str:
    """Code that prints "refused" if it raises PermissionError, else what it prints."""
    body = textwrap.indent(textwrap.dedent(code).strip(), "    ")
    return f"try:\n{body}\nexcept PermissionError:\n    print('refused')"


# -- a runner: saves only in home/{user}/ and shared/{group}/ -------------------------------------


async def test_a_runners_kernel_writes_only_in_their_folders(runner, folders):
    kernel = await start_kernel(runner)
    root = str(folders)
    await run_code(runner, kernel, f"open({root!r} + '/home/rita/a.txt', 'w').write('x')")
    assert (folders / "home/rita/a.txt").read_text() == "x"
    await run_code(runner, kernel, f"open({root!r} + '/shared/analyst/b.txt', 'w').write('y')")
    assert (folders / "shared/analyst/b.txt").read_text() == "y"
    for target in ("projects/plan.txt", "projects/new.txt", "home/other/c.txt", "top.txt"):
        code = attempt(f"open({root!r} + '/{target}', 'a').write('z')")
        assert await run_code(runner, kernel, code) == "refused", target
    assert (folders / "projects/plan.txt").read_text() == "the plan"
    # reading is a runner's right everywhere the REST API lets them read
    assert await run_code(
        runner, kernel, f"print(open({root!r} + '/projects/plan.txt').read())"
    ) == ("the plan")


async def test_a_runners_kernel_reaches_no_jupyter_state(
    runner, folders, jp_data_dir, jp_runtime_dir, jp_config_dir, jp_serverapp
):
    other = await start_kernel(runner)
    kernel = await start_kernel(runner)
    others_connection = jp_serverapp.kernel_manager.get_kernel(other).connection_file
    secrets = {
        "policy database": str(jp_data_dir / "rbac.sqlite"),
        "config": str(jp_config_dir / "jupyter_server_config.json"),
        "another kernel's connection file": others_connection,
        "runtime folder": str(jp_runtime_dir),
    }
    cookie_secret = Path(jp_serverapp.cookie_secret_file)  # in the runtime folder, by default
    if not cookie_secret.exists():  # this test server keeps it in memory: written as a server does
        cookie_secret.write_bytes(jp_serverapp.cookie_secret)
    secrets["cookie secret"] = str(cookie_secret)
    for what, path in secrets.items():
        code = attempt(
            f"import os\np = {path!r}\nprint(os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read()[:1])"
        )
        assert await run_code(runner, kernel, code) == "refused", what


async def test_jupyter_rbac_run_from_a_kernel_grants_nothing(runner, folders, rbac_db_url, rbac):
    kernel = await start_kernel(runner)
    code = (
        "import subprocess, sys\n"
        f"r = subprocess.run([sys.executable, '-m', 'jupyter_rbac.cli', '--db-url', {rbac_db_url!r},"
        " 'grant', 'admin', '--user', 'rita'], capture_output=True, text=True)\n"
        "print(r.returncode)"
    )
    assert await run_code(runner, kernel, code) != "0"
    assert "admin" not in rbac.store.get_user("rita").roles


async def test_a_kernel_holds_no_capability_and_reads_no_other_process(runner, folders):
    """A server run as root would hand its kernels root's capabilities, which Landlock does not
    confine (an outside tester sniffed other users' tokens with a packet socket and read the
    server's environment): the launcher drops them all."""
    kernel = await start_kernel(runner)
    code = (
        "import re\n"
        "status = open('/proc/self/status').read()\n"
        "print(sorted(set(re.findall(r'^Cap(?:Prm|Eff|Bnd|Amb):\\s+(\\w+)', status, re.M))))"
    )
    assert await run_code(runner, kernel, code) == "['0000000000000000']"
    packets = attempt("import socket\nsocket.socket(socket.AF_PACKET, socket.SOCK_RAW)")
    assert await run_code(runner, kernel, packets) == "refused"
    environ = attempt(f"print(open('/proc/{os.getpid()}/environ', 'rb').read()[:1])")
    assert await run_code(runner, kernel, environ) == "refused"


async def test_a_kernel_cannot_signal_the_server(runner, folders):
    kernel = await start_kernel(runner)
    code = attempt(f"import os, signal\nos.kill({os.getpid()}, 0)\nprint('reached')")
    assert await run_code(runner, kernel, code) == "refused"


async def test_what_a_user_needs_keeps_working(runner, folders):
    kernel = await start_kernel(runner)
    code = textwrap.dedent(
        """
        import json, os, subprocess, sys, tempfile
        import jupyter_client  # an installed package
        print(subprocess.run(['sh', '-c', 'echo hi'], capture_output=True, text=True).stdout.strip())
        with tempfile.NamedTemporaryFile(suffix='.png') as f:
            f.write(b'plot')
        print(os.environ['HOME'] == os.path.expanduser('~'), os.access(os.environ['HOME'], os.W_OK))
        print(os.environ['TMPDIR'] != '/tmp')
        """
    )
    assert (await run_code(runner, kernel, code)).split() == ["hi", "True", "True", "True"]


def tiny_wheel(folder) -> str:
    """A wheel of a one-module package (pip installs it without building anything)."""
    path = folder / "tinypkg-1.0-py3-none-any.whl"
    info = "tinypkg-1.0.dist-info"
    files = {
        "tinypkg/__init__.py": "VALUE = 42\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr(
            f"{info}/RECORD", "".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n"
        )
    return str(path)


async def test_pip_install_user_goes_into_the_users_own_home(runner, folders):
    wheel = tiny_wheel(folders / "home/rita")
    kernel = await start_kernel(runner)
    code = (
        "import os, subprocess, sys\n"
        f"r = subprocess.run([sys.executable, '-m', 'pip', 'install', '--user', '--no-index',"
        f" '--no-deps', {wheel!r}], capture_output=True, text=True)\n"
        "print(r.returncode, r.stderr[-3000:])\n"
        "r = subprocess.run([sys.executable, '-c', 'import tinypkg; print(tinypkg.__file__)'],"
        " capture_output=True, text=True)\n"
        "print(r.stdout.strip().startswith(os.environ['HOME']))"
    )
    printed = await run_code(runner, kernel, code)
    assert printed.startswith("0") and printed.endswith("True"), printed


@pytest.fixture
def servers_own_state(monkeypatch, tmp_path):
    """The server's environment names folders for IPython's and matplotlib's state (set before
    the server starts): its own, which code may not reach."""
    for name in ("IPYTHONDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "servers" / name.lower()))


@pytest.mark.usefixtures("servers_own_state")
async def test_programs_keep_their_state_in_the_users_home(runner, folders):
    kernel = await start_kernel(runner)
    code = (
        "import os, IPython\n"
        "home = os.environ['HOME']\n"
        "print(IPython.paths.get_ipython_dir().startswith(home),"
        " [n for n in ('IPYTHONDIR', 'MPLCONFIGDIR', 'XDG_CACHE_HOME') if n in os.environ])"
    )
    assert await run_code(runner, kernel, code) == "True []"


async def test_a_user_made_again_by_a_deleted_users_name_starts_with_an_empty_home(
    runner, folders, rbac, make_user
):
    kernel = await start_kernel(runner)
    planted = "import os; open(os.path.expanduser('~/planted'), 'w').write('x'); print('ok')"
    assert await run_code(runner, kernel, planted) == "ok"
    assert (await runner.delete("api", "kernels", kernel))[0] == 204
    rbac.store.delete_user("rita", actor="admin")
    again = make_user("rita", roles=["runner"])
    kernel = await start_kernel(again)
    code = "import os; print(os.path.exists(os.path.expanduser('~/planted')))"
    assert await run_code(again, kernel, code) == "False"


# -- an editor: writes everywhere the REST API lets them, never Jupyter's state --------------------


async def test_an_editors_kernel_writes_in_the_served_folder_but_not_its_state(
    editor, folders, jp_data_dir
):
    kernel = await start_kernel(editor)
    root = str(folders)
    await run_code(editor, kernel, f"open({root!r} + '/projects/new.txt', 'w').write('e')")
    assert (folders / "projects/new.txt").read_text() == "e"
    code = attempt(f"open({str(jp_data_dir / 'rbac.sqlite')!r}, 'ab').write(b'x')")
    assert await run_code(editor, kernel, code) == "refused"
    code = attempt(f"import os\nos.rename({root!r} + '/.local', {root!r} + '/moved')")
    assert await run_code(editor, kernel, code) == "refused"


async def test_an_editors_terminal_is_confined_as_their_kernels_are(editor, folders, jp_data_dir):
    root = str(folders)
    assert (
        await shell_prints(editor, f"echo t > {root}/projects/t.txt && cat {root}/projects/t.txt")
        == "t"
    )
    database = jp_data_dir / "rbac.sqlite"
    printed = await shell_prints(editor, f"head -c 1 {database} >/dev/null && echo got-it")
    assert "Permission denied" in printed and "got-it" not in printed
    printed = await shell_prints(editor, f"kill -0 {os.getpid()} && echo signalled")
    assert "signalled" not in printed
    # every terminal of the machine is in /dev/pts: none but its own is any terminal's business
    printed = await shell_prints(editor, "ls /dev/pts && echo listed")
    assert "Permission denied" in printed and "listed" not in printed
    # and no capability passes on, though this server may run as root
    printed = await shell_prints(editor, "grep -E '^Cap(Prm|Eff|Bnd|Amb)' /proc/self/status")
    assert printed.split()[1::2] == ["0000000000000000"] * 4, printed
    printed = await shell_prints(
        editor, f"echo $HOME; {sys.executable} -c 'import sys; print(sys.version_info[0])'"
    )
    assert printed.split()[-1] == "3" and "rbac-sandbox" in printed
    # a login shell keeps the server's PATH, whose Python is the kernels' (not /etc/profile's)
    printed = await shell_prints(editor, "bash -lc 'command -v python3'")
    assert printed == str(Path(sys.executable).parent / "python3"), printed


@pytest.mark.parametrize(
    "extra",
    [
        {"extra_env": {"PYTHONPATH": "EVILDIR"}},  # Python imports sitecustomize at start
        {"extra_env": {"PYTHONSTARTUP": "EVIL", "PYTHONINSPECT": "1"}},
        {"shell_command": ["sh", "-c", "echo unconfined > TARGET"]},
    ],
)
async def test_a_terminal_request_chooses_neither_the_command_nor_the_environment(
    editor, folders, jp_data_dir, extra
):
    """jupyter_server_terminals hands a POST body to the terminal manager: the launcher (which
    runs before the sandbox does) must not read an environment or run a command a user chose."""
    target = jp_data_dir / "escaped.txt"
    evil = folders / "projects" / "sitecustomize.py"
    evil.write_text(f"open({str(target)!r}, 'w').write('escaped')\n")
    body = json.loads(
        json.dumps(extra)
        .replace("EVILDIR", str(folders / "projects"))
        .replace("EVIL", str(evil))
        .replace("TARGET", str(target))
    )
    status, terminal = await editor.post("api", "terminals", body=body)
    assert status in (200, 400), terminal
    if status == 200:
        await editor.delete("api", "terminals", terminal["name"])
    await asyncio.sleep(1)  # a shell that ran would have written by now
    assert not target.exists()


# -- all, and losing what a kernel was started with -------------------------------------------------


async def test_a_holder_of_all_is_not_confined(admin, folders, jp_data_dir):
    kernel = await start_kernel(admin)
    code = f"print(len(open({str(jp_data_dir / 'rbac.sqlite')!r}, 'rb').read()) > 0)"
    assert await run_code(admin, kernel, code) == "True"


async def test_losing_a_role_stops_the_kernel_started_with_it(runner, folders, rbac, admin):
    kernel = await start_kernel(runner)
    assert await run_code(runner, kernel, "print('up')") == "up"
    rbac.store.update_user(
        "rita", roles=["viewer"], groups=[], actor="admin"
    )  # and her group's role
    deadline = asyncio.get_running_loop().time() + 10 * rbac.rbac.websocket_recheck_seconds
    while asyncio.get_running_loop().time() < deadline:
        status, _ = await admin.get("api", "kernels", kernel)
        if status == 404:
            break
        await asyncio.sleep(0.1)
    assert status == 404
    (stopped,) = rbac.store.page_audit(action="sandbox.stopped").items
    assert stopped.target == f"kernel {kernel}" and stopped.detail["user"] == "rita"


# -- where code cannot be confined, and where an administrator switched it off ----------------------


@pytest.fixture
def landlock_missing(monkeypatch):
    """The server's probe reports no Landlock (set before the server starts)."""
    monkeypatch.setenv("JUPYTER_RBAC_LANDLOCK_ABI", "0")


@pytest.mark.usefixtures("landlock_missing")
async def test_without_landlock_only_holders_of_all_run_code(runner, editor, admin, folders):
    for user in (runner, editor):
        status, refused = await user.post("api", "kernels", body={"name": "python3"})
        assert status == 403 and "cannot confine code" in refused["message"], refused
        status, refused = await user.post("api", "terminals")
        assert status in (403, 404), refused  # a runner may not open terminals anyway
    kernel = await start_kernel(admin)
    assert await run_code(admin, kernel, "print(1 + 1)") == "2"


@pytest.mark.parametrize("rbac_config", [{"sandbox": "off"}])
async def test_switched_off_code_runs_unconfined_as_documented(runner, folders, jp_data_dir):
    kernel = await start_kernel(runner)
    code = f"print(len(open({str(jp_data_dir / 'rbac.sqlite')!r}, 'rb').read()) > 0)"
    assert await run_code(runner, kernel, code) == "True"
