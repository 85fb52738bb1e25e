"""The server's event stream (`/api/events/subscribe`) shows each subscriber only the events about
what they may read: a file's events need read:contents on its path, a kernel's read:kernels on
that kernel, the audit trail's read:audit; the rest only `all`. A subscriber who loses
read:events is disconnected (1008) at the next event."""

from __future__ import annotations

import asyncio
import json

import pytest

pytestmark = pytest.mark.slow  # a server for each test, and the kernels or terminals it starts

CONTENTS = "https://events.jupyter.org/jupyter_server/contents_service/v1"
ROLE_EVENTS = "https://events.jupyter.org/jupyter_rbac/role/v1"
KERNEL_ACTIONS = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"
PERMISSIONS = "https://events.jupyter.org/jupyter_rbac/permissions/v1"
TIMEOUT = 10


@pytest.fixture
def sam(admin, make_user, rbac):
    """sam reads the event stream and the folder mine/, nothing else."""
    rbac.store.create_role("watcher", ["read:events", "read:contents!path=mine/**"])
    return make_user("sam", roles=["watcher"])


@pytest.fixture
def folders(jp_root_dir):
    for folder in ("mine", "secret"):
        (jp_root_dir / folder).mkdir()


async def _save(client, path: str, text: str) -> None:
    status, answer = await client.put(
        "api",
        "contents",
        *path.split("/"),
        body={"type": "file", "format": "text", "content": text},
    )
    assert status in (200, 201), answer


async def _events_until(stream, schema_id: str, path: str) -> list[dict]:
    """The events received up to and including the one of `schema_id` about `path`."""
    received = []
    while True:
        raw = await asyncio.wait_for(stream.read_message(), TIMEOUT)
        assert raw is not None, f"closed: {stream.close_code} {stream.close_reason}"
        event = json.loads(raw)
        received.append(event)
        if event["schema_id"] == schema_id and event.get("path") == path:
            return received


async def test_a_subscriber_sees_only_the_events_about_what_they_may_read(admin, sam, folders):
    theirs = await sam.websocket("api", "events", "subscribe")
    everything = await admin.websocket("api", "events", "subscribe")
    try:
        await _save(admin, "secret/plan.txt", "the plan")
        status, _ = await admin.post(
            "api", "rbac", "roles", body={"name": "auditors", "scopes": ["read:audit"]}
        )
        assert status == 201
        status, kernel = await admin.post("api", "kernels", body={"name": "python3"})
        assert status == 201
        await _save(admin, "mine/note.txt", "hello")  # the last: sam's stream has had all before it

        seen_by_sam = await _events_until(theirs, CONTENTS, "mine/note.txt")
        seen_by_admin = await _events_until(everything, CONTENTS, "mine/note.txt")

        assert [(e["schema_id"], e.get("path")) for e in seen_by_sam] == [
            (CONTENTS, "mine/note.txt")
        ]
        schemas = {e["schema_id"] for e in seen_by_admin}
        assert {CONTENTS, ROLE_EVENTS, KERNEL_ACTIONS} <= schemas, schemas
        assert any(e.get("path") == "secret/plan.txt" for e in seen_by_admin)
    finally:
        theirs.close()
        everything.close()
        await admin.delete("api", "kernels", kernel["id"])


async def test_a_kernels_events_reach_who_may_read_that_kernel(admin, make_user, rbac):
    rbac.store.create_role("own-kernels", ["read:events", "execute:kernels!user={user}"])
    rita = make_user("rita", roles=["own-kernels"])
    ron = make_user("ron", roles=["own-kernels"])
    streams = {"rita": await rita.websocket("api", "events", "subscribe")}
    streams["ron"] = await ron.websocket("api", "events", "subscribe")
    status, kernel = await rita.post("api", "kernels", body={"name": "python3"})
    assert status == 201, kernel
    try:
        # interrupting: an event of a kernel whose owner jupyter-rbac knows by now
        status, _ = await rita.post("api", "kernels", kernel["id"], "interrupt")
        assert status == 204
        event = await _kernel_event(streams["rita"], "interrupt")
        assert event["kernel_id"] == kernel["id"]
        with pytest.raises(asyncio.TimeoutError):  # ron's stream stays silent: not his kernel
            await _kernel_event(streams["ron"], "interrupt", timeout=1)
        await rita.delete("api", "kernels", kernel["id"])
    finally:
        for stream in streams.values():
            stream.close()


