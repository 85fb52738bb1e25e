"""Browser tests: a real `jupyter lab` with jupyter-rbac, driven by Debian's chromium through
Playwright's sync API.

Run on their own (`python -m pytest ui-tests -q -p no:cacheprovider`): pytest-jupyter's plugin
(loaded by tests/conftest.py) and Playwright's sync API break each other in one process.

Every test gets its own server root, policy database and server, so tests cannot see each
other's saves; the browser is shared, each test gets a fresh context (cookies, storage).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lab_page import JupyterLabPage
from playwright.sync_api import expect, sync_playwright

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # never download a browser

CHROMIUM = os.environ.get("RBAC_UI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 60  # seconds
SERVER_STOP_TIMEOUT = 10  # seconds between SIGTERM and SIGKILL

HELLO_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "hello-cell",
            "metadata": {},
            "outputs": [],
            "source": ['print("hello")'],
        }
    ],
    "metadata": {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}

# Most browser tests use the classic (non-collaborative) document path, so that what they test
# (the contents API's checks) is not mixed with collaboration's; test_collaboration.py turns it on
# (the `collaboration` fixture). Off means both sides:
# - server: `--ServerApp.jpserver_extensions=jupyter_server_ydoc=False` on the command line wins
#   over the `jupyter_server_ydoc: true` that jupyter-collaboration installs in
#   sys.prefix/etc/jupyter/jupyter_server_config.d (the fixture checks `/api/collaboration/...`
#   answers 404);
# - frontend: `labconfig/page_config.json` in the temporary JUPYTER_CONFIG_DIR disables the
#   collaboration labextensions. Disabling `@jupyter/docprovider-extension` also drops the plugins
#   it disables itself (`@jupyterlab/filebrowser-extension:defaultFileBrowser`,
#   `@jupyterlab/notebook-extension:cell-executor`), so the stock file browser and cell executor
#   come back (the fixture checks the page config JupyterLab serves).
DISABLED_LAB_EXTENSIONS = ("@jupyter/collaboration-extension", "@jupyter/docprovider-extension")

# User settings for the temporary JUPYTER_CONFIG_DIR: no "get notified about Jupyter news?"
# toast over the notebook, no request to jupyter.org.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

_call_failed = pytest.StashKey[bool]()


def pytest_collection_modifyitems(items):
    for item in items:  # every test here drives chromium: `-m "not browser"` leaves them out
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember whether a test's body failed, for the fixtures' failure diagnostics."""
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


def _failed(request) -> bool:
    return request.node.stash.get(_call_failed, False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class LabServer:
    """A running `jupyter lab` with jupyter-rbac: where it is, its files, and users' tokens."""

    url: str
    root: Path
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def request(self, path: str, token: str, method: str = "GET") -> tuple[int, bytes]:
        req = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {token}"}
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def cells_on_disk(self, path: str) -> list[str]:
        """The source of every cell of a notebook, read from the file itself."""
        return _cell_sources(json.loads((self.root / path).read_text()))

    @staticmethod
    def notebook_with(source: str) -> dict:
        """The test notebook with its one cell's source replaced."""
        notebook = json.loads(json.dumps(HELLO_NOTEBOOK))
        notebook["cells"][0]["source"] = source
        return notebook

    def cells_served(self, path: str, token: str) -> list[str]:
        """The source of every cell of a notebook, as the contents API gives it to a user."""
        status, body = self.request(f"/api/contents/{path}", token)
        assert status == 200, (status, body)
        return _cell_sources(json.loads(body)["content"])


def _cell_sources(notebook: dict) -> list[str]:
    # On disk a source may be a list of lines.
    return [
        cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for cell in notebook["cells"]
    ]


@pytest.fixture
def collaboration() -> bool:
    """Run the server and JupyterLab with real-time collaboration? (A test module overrides this.)"""
    return False


@pytest.fixture
def jupyter_env(tmp_path, collaboration) -> dict[str, str]:
    """Environment for the server and the CLI: the machine's own Jupyter config, data, runtime,
    settings and workspaces stay out. The extensions installed in sys.prefix (jupyter-rbac's
    server config among them) still apply."""
    dirs = {
        "JUPYTER_CONFIG_DIR": tmp_path / "jupyter-config",
        "JUPYTER_DATA_DIR": tmp_path / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": tmp_path / "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": tmp_path / "jupyter-config" / "lab" / "user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": tmp_path / "jupyter-config" / "lab" / "workspaces",
        "IPYTHONDIR": tmp_path / "ipython",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)

    labconfig = dirs["JUPYTER_CONFIG_DIR"] / "labconfig"
    labconfig.mkdir()
    disabled = () if collaboration else DISABLED_LAB_EXTENSIONS
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {name: True for name in disabled}})
    )
    for rel, settings in USER_SETTINGS.items():
        target = dirs["JUPYTERLAB_SETTINGS_DIR"] / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env.update({k: str(v) for k, v in dirs.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def server_root(tmp_path) -> Path:
    """The folder the server serves: `work/hello.ipynb`, one code cell `print("hello")`."""
    root = tmp_path / "root"
    (root / "work").mkdir(parents=True)
    (root / "work" / "hello.ipynb").write_text(json.dumps(HELLO_NOTEBOOK, indent=1))
    return root


@pytest.fixture
def rbac_cli(tmp_path, jupyter_env):
    """`jupyter rbac ARGS...` on the test's policy database, as its administrator runs it: its
    output (it must succeed). Usable before the server starts, and while it runs."""
    db_url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"

    def cli(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", db_url, *args],
            env=jupyter_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,  # its stderr goes into the assertion below
        )
        assert result.returncode == 0, f"jupyter rbac {' '.join(args)}:\n{result.stderr}"
        return result.stdout

    cli.db_url = db_url
    return cli


@pytest.fixture
def policy(rbac_cli) -> tuple[str, dict[str, str]]:
    """A policy database prepared with the CLI before the server starts: admin `boss`, viewer
    `vera`, editor `eddie`; returns its URL and vera's and eddie's API tokens."""
    db_url, cli = rbac_cli.db_url, rbac_cli
    cli("init", "--admin", "boss")
    cli("user", "create", "vera", "--role", "viewer")
    cli("user", "create", "eddie", "--role", "editor")
    tokens = {name: cli("token", "create", name).strip() for name in ("vera", "eddie", "boss")}
    for name, token in tokens.items():
        assert token.startswith("rbac_") and len(token.split()) == 1, (name, token)
    return db_url, tokens


@pytest.fixture
def lab_server(request, tmp_path, jupyter_env, server_root, policy, collaboration):
    """`jupyter lab` on 127.0.0.1 with jupyter-rbac, without collaboration unless the module
    asks for it; stopped after."""
    db_url, tokens = policy
    port = _free_port()
    log = tmp_path / "jupyter-lab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--allow-root",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={server_root}",
        f"--RBAC.db_url={db_url}",
    ]
    if collaboration:
        cmd.append("--YDocExtension.document_save_delay=0.5")
    else:
        cmd.append(
            "--ServerApp.jpserver_extensions=jupyter_server_ydoc=False"
        )  # see DISABLED_LAB_EXTENSIONS
    server = LabServer(url=f"http://127.0.0.1:{port}", root=server_root, log=log, tokens=tokens)
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            cmd,
            env=jupyter_env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, cleaned up below
        )
    try:
        _wait_until_ready(proc, server)
        if not collaboration:
            _check_collaboration_is_off(server)
        yield server
    finally:
        _stop(proc)
        if _failed(request):
            print(f"\n--- tail of {log} ---\n{_tail(log)}")


