"""Crash safety: the server is killed (SIGKILL) in the middle of a stream of policy writes, on
SQLite and on PostgreSQL. A server started again on the same database finds a consistent policy
with every write it had acknowledged, and an audit row for each write that is there."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from .support.servers import admin_and_viewer, call, isolated_env, start_server

pytestmark = pytest.mark.slow  # real server processes of its own, killed and started again

ACKNOWLEDGED_BEFORE_KILL = 25


def test_a_killed_server_loses_no_acknowledged_write(db_url, tmp_path):
    tokens = admin_and_viewer(db_url)
    token = tokens["boss"]
    env = isolated_env(tmp_path)
    victim = start_server(tmp_path, "victim", db_url, token, env)
    acknowledged: list[str] = []
    enough = threading.Event()

    def write_until_the_server_dies() -> None:
        for i in range(10_000):
            name = f"r{i}"
            try:
                status, _ = call(
                    victim, "POST", "/api/rbac/roles", token, {"name": name, "scopes": ["read:lab"]}
                )
            except OSError:  # the connection died with the server
                return
            if status == 201:
                acknowledged.append(name)
                if len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                    enough.set()

    writer = threading.Thread(target=write_until_the_server_dies)
    writer.start()
    try:
        assert enough.wait(60), "the writes did not get going"
        os.killpg(victim.process.pid, signal.SIGKILL)  # in the middle of the stream
        writer.join(60)
        assert not writer.is_alive()
    finally:
        victim.stop()

    survivor = start_server(
        tmp_path, "survivor", db_url, token, env
    )  # the policy loads: consistent
    try:
        status, page = call(survivor, "GET", "/api/rbac/roles?limit=1000&q=r", token)
        assert status == 200
        there = {
            role["name"]
            for role in page["items"]
            if role["name"].startswith("r") and role["name"][1:].isdigit()
        }
        assert set(acknowledged) <= there, sorted(set(acknowledged) - there)
        assert len(there) <= len(acknowledged) + 1  # at most the write that was in flight
        status, trail = call(
            survivor, "GET", "/api/rbac/audit?action=role.create&limit=1000", token
        )
        logged = {event["target"] for event in trail["items"]}
        assert (
            there <= logged
            and {n for n in logged if n.startswith("r") and n[1:].isdigit()} == there
        )
        # and it keeps working
        assert (
            call(survivor, "POST", "/api/rbac/roles", token, {"name": "after", "scopes": []})[0]
            == 201
        )
    finally:
        survivor.stop()
