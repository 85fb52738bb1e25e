"""`jupyter rbac` and a real `jupyter server` process on one policy database: only an admin shuts
the server down, the server follows changes made from the shell, and a server whose policy cannot
be enforced does not start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from .support.servers import free_port
from .support.shell import cli

pytestmark = pytest.mark.slow  # a real server process for each test


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    cli(url, "init", "--admin", "boss")
    return url


def _request(port, method, path, token):
    """The status of one request to the server, as the user `token` speaks for."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=b"" if method == "POST" else None,
        headers={"Authorization": f"token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@contextmanager
def running_server(db_url, tmp_path):
    """A real `jupyter server` process with jupyter-rbac on `db_url`; yields it and its port."""
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--allow-root",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={tmp_path}",
            "--ServerApp.jpserver_extensions=jupyter_rbac=True",
            f"--RBAC.db_url={db_url}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # ready once the public /api answers
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield server, port
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_only_an_admin_shuts_the_server_down(db_url, tmp_path):
    cli(db_url, "user", "create", "eddie", "--role", "editor")
    editor = cli(db_url, "token", "create", "eddie").stdout.strip()
    admin = cli(db_url, "token", "create", "boss").stdout.strip()
    with running_server(db_url, tmp_path) as (server, port):
        assert _request(port, "POST", "/api/shutdown", editor) == 403
        assert server.poll() is None
        assert _request(port, "POST", "/api/shutdown", admin) == 200
        assert server.wait(timeout=30) == 0


def test_a_running_server_follows_changes_made_from_the_shell(db_url, tmp_path):
    cli(db_url, "users", "create", "nina")
    token = cli(db_url, "token", "create", "nina").stdout.strip()
    with running_server(db_url, tmp_path) as (_, port):
        assert _request(port, "GET", "/api/contents", token) == 403
        cli(db_url, "grant", "viewer", "--user", "nina")
        assert _request(port, "GET", "/api/contents", token) == 200
        policy = cli(db_url, "export").stdout
        (tmp_path / "p.yaml").write_text(policy.replace("  users:\n  - nina\n", "  users: []\n"))
        assert "1 changed (viewer)" in cli(db_url, "import", str(tmp_path / "p.yaml")).stdout
        assert _request(port, "GET", "/api/contents", token) == 403


@pytest.mark.parametrize(
    "config,message",
    [
        ('c.RBAC.load_roles = [{"name": "x", "scopes": ["read:nope"]}]', "unknown resource 'nope'"),
        ('c.RBAC.db_url = "nosuchdialect://nowhere"', "nosuchdialect"),
    ],
)
def test_a_server_that_cannot_enforce_its_policy_does_not_start(tmp_path, config, message):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "jupyter_server_config.py").write_text(
        f'c.RBAC.db_url = "sqlite:///{tmp_path}/p.sqlite"\n{config}\n'
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--allow-root",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={free_port()}",
            f"--ServerApp.root_dir={tmp_path}",
            "--ServerApp.jpserver_extensions=jupyter_rbac=True",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "jupyter-rbac cannot enforce its policy" in result.stderr
    assert message in result.stderr
