"""Real-time collaboration under jupyter-rbac: a real jupyter-collaboration room, real websockets,
pycrdt documents. Readers join and see live edits; what they type reaches nobody and never the
file; who is where is known from the server's side of each connection."""

from __future__ import annotations

import asyncio
import json
import sys

import nbformat
import pytest
from pycrdt import create_update_message

from .support.raw_websocket import DeafWebsocket
from .support.ydoc_client import RoomClient

pytestmark = pytest.mark.slow  # a server and collaboration rooms for each test

NOTEBOOK = "shared/plan.ipynb"


@pytest.fixture
def notebook(jp_root_dir):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("a = 1")]
    (jp_root_dir / "shared").mkdir()
    nbformat.write(nb, jp_root_dir / NOTEBOOK)
    return jp_root_dir / NOTEBOOK


@pytest.fixture
def server(jp_http_port, jp_base_url) -> str:
    return f"ws://localhost:{jp_http_port}{jp_base_url}"


def cells_on_disk(path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, 4).cells]


async def settle(seconds: float = 0.6) -> None:
    """Longer than document_save_delay: the room has saved whatever it was going to save."""
    await asyncio.sleep(seconds)


async def test_the_editors_change_reaches_the_viewer_and_the_viewers_reaches_nobody(
    editor, viewer, notebook, server
):
    eddie = await RoomClient.join(editor, NOTEBOOK, server)
    vera = await RoomClient.join(viewer, NOTEBOOK, server)  # reading needs only read:contents
    try:
        eddie.append("\nb = 2")
        await vera.wait_for(lambda: vera.source() == "a = 1\nb = 2")

        vera.append("\n# vera was here")
        eddie.append("\nc = 3")  # sent after vera's: when it arrives, hers would have too
        await vera.wait_for(lambda: "c = 3" in vera.source())
        await settle()
        assert eddie.source() == "a = 1\nb = 2\nc = 3"
        assert cells_on_disk(notebook) == ["a = 1\nb = 2\nc = 3"]

        # somebody joining now gets the room's state, without vera's edit
        late = await RoomClient.join(editor, NOTEBOOK, server)
        assert late.source() == "a = 1\nb = 2\nc = 3"
        late.close()
    finally:
        eddie.close()
        vera.close()


async def test_a_viewers_presence_still_reaches_the_others(editor, viewer, notebook, server):
    eddie = await RoomClient.join(editor, NOTEBOOK, server)
    vera = await RoomClient.join(viewer, NOTEBOOK, server)
    try:
        before = eddie.awareness_received
        presence = {"user": {"name": "vera"}, "cursors": []}
        vera.announce(presence)
        await eddie.wait_for(lambda: eddie.awareness_received > before)
        await eddie.wait_for(lambda: presence in eddie.others())
        assert presence in eddie.others()  # what JupyterLab shows eddie: vera, and where she is
    finally:
        eddie.close()
        vera.close()


def test_without_jupyter_collaboration_there_is_nothing_to_substitute(monkeypatch):
    from jupyter_rbac.collaboration import room_handler_substitutes

    assert len(room_handler_substitutes()) == 1
    monkeypatch.setitem(sys.modules, "jupyter_server_ydoc.handlers", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "jupyter_rbac.collaboration.room_handler")
    assert room_handler_substitutes() == {}


async def test_a_role_given_or_taken_while_connected_applies_to_the_next_edit(
    rbac, editor, viewer, notebook, server
):
    eddie = await RoomClient.join(editor, NOTEBOOK, server)
    vera = await RoomClient.join(viewer, NOTEBOOK, server)
    try:
        rbac.store.assign_role("editor", users=["vera"])  # no reconnect
        vera_text = "\n# vera may edit now"
        vera.append(vera_text)
        await eddie.wait_for(lambda: eddie.source().endswith(vera_text))

        rbac.store.unassign_role("editor", users=["vera"])
        vera.append("\n# dropped")
        eddie.append("\nz = 0")
        await vera.wait_for(lambda: "z = 0" in vera.source())
        await settle()
        assert eddie.source() == "a = 1" + vera_text + "\nz = 0"
        assert cells_on_disk(notebook) == [eddie.source()]
    finally:
        eddie.close()
        vera.close()


async def test_nobody_without_read_gets_a_session_or_a_room(nobody, editor, notebook, server):
    status, body = await nobody.put(
        "api", "collaboration", "session", NOTEBOOK, body={"format": "json", "type": "notebook"}
    )
    assert status == 403
    assert body["missing_scope"] == "read:contents"
    status, session = await editor.put(
        "api", "collaboration", "session", NOTEBOOK, body={"format": "json", "type": "notebook"}
    )
    with pytest.raises(Exception) as refused:
        await nobody.websocket(
            "api",
            "collaboration",
            "room",
            f"json:notebook:{session['fileId']}",
            params={"sessionId": session["sessionId"]},
        )
    assert "403" in str(refused.value)


