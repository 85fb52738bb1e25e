"""Many servers through a pooler: PgBouncer in transaction mode carries the servers' pooled
connections while each server's change listener connects to PostgreSQL directly
(`c.RBAC.db_listen_url`), so PostgreSQL holds one connection per server plus the pooler's few."""

from __future__ import annotations

import time

import psycopg
import pytest

from .support.pgbouncer import PgBouncer
from .support.servers import admin_and_viewer, isolated_env, start_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

POOL_SIZE = 3


def backends(postgres, database: str) -> tuple[int, int]:
    """(connections to `database`, of which listening for policy changes)."""
    with psycopg.connect(
        f"host=127.0.0.1 port={postgres.port} user=postgres dbname=postgres", autocommit=True
    ) as connection:
        rows = connection.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return len(rows), sum(1 for (query,) in rows if query.startswith("LISTEN"))


def test_servers_through_pgbouncer_enforce_changes_and_hold_one_direct_connection(
    postgres, tmp_path
):
    direct = postgres.create_database("rbac_pooled")
    tokens = admin_and_viewer(direct)
    bouncer = PgBouncer(postgres, "rbac_pooled", pool_size=POOL_SIZE).start()
    servers = []
    try:
        env = isolated_env(tmp_path)
        for name in ("a", "b", "c"):
            servers.append(
                start_server(
                    tmp_path,
                    name,
                    bouncer.url,
                    tokens["boss"],
                    env,
                    [f"--RBAC.db_listen_url={direct}"],
                )
            )
        a, b, c = servers
        assert b.request("GET", "/api/contents", tokens["bob"])[0] == 200

        status, _ = a.request("PATCH", "/api/rbac/roles/viewer", tokens["boss"], {"users": []})
        assert status == 200
        for server in (b, c):  # told through their direct listeners, read through the pooler
            deadline = time.monotonic() + 10
            while server.request("GET", "/api/contents", tokens["bob"])[0] != 403:
                assert time.monotonic() < deadline, "a server never saw the change"

        connections, listening = backends(postgres, "rbac_pooled")
        assert listening == len(servers)
        assert connections <= len(servers) + POOL_SIZE
    finally:
        for server in servers:
            server.stop()
        bouncer.stop()
