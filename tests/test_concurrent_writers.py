"""Fifty administrators at once, through the API of two real servers on one database (SQLite and
PostgreSQL): each reads a role and a group, adds itself with If-Match, and on 412 reads again and
retries. No update is lost, every write either lands or is told 412, the database stays
consistent, and the audit trail has exactly one row per landed write."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from .support.servers import admin_and_viewer, call, isolated_env, start_server

pytestmark = pytest.mark.slow  # real server processes of its own, fifty writers

WRITERS = 50
MAX_TRIES = 200  # far more than 50 writers ever need: running out would be a livelock


@pytest.fixture
def servers(db_url, tmp_path):
    tokens = admin_and_viewer(db_url)
    env = isolated_env(tmp_path)
    started = []
    try:
        for name in ("a", "b"):
            started.append(start_server(tmp_path, name, db_url, tokens["boss"], env))
        yield started, tokens["boss"]
    finally:
        for server in started:
            server.stop()


def add_with_retry(server, token: str, path: str, field: str, item: str) -> tuple[int, int]:
    """Read the record, add `item` to its `field`, write with If-Match; on 412 start over.
    Returns (tries, refusals with 412): every try but the last was refused."""
    for tries in range(1, MAX_TRIES + 1):
        status, record = call(server, "GET", path, token)
        assert status == 200, (status, record)
        change = {field: sorted({*record[field], item})}
        status, answer = call(server, "PATCH", path, token, change, {"If-Match": record["etag"]})
        if status == 200:
            return tries, tries - 1
        assert status == 412, (status, answer)  # nothing but "it changed meanwhile"
    raise AssertionError(f"{item} never landed in {MAX_TRIES} tries")


def test_fifty_writers_lose_nothing(servers):
    (a, b), token = servers
    for i in range(WRITERS):
        assert call(a, "POST", "/api/rbac/users", token, {"name": f"w{i}"})[0] == 201
    assert call(a, "POST", "/api/rbac/roles", token, {"name": "shared", "scopes": []})[0] == 201
    assert call(a, "POST", "/api/rbac/groups", token, {"name": "crowd"})[0] == 201
    _, role = call(a, "GET", "/api/rbac/roles/shared", token)
    _, group = call(a, "GET", "/api/rbac/groups/crowd", token)

    start = threading.Barrier(WRITERS)

    def writer(i: int) -> tuple[int, int]:
        server = (a, b)[i % 2]
        start.wait()
        role_tries, role_refusals = add_with_retry(
            server, token, "/api/rbac/roles/shared", "scopes", f"read:contents!path=w{i}/**"
        )
        group_tries, group_refusals = add_with_retry(
            server, token, "/api/rbac/groups/crowd", "members", f"w{i}"
        )
        return role_refusals + group_refusals, role_tries + group_tries

    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = list(pool.map(writer, range(WRITERS)))
    refusals = sum(r for r, _ in outcomes)
    assert refusals > 0, "no write ever raced another: the test did not test"

    # nothing lost, and both servers say so
    for server in (a, b):
        _, final_role = call(server, "GET", "/api/rbac/roles/shared", token)
        _, final_group = call(server, "GET", "/api/rbac/groups/crowd", token)
        assert sorted(final_role["scopes"]) == sorted(
            f"read:contents!path=w{i}/**" for i in range(WRITERS)
        )
        assert final_group["members"] == sorted(f"w{i}" for i in range(WRITERS))
        # consistent: one revision per landed write
        assert final_role["revision"] == role["revision"] + WRITERS
        assert final_group["revision"] == group["revision"] + WRITERS

    # the audit trail: one row per landed write, none for a refused one
    def count(action: str, target: str) -> int:
        status, page = call(
            a, "GET", f"/api/rbac/audit?action={action}&target={target}&limit=1", token
        )
        assert status == 200
        return page["total"]

    assert count("role.update", "shared") == WRITERS
    assert count("group.update", "crowd") == WRITERS