async def test_undo_redo_and_forks_need_write(viewer, editor, notebook, server):
    _, session = await editor.put(
        "api", "collaboration", "session", NOTEBOOK, body={"format": "json", "type": "notebook"}
    )
    room = f"json:notebook:{session['fileId']}"
    status, body = await viewer.put(
        "api", "collaboration", "fork", room, body={"synchronize": False}
    )
    assert (status, body["missing_scope"]) == (403, "write:contents")
    status, body = await viewer.put(
        "api",
        "collaboration",
        "undo_redo",
        room,
        params={"action": "undo", "steps": "1", "forkRoom": "x"},
    )
    assert (status, body["missing_scope"]) == (403, "write:contents")


async def test_collaborators_says_who_has_which_document_open_and_how(
    admin, editor, viewer, nobody, notebook, server
):
    eddie = await RoomClient.join(editor, NOTEBOOK, server)
    vera = await RoomClient.join(viewer, NOTEBOOK, server)
    try:
        status, body = await viewer.get("api", "rbac", "collaborators")
        assert status == 200
        people = {person["name"]: person for person in body["collaborators"]}
        assert {"eddie", "vera"} <= set(people)
        assert people["eddie"]["documents"] == [
            {"path": NOTEBOOK, "mode": "editor", "since": people["eddie"]["documents"][0]["since"]}
        ]
        assert [(d["path"], d["mode"]) for d in people["vera"]["documents"]] == [
            (NOTEBOOK, "viewer")
        ]
        assert people["vera"]["roles"] == ["user", "viewer"]
        assert people["vera"]["connections"] == {"document": 1}
        assert people["vera"]["initials"] and people["vera"]["color"]

        status, body = await nobody.get("api", "rbac", "collaborators")
        assert (status, body["missing_scope"]) == (403, "read:collaborators")
    finally:
        eddie.close()
        vera.close()
    await settle(0.2)
    _, body = await admin.get("api", "rbac", "collaborators")
    people = {person["name"]: person for person in body["collaborators"]}
    assert people["vera"]["documents"] == []  # still seen lately, nothing open


async def test_the_stream_pushes_every_change(admin, viewer, notebook, server):
    stream = await admin.websocket("api", "rbac", "collaborators", "stream")
    try:
        first = json.loads(await asyncio.wait_for(stream.read_message(), 5))
        assert "vera" not in {p["name"] for p in first["collaborators"]}
        vera = await RoomClient.join(viewer, NOTEBOOK, server)
        try:
            while True:
                update = json.loads(await asyncio.wait_for(stream.read_message(), 5))
                people = {p["name"]: p for p in update["collaborators"]}
                if people.get("vera", {}).get("documents"):
                    break
            assert people["vera"]["documents"][0]["mode"] == "viewer"
        finally:
            vera.close()
    finally:
        stream.close()


async def test_the_stream_ends_when_read_collaborators_is_revoked(
    rbac, make_user, viewer, notebook, server
):
    watcher = make_user("wanda", roles=["viewer"])
    stream = await watcher.websocket("api", "rbac", "collaborators", "stream")
    await asyncio.wait_for(stream.read_message(), 5)
    rbac.store.unassign_role("viewer", users=["wanda"])
    vera = await RoomClient.join(viewer, NOTEBOOK, server)  # a change: the stream would push it
    try:
        while await asyncio.wait_for(stream.read_message(), 5) is not None:
            pass  # a push may have been on its way already
        assert stream.close_code == 1008
    finally:
        vera.close()


async def test_revoking_the_token_of_a_room_connection_closes_it(
    rbac, editor, viewer, notebook, server
):
    eddie = await RoomClient.join(editor, NOTEBOOK, server)
    vera = await RoomClient.join(viewer, NOTEBOOK, server)
    try:
        (token,) = rbac.store.list_tokens("eddie")
        rbac.store.delete_token(token.id)
        eddie.append("\n# after the token was revoked")
        await asyncio.wait_for(eddie.closed.wait(), 5)
        assert eddie.connection.close_code == 1008
        await settle()
        assert cells_on_disk(notebook) == ["a = 1"]
        assert vera.source() == "a = 1"
    finally:
        eddie.close()
        vera.close()


async def test_revoking_the_token_of_the_stream_closes_it(
    rbac, make_user, viewer, notebook, server
):
    watcher = make_user("wanda", roles=["viewer"])
    stream = await watcher.websocket("api", "rbac", "collaborators", "stream")
    await asyncio.wait_for(stream.read_message(), 5)
    (token,) = rbac.store.list_tokens("wanda")
    rbac.store.delete_token(token.id)
    vera = await RoomClient.join(viewer, NOTEBOOK, server)  # a change: the stream would push it
    try:
        while (await asyncio.wait_for(stream.read_message(), 5)) is not None:
            pass
        assert stream.close_code == 1008
    finally:
        vera.close()


