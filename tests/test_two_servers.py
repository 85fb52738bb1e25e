"""Several servers, one policy: a change made through one server is enforced by another.

Two real `jupyter server` processes share one database (a SQLite file, or a PostgreSQL database).
"""

from __future__ import annotations

import time

import pytest

from .support.servers import admin_and_viewer, isolated_env, start_server

pytestmark = pytest.mark.slow  # real server processes of its own


@pytest.fixture
def servers(db_url, tmp_path):
    """(server A, server B, tokens): admin `boss`, viewer `bob`."""
    tokens = admin_and_viewer(db_url)
    env = isolated_env(tmp_path)
    a = start_server(tmp_path, "a", db_url, tokens["boss"], env)
    try:
        b = start_server(tmp_path, "b", db_url, tokens["boss"], env)
    except BaseException:
        a.stop()
        raise
    try:
        yield a, b, tokens
    finally:
        a.stop()
        b.stop()


def test_a_role_revoked_on_one_server_is_denied_on_the_other(servers, db_url):
    a, b, tokens = servers
    assert b.request("GET", "/api/contents", tokens["bob"])[0] == 200

    status, role = a.request("PATCH", "/api/rbac/roles/viewer", tokens["boss"], {"users": []})
    assert status == 200 and role["users"] == []

    statuses = [b.request("GET", "/api/contents", tokens["bob"])[0]]
    if db_url.startswith("sqlite"):
        # SQLite: every request checks the database's change counter, so the very next one knows
        assert statuses == [403]
    else:
        # PostgreSQL: B learns through NOTIFY, which arrives about a millisecond after the commit
        deadline = time.monotonic() + 10
        while statuses[-1] != 403 and time.monotonic() < deadline:
            statuses.append(b.request("GET", "/api/contents", tokens["bob"])[0])
        assert statuses[-1] == 403, statuses
    # and the grant made on B applies on A
    status, _ = b.request("PATCH", "/api/rbac/roles/viewer", tokens["boss"], {"users": ["bob"]})
    assert status == 200
    deadline = time.monotonic() + 10
    while a.request("GET", "/api/contents", tokens["bob"])[0] != 200:
        assert time.monotonic() < deadline, "A never saw the grant made on B"


def test_both_servers_write_one_audit_trail(servers):
    a, b, tokens = servers
    assert a.request("POST", "/api/rbac/groups", tokens["boss"], {"name": "from-a"})[0] == 201
    assert b.request("POST", "/api/rbac/groups", tokens["boss"], {"name": "from-b"})[0] == 201
    for server in (a, b):
        status, trail = server.request(
            "GET", "/api/rbac/audit?kind=group&action=group.create", tokens["boss"]
        )
        assert status == 200
        assert [e["target"] for e in trail["items"][:2]] == ["from-b", "from-a"]