async def _kernel_event(stream, action: str, timeout: float = TIMEOUT) -> dict:
    while True:
        event = json.loads(await asyncio.wait_for(stream.read_message(), timeout))
        if event["schema_id"] == KERNEL_ACTIONS and event["action"] == action:
            return event


async def test_a_subscriber_hears_of_its_own_permission_changes_and_of_nobody_elses(
    admin, sam, make_user, folders
):
    """JupyterLab offers what its user may do, so it hears when that changes: a role given to
    sam reaches sam's stream alone, as a notice naming sam and nothing of what changed."""
    otto = make_user("otto", roles=["viewer"])  # reads every file and the stream
    samss = await sam.websocket("api", "events", "subscribe")
    ottos = await otto.websocket("api", "events", "subscribe")
    try:
        # a policy change that changes nobody's permissions here: no notice
        role = {"name": "secret-reader", "scopes": ["read:contents!path=secret/**"]}
        assert (await admin.post("api", "rbac", "roles", body=role))[0] == 201
        await _save(admin, "mine/before.txt", "1")
        assert [
            e["schema_id"] for e in await _events_until(samss, CONTENTS, "mine/before.txt")
        ] == [CONTENTS]

        body = {"roles": ["watcher", "secret-reader"]}
        assert (await admin.patch("api", "rbac", "users", "sam", body=body))[0] == 200
        notice = (await _events_until(samss, PERMISSIONS, None))[-1]
        assert {k: v for k, v in notice.items() if not k.startswith("__")} == {
            "schema_id": PERMISSIONS,
            "action": "permissions.changed",
            "user": "sam",
        }
        await _save(admin, "secret/after.txt", "2")  # sam reads it now
        assert [
            e["schema_id"] for e in await _events_until(samss, CONTENTS, "secret/after.txt")
        ] == [CONTENTS]
        seen_by_otto = await _events_until(ottos, CONTENTS, "secret/after.txt")
        assert PERMISSIONS not in {e["schema_id"] for e in seen_by_otto}
    finally:
        samss.close()
        ottos.close()


async def _notices_until(stream, path: str) -> list[str]:
    """The schemas of the events received up to the contents event about `path`."""
    return [e["schema_id"] for e in await _events_until(stream, CONTENTS, path)]


# the timer looks at no subscription during the test: only the events do
@pytest.mark.parametrize("rbac_config", [{"websocket_recheck_seconds": 3600}])
async def test_a_change_undone_before_the_stream_looks_again_is_told_if_its_user_met_it(
    admin, sam, folders, rbac
):
    """sam's JupyterLab learns of a change by itself, from a request it made meanwhile (a refused
    save turns a notebook read-only): when the change is undone before the stream looks again,
    the stream still tells sam, or the notebook would stay read-only. The change is made as
    another process makes it (the `jupyter rbac` command, a server sharing the database): in the
    store, with no event of its own to wake the stream."""
    rbac.store.create_role("secret-reader", ["read:contents!path=secret/**"])
    stream = await sam.websocket("api", "events", "subscribe")
    try:
        await _save(admin, "mine/one.txt", "1")
        assert await _notices_until(stream, "mine/one.txt") == [CONTENTS]

        rbac.store.update_user("sam", roles=["watcher", "secret-reader"])
        status, me = await sam.get("api", "rbac", "me")  # met: what sam may do now
        assert status == 200 and "read:contents!path=secret/**" in me["scopes"], me
        rbac.store.update_user("sam", roles=["watcher"])
        await _save(admin, "mine/two.txt", "2")
        assert PERMISSIONS in await _notices_until(stream, "mine/two.txt")
    finally:
        stream.close()


