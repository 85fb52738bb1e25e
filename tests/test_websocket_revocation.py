"""A websocket keeps nothing it no longer has: a kernel's channels and a terminal, once open, are
judged again at every message they receive. Taking the role or revoking the token they opened
with closes them (1008, naming why) at the next message, which never reaches the kernel or the
shell; a change that does not concern them leaves them open. A connection that only receives
(a terminal printing) closes within `c.RBAC.websocket_recheck_seconds`."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

import pytest

TIMEOUT = 30  # a kernel's first answer includes starting it


def _kernel_info_request() -> tuple[str, str]:
    msg_id = uuid4().hex
    header = {
        "msg_id": msg_id, "msg_type": "kernel_info_request", "username": "", "session": uuid4().hex,
        "date": "", "version": "5.3",
    }  # fmt: skip
    message = {"header": header, "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"}
    return json.dumps(message), msg_id


async def _ask_kernel_info(connection) -> dict:
    request, msg_id = _kernel_info_request()
    await connection.write_message(request)
    while True:
        raw = await asyncio.wait_for(connection.read_message(), TIMEOUT)
        assert raw is not None, f"closed: {connection.close_code} {connection.close_reason}"
        message = json.loads(raw)
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "kernel_info_reply":
            return message


async def _closed(connection) -> tuple[int | None, str | None]:
    """Read until the server closes the connection; its close code and reason."""
    while (await asyncio.wait_for(connection.read_message(), TIMEOUT)) is not None:
        pass
    return connection.close_code, connection.close_reason


@pytest.fixture
def open_kernel(runner):
    """open_kernel(): rita's own kernel's channels, opened with her token (closed afterwards)."""
    connections = []

    async def connect():
        status, kernel = await runner.post("api", "kernels", body={"name": "python3"})
        assert status == 201, kernel
        connection = await runner.websocket("api", "kernels", kernel["id"], "channels")
        connections.append(connection)
        return connection

    yield connect
    for connection in connections:
        connection.close()


async def test_taking_the_role_closes_a_kernel_connection_at_its_next_message(admin, open_kernel):
    channels = await open_kernel()
    assert (await _ask_kernel_info(channels))["content"]["status"] == "ok"
    # rita is a runner directly and through the group analyst
    status, _ = await admin.patch("api", "rbac", "users", "rita", body={"roles": [], "groups": []})
    assert status == 200
    request, _ = _kernel_info_request()
    await channels.write_message(request)
    # what the upgrade itself would now be told
    assert await _closed(channels) == (1008, "you need the scope read:kernels")


async def test_revoking_the_token_closes_a_kernel_connection(admin, rbac, open_kernel):
    channels = await open_kernel()
    await _ask_kernel_info(channels)
    (token,) = rbac.store.list_tokens("rita")
    status, _ = await admin.delete("api", "rbac", "users", "rita", "tokens", str(token.id))
    assert status == 204
    request, _ = _kernel_info_request()
    await channels.write_message(request)
    assert await _closed(channels) == (1008, "the token of this connection was revoked")


async def test_a_change_that_does_not_concern_the_connection_keeps_it_open(admin, make_user, open_kernel):
    channels = await open_kernel()
    await _ask_kernel_info(channels)
    make_user("otto")
    status, _ = await admin.patch("api", "rbac", "users", "otto", body={"roles": ["runner"]})
    assert status == 200
    assert (await _ask_kernel_info(channels))["content"]["status"] == "ok"  # still served


async def test_taking_the_role_closes_a_terminal_before_it_runs_anything(admin, editor, jp_root_dir):
    status, terminal = await editor.post("api", "terminals")
    assert status == 200, terminal
    shell = await editor.websocket("terminals", "websocket", terminal["name"])
    try:
        await shell.write_message(json.dumps(["stdin", f"echo opened > {jp_root_dir}/opened.txt\r"]))
        await _wait_for(lambda: (jp_root_dir / "opened.txt").exists())
        status, _ = await admin.patch("api", "rbac", "users", "eddie", body={"roles": []})
        assert status == 200
        await shell.write_message(json.dumps(["stdin", f"echo after > {jp_root_dir}/after.txt\r"]))
        assert await _closed(shell) == (1008, "you need the scope read:terminals")
        await asyncio.sleep(0.5)  # what a shell would take to run it, had it got the line
        assert not (jp_root_dir / "after.txt").exists()
    finally:
        shell.close()
        await admin.delete("api", "terminals", terminal["name"])


async def test_a_terminal_that_only_prints_closes_within_the_recheck_time(admin, editor):
    status, terminal = await editor.post("api", "terminals")
    assert status == 200, terminal
    shell = await editor.websocket("terminals", "websocket", terminal["name"])
    try:
        await shell.write_message(json.dumps(["stdin", "while true; do echo tick; sleep 0.1; done\r"]))
        while "tick" not in (await asyncio.wait_for(shell.read_message(), TIMEOUT) or ""):
            pass
        status, _ = await admin.patch("api", "rbac", "users", "eddie", body={"roles": []})
        assert status == 200
        # ticks, until the timer (every second) judges the connection again: without it they
        # would go on, and the wait time out
        await asyncio.wait_for(_closed(shell), TIMEOUT)
        assert (shell.close_code, shell.close_reason) == (1008, "you need the scope read:terminals")
    finally:
        shell.close()
        await admin.delete("api", "terminals", terminal["name"])


async def _wait_for(condition, timeout: float = TIMEOUT) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)  # polling the file system for the shell's output
