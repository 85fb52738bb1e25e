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
        )  # at the next look: the stopped server closed the listener's socket
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


def test_an_idle_server_holds_only_its_listener_and_sends_nothing(cluster, tmp_path):
    """Many servers on one policy: an idle one keeps a single connection (its LISTEN), on which
    it sends nothing (no heartbeat queries: TCP keepalives watch it), and its pooled connections
    are closed; a request opens one again."""
    import psycopg

    from jupyter_rbac.store.engine import IDLE_POOL_SECONDS

    db_url = cluster.create_database("rbac_idle")
    tokens = admin_and_viewer(db_url)
    server = start_server(tmp_path, "s", db_url, tokens["boss"], isolated_env(tmp_path))

    def ours() -> list[tuple]:
        with psycopg.connect(
            f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            return connection.execute(
                "SELECT pid, query, query_start FROM pg_stat_activity"
                " WHERE datname = 'rbac_idle' AND application_name = 'jupyter-rbac'"
            ).fetchall()

    try:
        assert server.request("GET", "/api/rbac/users", tokens["boss"])[0] == 200  # reads the store
        assert len(ours()) == 2  # the listener, and the pool's connection
        _until(lambda: len(ours()) == 1, timeout=IDLE_POOL_SECONDS + 10)
        (listener,) = ours()
        assert listener[1].startswith("LISTEN"), listener
        time.sleep(3)  # three ticks of the server's timer, each looking for changes
        assert ours() == [listener]  # the same connection, and no query since LISTEN

        assert server.request("GET", "/api/rbac/users", tokens["boss"])[0] == 200
        assert len(ours()) == 2
    finally:
        server.stop()


def _until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the timeout"
        time.sleep(0.1)  # polling another process
