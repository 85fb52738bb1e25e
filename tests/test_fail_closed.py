"""Fail closed: when the policy database goes away under a running server, every request is
refused (503, with one clear line in the log) rather than decided without the policy, and the
server decides as before once the database is back. A real server on a private PostgreSQL
cluster that this test stops and starts again."""

from __future__ import annotations

import time

import pytest

from .support.postgres import start_cluster
from .support.servers import admin_and_viewer, isolated_env, start_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # a server and a cluster of its own

PATHS = ("/api/contents", "/api/rbac/me", "/api/kernels", "/lab/api/settings", "/api/rbac/roles")


@pytest.fixture
def cluster():
    """A cluster of this test's own (it stops it): not the run's shared one."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


def test_a_lost_policy_database_refuses_everything_until_it_is_back(cluster, tmp_path):
    db_url = cluster.create_database("rbac_fail_closed")
    tokens = admin_and_viewer(db_url)
    server = start_server(tmp_path, "s", db_url, tokens["boss"], isolated_env(tmp_path))
    try:
        assert server.request("GET", "/api/contents", tokens["bob"])[0] == 200

        cluster.halt()
        _until(
            lambda: server.request("GET", "/api/contents", tokens["bob"])[0] == 503
        )  # within a heartbeat
        for token in (tokens["bob"], tokens["boss"]):  # the administrator too: nothing is decided
            for path in PATHS:
                status, body = server.request("GET", path, token)
                assert status == 503, (path, status, body, server.tail())
                assert "access policy cannot be read" in body["message"]
        status, _ = server.request(
            "POST", "/api/rbac/roles", tokens["boss"], {"name": "x", "scopes": []}
        )
        assert status == 503
        log = server.log.read_text()
        assert log.count("jupyter-rbac cannot read the access policy") == 1, (
            server.tail()
        )  # once per outage
        assert "Traceback" not in log.split("cannot read the access policy", 1)[1]

        cluster.resume()
        assert server.request("GET", "/api/contents", tokens["bob"])[0] == 200
        assert (
            server.request("GET", "/api/rbac/roles", tokens["bob"])[0] == 403
        )  # decided as before
        assert "reads the access policy again" in server.log.read_text()
    finally:
        server.stop()


def _until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the timeout"
        time.sleep(0.1)  # polling another process
