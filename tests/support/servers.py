"""Real `jupyter server` processes for tests that need more than one server (pytest-jupyter runs
one, in-process). Each listens on 127.0.0.1, in its own process group, and is stopped by `stop`."""

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 90
STOP_TIMEOUT = 20
REFUSED_START_TIMEOUT = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(base: Path) -> dict[str, str]:
    """Jupyter's config, data and runtime folders under `base`: the machine's own stay out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    return env


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def request(
        self, method: str, path: str, token: str, body: dict | None = None
    ) -> tuple[int, dict | None]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Authorization": f"token {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, json.loads(raw) if raw else None

    def stop(self) -> None:
        """SIGTERM, SIGKILL after a timeout, then anything left in its process group."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start_server(
    work: Path,
    name: str,
    db_url: str,
    token: str,
    env: dict[str, str],
    options: Sequence[str] = (),
) -> Server:
    """A jupyter server with jupyter-rbac on `db_url` (and more command-line `options`);
    returns once `token` gets 200 from it."""
    port = free_port()
    root = work / f"{name}-root"
    root.mkdir(exist_ok=True)
    log = work / f"{name}.log"
    command = [
        sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}", "--ServerApp.jpserver_extensions=jupyter_rbac=True",
        f"--RBAC.db_url={db_url}", *options,
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, cwd=work, stdin=subprocess.DEVNULL, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_ready(server, token)
    except BaseException:
        server.stop()
        raise
    return server


def refused_start(work: Path, config: dict) -> str:
    """Start a real `jupyter server` with this config; it must refuse to start. Returns its output."""
    env = isolated_env(work)
    (Path(env["JUPYTER_CONFIG_DIR"]) / "jupyter_server_config.json").write_text(json.dumps(config))
    root = work / "root"
    root.mkdir(exist_ok=True)
    command = [
        sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={free_port()}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}", "--ServerApp.jpserver_extensions=jupyter_rbac=True",
    ]  # fmt: skip
    result = subprocess.run(
        command, check=False, env=env, cwd=work, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=REFUSED_START_TIMEOUT,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    return output


def assert_refused_cleanly(output: str, problem: str) -> None:
    """One critical line names the problem; no traceback of ours (nor of jupyter_server's)."""
    assert "the server will not start" in output, output
    assert problem in output, output
    assert "Traceback" not in output, output


def call(server: Server, method: str, path: str, token: str, body=None, headers=None):
    """One JSON request to `server` as `token`'s owner: (status, decoded body or None)."""
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "Authorization": f"token {token}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def admin_and_viewer(db_url: str) -> dict[str, str]:
    """A policy with admin `boss` and viewer `bob`; their API tokens."""
    from jupyter_rbac.model import Catalog
    from jupyter_rbac.services import RBACService
    from jupyter_rbac.store import Store

    store = Store.open(db_url)
    try:
        service = RBACService(store, Catalog())
        service.ensure_defaults()
        service.bootstrap_first_admin("boss")
        store.create_user("bob", roles=["viewer"])
        return {name: store.create_token(name)[1] for name in ("boss", "bob")}
    finally:
        store.close()


def _wait_until_ready(server: Server, token: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"jupyter server exited with {server.process.returncode}:\n{server.tail()}"
            )
        try:
            status, _ = server.request("GET", "/api/rbac/me", token)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            status = None
        if status == 200:
            return
        if status is not None:
            raise RuntimeError(f"/api/rbac/me answered {status}:\n{server.tail()}")
        time.sleep(0.2)  # polling a starting process
    raise RuntimeError(f"jupyter server not ready after {START_TIMEOUT} s:\n{server.tail()}")
