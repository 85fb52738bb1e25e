"""A browser session lives no longer than the account it was made for, over HTTP and over the
websockets it opened. A password change or "sign out everywhere" ends a session's kernel
websockets before they run another line; a session names the user record it was made for by a
value the policy database never gives again, so a user deleted and made again by the same name
(a new person, or the same one given other roles) starts with no live session: not even when
SQLite gives the new record the old one's id and the clock gives it the old creation time."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import text
from tornado.httpclient import HTTPClientError
from tornado.websocket import WebSocketClosedError

from jupyter_rbac.store import Store, open_engine

from .support.kernel_messages import ask_kernel_info, execute_request, until_closed
from .support.migrations import migrate
from .support.openid import sign_in as oidc_sign_in
from .support.openid import signing_in_at

pytestmark = pytest.mark.slow  # a server for each test, and the kernels or terminals it starts

ENDED = (1008, "the browser session of this connection ended")


def _creates(path) -> str:
    """Code that, if a kernel runs it, leaves `path` behind."""
    return execute_request(f"open({str(path)!r}, 'w').close()")


async def _runs_nothing_more(channels, jp_root_dir, name: str) -> None:
    """Send code that would create `name`: the connection closes, naming why, and the code never
    ran. (The server's timer may have closed it already: then the code is never sent.)"""
    with contextlib.suppress(WebSocketClosedError):
        await channels.write_message(_creates(jp_root_dir / name))
    assert await until_closed(channels) == ENDED
    await asyncio.sleep(1)  # what the kernel would take, had it got the message
    assert not (jp_root_dir / name).exists()


async def _refused_websocket(browser, *parts: str) -> int:
    """The status the upgrade of a websocket opened with `browser`'s cookie is answered with."""
    with pytest.raises(HTTPClientError) as refused:
        connection = await browser.websocket(*parts)
        connection.close()
    return refused.value.code


@pytest.fixture
def ann(make_user):
    """ann runs kernels (and the server shuts them down when the test ends)."""
    return make_user("ann", roles=["editor"])


async def _admins_kernel(admin) -> str:
    """A kernel of the admin's, which editors may also run code in: not ann's, so deleting ann
    does not shut it down; only her session's end can close her connection to it."""
    status, kernel = await admin.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    return kernel["id"]


# -- 7. a password change and "sign out everywhere" end a session's websockets --------------------
# ("sign out everywhere" on a kernel websocket running code: test_websocket_revocation.py::
# test_signing_out_everywhere_closes_the_sessions_websockets_before_they_run_anything)


async def test_a_password_change_closes_another_sessions_kernel_websocket_before_it_runs_code(
    ann, browser_of, jp_root_dir
):
    laptop, phone = await browser_of(ann), await browser_of(ann)
    status, kernel = await ann.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    channels = await laptop.websocket("api", "kernels", kernel["id"], "channels")
    try:
        assert (await ask_kernel_info(channels))["content"]["status"] == "ok"
        status, _ = await phone.api(
            "PUT", "api", "rbac", "me", "password", body={"new_password": "a new long phrase"}
        )
        assert status == 204
        assert (await laptop.api("GET", "api", "rbac", "me"))[0] == 403
        await _runs_nothing_more(channels, jp_root_dir, "after-password.txt")
        assert await _refused_websocket(laptop, "api", "kernels", kernel["id"], "channels") == 403
    finally:
        channels.close()


# -- 8. a deleted user's session is nobody's ------------------------------------------------------


async def test_a_deleted_users_open_websocket_is_not_the_next_users_by_that_name(
    ann, admin, browser_of, jp_root_dir
):
    admins_kernel = await _admins_kernel(admin)
    browser = await browser_of(ann)
    channels = await browser.websocket("api", "kernels", admins_kernel, "channels")
    try:
        await ask_kernel_info(channels)
        assert (await admin.delete("api", "rbac", "users", "ann"))[0] == 204
        status, _ = await admin.post(
            "api", "rbac", "users", body={"name": "ann", "roles": ["editor"]}
        )
        assert status == 201  # the same name, the same roles: still someone else's account
        await _runs_nothing_more(channels, jp_root_dir, "old-ann.txt")
        assert (await browser.api("GET", "api", "rbac", "me"))[0] == 403
        assert await _refused_websocket(browser, "api", "kernels", admins_kernel, "channels") == 403
    finally:
        channels.close()


async def test_a_viewers_old_cookie_does_not_sign_in_the_editor_made_by_that_name(
    make_user, admin, browser_of, rbac
):
    old_ann = make_user("ann", roles=["viewer"])
    browser = await browser_of(old_ann)
    assert (await browser.api("GET", "api", "rbac", "me"))[0] == 200
    assert (await admin.delete("api", "rbac", "users", "ann"))[0] == 204
    new_ann = make_user("ann", roles=["editor"])
    status, kernel = await new_ann.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    assert (await browser.api("GET", "api", "rbac", "me"))[0] == 403
    assert (await browser.api("POST", "api", "kernels", body={"name": "python3"}))[0] == 403
    assert await _refused_websocket(browser, "api", "kernels", kernel["id"], "channels") == 403


async def test_a_record_with_the_old_id_and_creation_time_is_still_someone_else(
    ann, admin, browser_of, rbac, jp_root_dir
):
    """SQLite gives the next row the highest id deleted, and a wall clock can give a time twice
    (stepped back by NTP, a virtual machine restored from a snapshot): neither names a session."""
    admins_kernel = await _admins_kernel(admin)
    browser = await browser_of(ann)
    channels = await browser.websocket("api", "kernels", admins_kernel, "channels")
    try:
        await ask_kernel_info(channels)
        old = rbac.store.get_user("ann")
        created_at = _stored_creation_time(rbac, old.id)
        assert (await admin.delete("api", "rbac", "users", "ann"))[0] == 204
        assert (
            await admin.post("api", "rbac", "users", body={"name": "ann", "roles": ["editor"]})
        )[0] == 201
        assert rbac.store.get_user("ann").id == old.id  # SQLite reused it
        with rbac.store.engine.begin() as connection:  # and the clock gave the old time again
            update = text("UPDATE rbac_users SET created_at = :at WHERE id = :id")
            connection.execute(update, {"at": created_at, "id": old.id})
        # the policy moves on
        assert (await admin.post("api", "rbac", "groups", body={"name": "later"}))[0] == 201
        assert rbac.store.get_user("ann").created_at == old.created_at
        assert (await browser.api("GET", "api", "rbac", "me"))[0] == 403
        await _runs_nothing_more(channels, jp_root_dir, "same-id-and-time.txt")
    finally:
        channels.close()


def _stored_creation_time(rbac, user_id: int) -> object:
    """The creation time of a user's row, exactly as the database holds it."""
    with rbac.store.engine.connect() as connection:
        query = text("SELECT created_at FROM rbac_users WHERE id = :id")
        return connection.execute(query, {"id": user_id}).scalar_one()


class TestOpenIDConnect:
    """The same under OIDC: the issuer says who signs in, but a session our store's admin ends by
    deleting the user stays ended when a user of that name is made again."""

    @pytest.fixture
    def jp_server_config(self, jp_server_config, issuer):
        return signing_in_at(jp_server_config, issuer)

    async def test_a_deleted_users_session_is_not_the_next_users_by_that_name(
        self, issuer, jp_fetch, rbac
    ):
        issuer.user("ivy")
        browser = await oidc_sign_in(jp_fetch, issuer, "ivy")
        assert (await browser.api("GET", "api", "rbac", "me"))[0] == 200
        assert rbac.store.get_user("ivy")  # the store remembered her at her sign-in
        rbac.store.delete_user("ivy")  # as an administrator does (our API, or `jupyter rbac`)
        rbac.store.create_user("ivy", roles=["editor"])
        assert (await browser.api("GET", "api", "rbac", "me"))[0] == 403
        again = await oidc_sign_in(jp_fetch, issuer, "ivy")  # signing in again works
        assert (await again.api("GET", "api", "rbac", "me"))[0] == 200


# -- the upgrade that brought record keys -----------------------------------------------------------


_AT_0004 = (
    (
        "INSERT INTO rbac_users (id, name, display_name, created_at)"
        " VALUES (1, 'ann', '', CURRENT_TIMESTAMP), (2, 'bob', '', CURRENT_TIMESTAMP)"
    ),
    "INSERT INTO rbac_groups (id, name, description, created_at) VALUES (1, 'team', '', CURRENT_TIMESTAMP)",
    "INSERT INTO rbac_group_members (group_id, user_id) VALUES (1, 1)",
    (
        "INSERT INTO rbac_tokens (id, user_id, hashed, prefix, note, one_time, created_at)"
        " VALUES (1, 1, 'h1', 'xxxx', '', false, CURRENT_TIMESTAMP)"
    ),
)


def test_the_upgrade_gives_each_user_a_key_of_their_own_and_keeps_everything_else(db_url):
    """Migration 0005, on SQLite and PostgreSQL: keys for the users already there; their tokens
    and memberships stay (a copied SQLite table would have cascaded deletes into them)."""
    migrate(db_url, "0004")
    engine = open_engine(db_url)
    with engine.begin() as connection:
        for statement in _AT_0004:
            connection.execute(text(statement))
    engine.dispose()
    store = Store.open(db_url)  # to the newest revision
    try:
        keys = {name: store.record_key_of(name) for name in ("ann", "bob")}
        assert all(keys.values()) and keys["ann"] != keys["bob"]
        assert store.get_user("ann").groups == ["team"] and len(store.list_tokens("ann")) == 1
        store.delete_user("ann")
        store.create_user("ann")
        assert store.record_key_of("ann") not in (None, keys["ann"])
    finally:
        store.close()
