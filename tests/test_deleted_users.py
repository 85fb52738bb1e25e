"""A deleted user's running code does not outlive them: their kernels, terminals and sessions are
shut down, in the server that runs them, whoever deleted the user (the REST API of this server,
or `jupyter rbac` in another process). A new user given the same name never inherits them."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from .support.browser_session import BrowserSession
from .support.client import NOT_SIGNED_IN

pytestmark = pytest.mark.slow  # a server for each test, and the kernels or terminals it starts

TIMEOUT = 30  # a kernel's start, and a few rounds of the server's timer


@pytest.fixture
def ann(make_user):
    return make_user("ann", roles=["runner", "editor"])


async def _start_everything(ann, jp_root_dir) -> dict[str, str]:
    """ann's kernel, terminal and notebook session (with its own kernel): {kind: id}."""
    (jp_root_dir / "ann.ipynb").write_text("")
    status, kernel = await ann.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    status, terminal = await ann.post("api", "terminals")
    assert status == 200, terminal
    body = {"path": "ann.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}}
    status, session = await ann.post("api", "sessions", body=body)
    assert status == 201, session
    return {
        "kernels": kernel["id"],
        "terminals": terminal["name"],
        "sessions": session["id"],
        "session kernel": session["kernel"]["id"],
    }


async def _running(admin) -> set[str]:
    """The ids of every kernel, terminal and session the server runs (as the admin sees them)."""
    found = set()
    for kind, key in (("kernels", "id"), ("terminals", "name"), ("sessions", "id")):
        status, models = await admin.get("api", kind)
        assert status == 200, models
        found |= {model[key] for model in models}
    return found


async def _gone(admin, ids: set[str]) -> None:
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while still := ids & await _running(admin):
        assert asyncio.get_running_loop().time() < deadline, f"still running: {still}"
        await asyncio.sleep(0.2)  # the server's timer runs every second


async def _sees_none_of(new_ann, started: dict[str, str]) -> None:
    for kind, key in (("kernels", "id"), ("terminals", "name"), ("sessions", "id")):
        status, models = await new_ann.get("api", kind)
        assert status == 200, models
        assert not {model[key] for model in models} & set(started.values()), (kind, models)
    status, _ = await new_ann.get("api", "kernels", started["kernels"])
    assert status == 404
    status, _ = await new_ann.delete("api", "terminals", started["terminals"])
    assert status == 404


async def test_deleting_a_user_shuts_down_their_kernels_terminals_and_sessions(
    ann, admin, make_user, jp_root_dir
):
    started = await _start_everything(ann, jp_root_dir)
    status, _ = await admin.delete("api", "rbac", "users", "ann")
    assert status == 204
    await _gone(admin, set(started.values()))
    new_ann = make_user("ann", roles=["runner", "editor"])  # someone else, by the same name
    await _sees_none_of(new_ann, started)


async def test_a_user_deleted_and_recreated_by_another_process_inherits_nothing(
    ann, admin, rbac_db_url, jp_root_dir, rbac
):
    started = await _start_everything(ann, jp_root_dir)
    # `jupyter rbac` in other processes, both before this server looks again (the test's event
    # loop, which is the server's, waits for them): the name is a user's again when it does
    for command in (
        ["users", "delete", "ann"],
        ["users", "create", "ann", "--role", "runner", "--role", "editor"],
    ):
        cli = [sys.executable, "-m", "jupyter_rbac.cli", "--db-url", rbac_db_url, *command]
        subprocess.run(cli, check=True)  # noqa: ASYNC221  # blocking on purpose: the server waits
    await _gone(admin, set(started.values()))
    _, token = rbac.store.create_token("ann")
    new_ann = type(admin)(admin._fetch, admin._ws_fetch, "ann", token)
    await _sees_none_of(new_ann, started)


async def test_other_users_keep_their_kernels(ann, admin, make_user, jp_root_dir):
    rita = make_user("rita", roles=["runner"])
    status, kernel = await rita.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    started = await _start_everything(ann, jp_root_dir)
    status, _ = await admin.delete("api", "rbac", "users", "ann")
    assert status == 204
    await _gone(admin, set(started.values()))
    assert kernel["id"] in await _running(admin)
    status, _ = await rita.get("api", "kernels", kernel["id"])
    assert status == 200


async def test_a_deleted_users_browser_session_is_not_the_next_users_by_that_name(
    ann, admin, jp_fetch
):
    browser = BrowserSession(jp_fetch)
    response = await browser.submit(
        ("login",), ("login",), {"username": "ann", "password": ann.token}
    )
    assert response.code == 302, response.code
    status, me = await browser.api("GET", "api", "rbac", "me")
    assert (status, me["name"], me["roles"]) == (200, "ann", ["editor", "runner", "user"])
    status, _ = await admin.delete("api", "rbac", "users", "ann")
    assert status == 204
    status, _ = await admin.post("api", "rbac", "users", body={"name": "ann", "roles": ["runner"]})
    assert status == 201
    # the new ann has never signed out anywhere either: only the record tells the two apart
    assert await browser.api("GET", "api", "rbac", "me") == NOT_SIGNED_IN
