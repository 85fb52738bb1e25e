"""`jupyter rbac` from a shell, and a real server process shut down by its administrator."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def cli(db_url, *args, check=True):
    return subprocess.run(
        [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", db_url, *args],
        capture_output=True, text=True, check=check,
    )


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    cli(url, "init", "--admin", "boss")
    return url


def test_init_creates_the_first_admin_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'first.sqlite'}"
    first = cli(url, "init", "--admin", "boss").stdout
    assert "first administrator: boss" in first and "rbac_" in first
    assert "first administrator" not in cli(url, "init").stdout


def test_users_roles_groups_and_tokens(db_url):
    cli(db_url, "role", "create", "reviewers", "--scope", "read:contents", "--scope", "read:nbconvert")
    cli(db_url, "group", "create", "lab-a")
    cli(db_url, "user", "create", "vera", "--role", "viewer", "--group", "lab-a")
    cli(db_url, "role", "assign", "reviewers", "--user", "vera")
    users = cli(db_url, "user", "list").stdout
    assert "vera\troles: reviewers, viewer\tgroups: lab-a" in users
    roles = [json.loads(line) for line in cli(db_url, "role", "list").stdout.splitlines()]
    assert {"name": "reviewers", "scopes": ["read:contents", "read:nbconvert"], "users": ["vera"], "groups": []} in roles
    token = cli(db_url, "token", "create", "vera").stdout.strip()
    assert token.startswith("rbac_") and len(token) > 40


@pytest.mark.parametrize(
    "args,message",
    [
        (("user", "create", "x", "--role", "no-such-role"), "no role named 'no-such-role'"),
        (("token", "create", "nobody"), "no user named 'nobody'"),
        (("role", "create", "bad", "--scope", "read:nope"), "unknown resource 'nope'"),
        (("token", "create", "boss", "--expires-in", "-5"), "expires_in: between 1 and"),
        (("user", "create", "../x"), "invalid user name"),
    ],
)
def test_mistakes_exit_2_with_a_message(db_url, args, message):
    result = cli(db_url, *args, check=False)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_routes_prints_every_route_with_its_scope(db_url):
    output = cli(db_url, "routes").stdout
    assert "/api/contents" in output and "read:contents" in output
    assert "/lab/api/settings" in output and "PUT write:lab" in output
    assert "/login$" in output and "public" in output
    assert "not in the table" not in output


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(port, path, token):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method="POST", data=b"", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_only_an_admin_shuts_the_server_down(db_url, tmp_path):
    cli(db_url, "user", "create", "eddie", "--role", "editor")
    editor = cli(db_url, "token", "create", "eddie").stdout.strip()
    admin = cli(db_url, "token", "create", "boss").stdout.strip()
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={tmp_path}",
         "--ServerApp.jpserver_extensions=jupyter_rbac=True", f"--RBAC.db_url={db_url}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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
        assert _post(port, "/api/shutdown", editor) == 403
        assert server.poll() is None
        assert _post(port, "/api/shutdown", admin) == 200
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


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
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={_free_port()}", f"--ServerApp.root_dir={tmp_path}",
         "--ServerApp.jpserver_extensions=jupyter_rbac=True"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "jupyter-rbac cannot enforce its policy" in result.stderr
    assert message in result.stderr
