"""A websocket keeps nothing it no longer has: a kernel's channels and a terminal, once open, are
judged again at every message they receive. Taking the role or revoking the token they opened
with closes them (1008, naming why) at the next message, which never reaches the kernel or the
shell; a change that does not concern them leaves them open. A connection that only receives
(a terminal printing) closes within `c.RBAC.websocket_recheck_seconds`."""

from __future__ import annotations

import asyncio
import json

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from .support.kernel_messages import (
    TIMEOUT,
    ask_kernel_info,
    execute_request,
    kernel_info_request,
    until_closed,
)
from .support.openid import sign_in as oidc_sign_in
from .support.openid import signing_in_at

pytestmark = pytest.mark.slow  # a server for each test, and the kernels or terminals it starts


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
    assert (await ask_kernel_info(channels))["content"]["status"] == "ok"
    # rita is a runner directly and an analyst through the group analyst
    status, _ = await admin.patch("api", "rbac", "users", "rita", body={"roles": [], "groups": []})
    assert status == 200
    request, _ = kernel_info_request()
    await channels.write_message(request)
    # what the upgrade itself would now be told
    assert await until_closed(channels) == (1008, "you need the scope read:kernels")


async def test_revoking_the_token_closes_a_kernel_connection(admin, rbac, open_kernel):
    channels = await open_kernel()
    await ask_kernel_info(channels)
    (token,) = rbac.store.list_tokens("rita")
    status, _ = await admin.delete("api", "rbac", "users", "rita", "tokens", str(token.id))
    assert status == 204
    request, _ = kernel_info_request()
    await channels.write_message(request)
    assert await until_closed(channels) == (1008, "the token of this connection was revoked")


async def test_a_change_that_does_not_concern_the_connection_keeps_it_open(
    admin, make_user, open_kernel
):
    channels = await open_kernel()
    await ask_kernel_info(channels)
    make_user("otto")
    status, _ = await admin.patch("api", "rbac", "users", "otto", body={"roles": ["runner"]})
    assert status == 200
    assert (await ask_kernel_info(channels))["content"]["status"] == "ok"  # still served


async def test_taking_the_role_closes_a_terminal_before_it_runs_anything(
    admin, editor, jp_root_dir
):
    work = jp_root_dir / "work"  # the served folder's own entries exist before the terminal does
    work.mkdir()
    status, terminal = await editor.post("api", "terminals")
    assert status == 200, terminal
    shell = await editor.websocket("terminals", "websocket", terminal["name"])
    try:
        await shell.write_message(json.dumps(["stdin", f"echo opened > {work}/opened.txt\r"]))
        await _wait_for(lambda: (work / "opened.txt").exists())
        status, _ = await admin.patch("api", "rbac", "users", "eddie", body={"roles": []})
        assert status == 200
        await shell.write_message(json.dumps(["stdin", f"echo after > {work}/after.txt\r"]))
        assert await until_closed(shell) == (1008, "you need the scope read:terminals")
        await asyncio.sleep(0.5)  # what a shell would take to run it, had it got the line
        assert not (work / "after.txt").exists()
    finally:
        shell.close()
        await admin.delete("api", "terminals", terminal["name"])


async def test_a_terminal_that_only_prints_closes_within_the_recheck_time(admin, editor):
    status, terminal = await editor.post("api", "terminals")
    assert status == 200, terminal
    shell = await editor.websocket("terminals", "websocket", terminal["name"])
    try:
        await shell.write_message(
            json.dumps(["stdin", "while true; do echo tick; sleep 0.1; done\r"])
        )
        while "tick" not in (await asyncio.wait_for(shell.read_message(), TIMEOUT) or ""):
            pass
        status, _ = await admin.patch("api", "rbac", "users", "eddie", body={"roles": []})
        assert status == 200
        # ticks, until the timer (every second) judges the connection again: without it they
        # would go on, and the wait time out
        await asyncio.wait_for(until_closed(shell), TIMEOUT)
        assert (shell.close_code, shell.close_reason) == (1008, "you need the scope read:terminals")
    finally:
        shell.close()
        await admin.delete("api", "terminals", terminal["name"])


async def _wait_for(condition, timeout: float = TIMEOUT) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)  # polling the file system for the shell's output


# -- browser sessions that end ---------------------------------------------------------------------


@pytest.fixture
def ann(make_user):
    """ann runs kernels and terminals (the server shuts them down when the test ends)."""
    return make_user("ann", roles=["runner", "editor"])