async def test_a_room_whose_document_moves_out_of_reach_closes(
    rbac, admin, make_user, notebook, server, jp_root_dir
):
    rbac.store.create_role("shared-reader", ["read:contents!path=shared/**"])
    sue = make_user("sue", roles=["shared-reader"])
    room = await RoomClient.join(sue, NOTEBOOK, server)
    try:
        (jp_root_dir / "private").mkdir()
        status, moved = await admin.patch(
            "api", "contents", *NOTEBOOK.split("/"), body={"path": "private/plan.ipynb"}
        )
        assert status == 200, moved
        # sue sends nothing: the timer's full look (every second) finds the document out of reach
        await asyncio.wait_for(room.closed.wait(), 10)
        assert room.connection.close_code == 1008
    finally:
        room.close()


async def test_a_room_closed_on_its_user_passes_on_nothing_they_still_send(
    rbac, admin, make_user, notebook, server, jp_root_dir
):
    """A client that never reads the server's close frame goes on sending until the close
    handshake times out: none of it reaches the document once its user lost it (found by the
    outside tester)."""
    rbac.store.create_role("shared-writer", ["write:contents!path=shared/**"])
    sue = make_user("sue", roles=["shared-writer"])
    room = await RoomClient.join(sue, NOTEBOOK, server)
    before = room.doc.get_state()
    room._remote = True  # typed here, sent below by the deaf connection, not by this client
    room.append(" # after the move")
    room._remote = False
    update = create_update_message(room.doc.get_update(before))
    status, session = await sue.put(
        "api", "collaboration", "session", NOTEBOOK, body={"format": "json", "type": "notebook"}
    )
    assert status in (200, 201), session
    url = f"{server}api/collaboration/room/json:notebook:{session['fileId']}?sessionId={session['sessionId']}"
    deaf = await DeafWebsocket.connect(url, sue.headers)
    room.close()
    try:
        (jp_root_dir / "private").mkdir()
        status, _ = await admin.patch(
            "api", "contents", *NOTEBOOK.split("/"), body={"path": "private/plan.ipynb"}
        )
        assert status == 200
        await asyncio.sleep(2.5 * rbac.rbac.websocket_recheck_seconds)  # the room was closed
        for _ in range(3):
            await deaf.send_binary(update)
            await asyncio.sleep(0.3)
        await settle()
        assert cells_on_disk(jp_root_dir / "private" / "plan.ipynb") == ["a = 1"]
    finally:
        deaf.close()


@pytest.mark.parametrize("rbac_config", [{"websocket_recheck_seconds": 30}])
async def test_a_move_judges_the_documents_rooms_at_once(
    rbac, admin, make_user, notebook, server, jp_root_dir, rbac_config
):
    """A room's user kept writing a document moved out of their reach until the timer's next
    look (up to c.RBAC.websocket_recheck_seconds; the outside tester's second round). The move
    itself has its rooms judged again: here, long before the timer's 30 s."""
    rbac.store.create_role("shared-writer", ["write:contents!path=shared/**"])
    sue = make_user("sue", roles=["shared-writer"])
    room = await RoomClient.join(sue, NOTEBOOK, server)
    try:
        (jp_root_dir / "private").mkdir()
        status, _ = await admin.patch(
            "api", "contents", *NOTEBOOK.split("/"), body={"path": "private/plan.ipynb"}
        )
        assert status == 200
        await asyncio.wait_for(room.closed.wait(), 2)
        assert room.connection.close_code == 1008
    finally:
        room.close()


async def test_a_room_follows_its_document_where_it_moves(
    rbac, admin, make_user, notebook, server, jp_root_dir
):
    """A document moved where its room's user may read but not write: their edits are judged
    at its new path (dropped), and the collaborators list shows it there, as a viewer's (the
    outside tester's round on issue 22: both stayed at the path the room opened with)."""
    rbac.store.create_role("shared-writer", ["write:contents!path=shared/**"])
    rbac.store.create_role("reader", ["read:contents"])
    sue = make_user("sue", roles=["shared-writer", "reader"])
    room = await RoomClient.join(sue, NOTEBOOK, server)
    try:
        (jp_root_dir / "archive").mkdir()
        status, _ = await admin.patch(
            "api", "contents", *NOTEBOOK.split("/"), body={"path": "archive/plan.ipynb"}
        )
        assert status == 200
        await settle(0.3)  # the move's rooms judged again
        room.append("\n# dropped")
        await settle()
        assert cells_on_disk(jp_root_dir / "archive" / "plan.ipynb") == ["a = 1"]
        _, body = await admin.get("api", "rbac", "collaborators")
        people = {person["name"]: person for person in body["collaborators"]}
        assert [(d["path"], d["mode"]) for d in people["sue"]["documents"]] == [
            ("archive/plan.ipynb", "viewer")
        ]
    finally:
        room.close()