def _wait_until_ready(proc: subprocess.Popen, server: LabServer) -> None:
    """Poll jupyter-rbac's own `/api/rbac/me` as vera (not `/api`: another Jupyter server on this
    machine could answer that); 200 with her name also proves jupyter-rbac loaded."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{_tail(server.log)}")
        try:
            status, body = server.request("/api/rbac/me", server.tokens["vera"])
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            status, body = None, b""
        if status == 200:
            me = json.loads(body)
            assert me["name"] == "vera" and "viewer" in me["roles"], me
            return
        if status is not None:
            raise RuntimeError(f"/api/rbac/me answered {status} {body!r}:\n{_tail(server.log)}")
        time.sleep(0.2)  # polling a starting process, not waiting on the page
    raise RuntimeError(
        f"jupyter lab not ready after {SERVER_START_TIMEOUT} s:\n{_tail(server.log)}"
    )


def _check_collaboration_is_off(server: LabServer) -> None:
    # No route at all (with jupyter_server_ydoc loaded this is a handler: 403/405, never 404).
    status, _ = server.request(
        "/api/collaboration/session/work/hello.ipynb", server.tokens["eddie"]
    )
    assert status == 404, f"jupyter_server_ydoc is still loaded ({status})"
    status, html = server.request("/lab", server.tokens["vera"])
    assert status == 200, status
    text = html.decode()
    start = text.index('id="jupyter-config-data"')
    page_config = json.loads(text[text.index(">", start) + 1 : text.index("</script>", start)])
    disabled = set(page_config["disabledExtensions"])
    assert set(DISABLED_LAB_EXTENSIONS) <= disabled, disabled
    assert "@jupyterlab/filebrowser-extension:defaultFileBrowser" not in disabled, disabled


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM (the server shuts its kernels down), SIGKILL after a timeout; then anything left
    in the server's own process group."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(SERVER_STOP_TIMEOUT)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # nothing left in the group
        pass


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=15_000)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(request, browser, tmp_path, lab_server):
    """A fresh browser context and page for one test; a screenshot if the test fails (taken
    before the server stops: this fixture depends on it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        if _failed(request):
            shot = tmp_path / "failure.png"
            try:
                page.screenshot(path=str(shot))
                print(f"\nscreenshot of the failure: {shot}")
            except Exception as err:  # noqa: BLE001  # the page may be gone; the report matters more
                print(f"\nno screenshot: {err}")
        context.close()


@pytest.fixture
def lab(lab_server, page) -> JupyterLabPage:
    """JupyterLab in the browser, on the test's server (not signed in yet)."""
    return JupyterLabPage(page, lab_server.url)