async def test_a_limited_tokens_stream_hears_that_its_owners_permissions_changed(
    admin, sam, folders
):
    """A token limited to some scopes may do what both it and its owner may: when the owner's
    permissions change, so do the token's, and its stream hears of it."""
    body = {"note": "stream", "scopes": ["read:events", "read:contents!path=mine/**"]}
    status, token = await sam.post("api", "rbac", "users", "sam", "tokens", body=body)
    assert status == 201, token
    stream = await sam.as_token(token["token"]).websocket("api", "events", "subscribe")
    try:
        # sam keeps read:events (every user holds it), and loses mine/
        assert (await admin.patch("api", "rbac", "users", "sam", body={"roles": []}))[0] == 200
        notice = (await _events_until(stream, PERMISSIONS, None))[-1]
        assert (notice["action"], notice["user"]) == ("permissions.changed", "sam")
    finally:
        stream.close()


async def test_losing_read_events_ends_the_subscription_at_the_next_event(
    admin, sam, folders, rbac
):
    # every signed-in user hears the stream through the `user` role: an administrator who wants
    # it otherwise takes it from there, and the role giving it back is all that remains
    _, everyone = await admin.get("api", "rbac", "roles", "user")
    scopes = [scope for scope in everyone["scopes"] if scope != "read:events"]
    assert (await admin.patch("api", "rbac", "roles", "user", body={"scopes": scopes}))[0] == 200
    stream = await sam.websocket("api", "events", "subscribe")
    try:
        await _save(admin, "mine/a.txt", "a")
        await _events_until(stream, CONTENTS, "mine/a.txt")
        status, _ = await admin.patch(
            "api", "rbac", "roles", "watcher", body={"scopes": ["read:contents!path=mine/**"]}
        )
        assert status == 200
        await _save(admin, "mine/b.txt", "b")
        while (await asyncio.wait_for(stream.read_message(), TIMEOUT)) is not None:
            pass
        assert (stream.close_code, stream.close_reason) == (1008, "you need the scope read:events")
    finally:
        stream.close()


async def test_nobody_emits_the_audit_trails_events_but_the_server(admin, make_user, rbac):
    """POST /api/events emits an event as the server would: a client holding `write:events` (the
    shipped editor does) could otherwise tell every subscriber that the administrator gave them
    a role."""
    editor = make_user("ed", roles=["editor"])
    forged = {
        "schema_id": ROLE_EVENTS,
        "version": "1",
        "data": {"audit_id": 1, "action": "role.assign", "actor": "admin", "target": "admin"},
    }

    def trail():
        return admin.get("api", "rbac", "audit", params={"action": "role.assign"})

    before = (await trail())[1]["items"]
    watching = await admin.websocket("api", "events", "subscribe")
    try:
        for client in (editor, admin):  # not even an administrator
            status, error = await client.post("api", "events", body=forged)
            assert (status, error["message"]) == (
                403,
                "Only the server emits jupyter-rbac's audit events",
            )
        await _save(admin, "after.txt", "x")  # the stream has had all before it
        seen = await _events_until(watching, CONTENTS, "after.txt")
        assert ROLE_EVENTS not in {event["schema_id"] for event in seen}
        assert (await trail())[1]["items"] == before  # nor did the database hear of it
    finally:
        watching.close()


USER_EVENTS = "https://events.jupyter.org/jupyter_rbac/user/v1"


async def test_a_change_saved_in_a_worker_thread_reaches_subscribers(admin, viewer):
    """Changing a password hashes it in a worker thread, where the change is written: its event
    still reaches the stream, and the request succeeds (it answered 500 once, the password
    changed all the same, while anyone had the stream open)."""
    stream = await admin.websocket("api", "events", "subscribe")
    try:
        status, _ = await viewer.put(
            "api", "rbac", "me", "password", body={"new_password": "CorrectHorse123!x"}
        )
        assert status == 204
        while True:
            raw = await asyncio.wait_for(stream.read_message(), TIMEOUT)
            assert raw is not None, f"closed: {stream.close_code} {stream.close_reason}"
            event = json.loads(raw)
            if event["schema_id"] == USER_EVENTS and event["action"] == "user.password":
                assert event["target"] == "vera"
                break
    finally:
        stream.close()