async def test_signing_out_everywhere_closes_the_sessions_websockets_before_they_run_anything(
    ann, browser_of, jp_root_dir
):
    laptop, phone = await browser_of(ann), await browser_of(ann)
    status, kernel = await ann.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    status, terminal = await ann.post("api", "terminals")
    assert status == 200, terminal
    channels = await laptop.websocket("api", "kernels", kernel["id"], "channels")
    shell = await laptop.websocket("terminals", "websocket", terminal["name"])
    try:
        assert (await ask_kernel_info(channels))["content"]["status"] == "ok"
        status, _ = await phone.api("DELETE", "api", "rbac", "me", "sessions")
        assert status == 204
        status, _ = await laptop.api("GET", "api", "rbac", "me")
        assert status == 403  # the laptop's REST requests are refused...
        # ...and so is what its open websockets carry
        await channels.write_message(
            execute_request(f"open({str(jp_root_dir / 'kernel.txt')!r}, 'w').close()")
        )
        await shell.write_message(json.dumps(["stdin", f"echo after > {jp_root_dir}/shell.txt\r"]))
        assert await until_closed(channels) == (
            1008,
            "the browser session of this connection ended",
        )
        assert await until_closed(shell) == (1008, "the browser session of this connection ended")
        await asyncio.sleep(1)  # what the kernel and the shell would take, had they got it
        assert (
            not (jp_root_dir / "kernel.txt").exists() and not (jp_root_dir / "shell.txt").exists()
        )
    finally:
        channels.close()
        shell.close()


async def test_changing_the_password_closes_another_sessions_terminal_that_only_prints(
    ann, browser_of
):
    laptop, phone = await browser_of(ann), await browser_of(ann)
    status, terminal = await ann.post("api", "terminals")
    assert status == 200, terminal
    shell = await laptop.websocket("terminals", "websocket", terminal["name"])
    try:
        await shell.write_message(
            json.dumps(["stdin", "while true; do echo tick; sleep 0.1; done\r"])
        )
        while "tick" not in (await asyncio.wait_for(shell.read_message(), TIMEOUT) or ""):
            pass
        status, _ = await phone.api(
            "PUT", "api", "rbac", "me", "password", body={"new_password": "a new long phrase"}
        )
        assert status == 204
        # it only receives: the timer (every second) ends it, else the ticks go on and this times out
        await asyncio.wait_for(until_closed(shell), TIMEOUT)
        assert (shell.close_code, shell.close_reason) == (
            1008,
            "the browser session of this connection ended",
        )
        status, _ = await phone.api("GET", "api", "rbac", "me")
        assert status == 200  # the session that changed it goes on
    finally:
        shell.close()


async def test_a_session_that_goes_on_keeps_its_websockets(ann, browser_of, admin):
    laptop = await browser_of(ann)
    status, kernel = await ann.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    channels = await laptop.websocket("api", "kernels", kernel["id"], "channels")
    try:
        await ask_kernel_info(channels)
        status, _ = await admin.patch(
            "api", "rbac", "users", "ann", body={"display_name": "Ann Other"}
        )
        assert status == 200  # a change to her record that does not end her sessions
        assert (await ask_kernel_info(channels))["content"]["status"] == "ok"
    finally:
        channels.close()


class TestOpenIDConnectSessions:
    """The same under OIDC: a session's cookie carries the user's session epoch too."""

    @pytest.fixture
    def jp_server_config(self, jp_server_config, issuer):
        return signing_in_at(jp_server_config, issuer)

    async def test_signing_out_everywhere_ends_the_other_sessions_and_their_websockets(
        self, issuer, jp_fetch, jp_http_port, jp_base_url
    ):
        issuer.user("ivy", groups=["/analyst"])  # an analyst: runs her own kernels
        laptop, phone = (
            await oidc_sign_in(jp_fetch, issuer, "ivy"),
            await oidc_sign_in(jp_fetch, issuer, "ivy"),
        )
        for browser in (laptop, phone):
            await browser.get("lab")  # the page gives the browser its XSRF cookie
        status, kernel = await laptop.api("POST", "api", "kernels", body={"name": "python3"})
        assert status == 201, kernel
        cookie = "; ".join(f"{name}={value}" for name, value in laptop.cookies.items())
        url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}api/kernels/{kernel['id']}/channels"
        own = f"http://127.0.0.1:{jp_http_port}"
        channels = await websocket_connect(
            HTTPRequest(url, headers={"Cookie": cookie, "Origin": own})
        )
        try:
            await ask_kernel_info(channels)
            status, _ = await phone.api("DELETE", "api", "rbac", "me", "sessions")
            assert status == 204
            assert (await laptop.api("GET", "api", "rbac", "me"))[0] == 403
            request, _ = kernel_info_request()
            await channels.write_message(request)
            assert await until_closed(channels) == (
                1008,
                "the browser session of this connection ended",
            )
            again = await oidc_sign_in(jp_fetch, issuer, "ivy")  # signing in again works
            assert (await again.api("GET", "api", "rbac", "me"))[0] == 200
        finally:
            channels.close()
