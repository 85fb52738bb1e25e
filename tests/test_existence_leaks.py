"""The existence leaks an outside review found (issue 15, item 6), each as the attack it was.

Someone who may not see an object must not learn whether it exists: not from a status, a
message, a listing, a path resolved for them, or the collaborators they may watch. Each test asks
about an object that exists but is hidden from the caller and about one that does not exist, and
requires the same answer (tests/test_hidden_is_missing.py asks it of every route).
"""

from __future__ import annotations

import asyncio
import json
import uuid

import nbformat
import pytest

from .support.answers import answer_of
from .support.client import Client
from .support.ydoc_client import RoomClient

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

USERS = ("api", "rbac", "users")
SECRET = "private/plan.ipynb"


@pytest.fixture
def files(jp_root_dir):
    """A notebook in private/ and one in shared/; a file named like a folder on someone's way."""
    for path in (SECRET, "shared/notes.ipynb", "home/owen/secret.ipynb"):
        (jp_root_dir / path).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), jp_root_dir / path
        )
    (jp_root_dir / "teams").mkdir()
    (jp_root_dir / "teams" / "plans").write_text("a file where a team folder could be")
    return jp_root_dir


@pytest.fixture
def sue(rbac, make_user):
    """Reads shared/ and her own home, sees who is here; nothing else."""
    rbac.store.create_role(
        "shared-reader",
        [
            "read:contents!path=shared/**",
            "contents!path=home/{user}/**",
            "read:collaborators",
            "read:api",
        ],
    )
    return make_user("sue", roles=["shared-reader"])


@pytest.fixture
def server(jp_http_port, jp_base_url) -> str:
    return f"ws://localhost:{jp_http_port}{jp_base_url}"


# -- /api/rbac/users/{name}/tokens ------------------------------------------------------------------


async def test_the_tokens_of_a_user_you_may_not_see_are_not_found_as_for_nobody(nobody, editor):
    _, token = await editor.post(*USERS, "eddie", "tokens", body={})
    for method, parts in (
        ("GET", ("tokens",)),
        ("POST", ("tokens",)),
        ("GET", ("tokens", str(token["id"]))),
        ("DELETE", ("tokens", str(token["id"]))),
    ):
        hidden = await answer_of(nobody, method, (*USERS, "eddie", *parts), {"eddie": "<name>"})
        missing = await answer_of(nobody, method, (*USERS, "ghost", *parts), {"ghost": "<name>"})
        assert hidden == missing, (method, parts)
        assert (hidden.status, hidden.body["message"]) == (404, "no user named '<name>'")


async def test_a_token_with_no_token_scope_at_all_is_told_the_scope(
    make_user, editor, jp_fetch, jp_ws_fetch
):
    make_user("owen")
    _, token = await editor.post(*USERS, "eddie", "tokens", body={"scopes": ["read:contents"]})
    limited = Client(jp_fetch, jp_ws_fetch, "eddie", token["token"])
    for name in ("owen", "ghost"):
        status, error = await limited.get(*USERS, name, "tokens")
        assert (status, error["missing_scope"]) == (403, f"read:tokens!user={name}")


async def test_someone_who_may_see_the_user_is_still_told_which_scope_is_missing(
    rbac, make_user, editor
):
    rbac.store.create_role("user-reader", ["read:users"])
    reader = make_user("rhea", roles=["user-reader"])
    status, error = await reader.get(*USERS, "eddie", "tokens")
    assert (status, error["missing_scope"]) == (
        403,
        "read:tokens!user=eddie",
    )  # eddie is no secret to her
    assert (await reader.get(*USERS, "ghost", "tokens"))[0] == 404


# -- /api/resolvePath ---------------------------------------------------------------------------------


async def test_resolve_path_does_not_tell_whether_a_hidden_file_exists(sue, files):
    hidden = await answer_of(sue, "GET", ("api", "resolvePath"), {}, params={"path": SECRET})
    missing = await answer_of(
        sue, "GET", ("api", "resolvePath"), {}, params={"path": "private/none.ipynb"}
    )
    assert hidden == missing
    assert hidden.body == {"resolved": []}
    status, mine = await sue.get("api", "resolvePath", params={"path": "shared/notes.ipynb"})
    assert (status, mine) == (
        200,
        {"resolved": [{"scope": "server", "path": "shared/notes.ipynb"}]},
    )


async def test_resolve_path_does_not_tell_whether_a_hidden_kernel_exists(sue, admin, files):
    status, kernel = await admin.post("api", "kernels", body={"name": "python3"})
    assert status == 201
    unknown = str(uuid.uuid4())
    hidden = await answer_of(
        sue,
        "GET",
        ("api", "resolvePath"),
        {kernel["id"]: "<id>"},
        params={"path": "/", "kernel": kernel["id"]},
    )
    missing = await answer_of(
        sue,
        "GET",
        ("api", "resolvePath"),
        {unknown: "<id>"},
        params={"path": "/", "kernel": unknown},
    )
    assert hidden == missing
    assert hidden.body["unresolved"] == [
        {"scope": "kernel", "reason": "Kernel <id> could not be found"}
    ]
    await admin.delete("api", "kernels", kernel["id"])


# -- a folder on the way --------------------------------------------------------------------------------


async def test_a_file_on_the_way_to_a_granted_folder_answers_as_a_missing_one(
    rbac, make_user, files
):
    rbac.store.create_role("team-notes", ["read:contents!path=teams/*/notes/**"])
    tess = make_user("tess", roles=["team-notes"])
    for params in (None, {"type": "directory"}, {"content": "0"}):
        hidden = await answer_of(
            tess, "GET", ("api", "contents", "teams", "plans"), {"plans": "<name>"}, params=params
        )
        missing = await answer_of(
            tess, "GET", ("api", "contents", "teams", "ghost"), {"ghost": "<name>"}, params=params
        )
        assert hidden == missing, params
        assert hidden.status == 403
    (files / "teams" / "red" / "notes").mkdir(parents=True)
    status, folder = await tess.get("api", "contents", "teams", "red")  # a real folder on the way
    assert status == 200 and [entry["name"] for entry in folder["content"]] == ["notes"]


async def test_a_folder_on_the_way_replaced_by_a_file_does_not_open_it(rbac, make_user, files):
    rbac.store.create_role("team-notes", ["read:contents!path=teams/*/notes/**"])
    tess = make_user("tess", roles=["team-notes"])
    (files / "teams" / "red").mkdir()
    assert (await tess.get("api", "contents", "teams", "red"))[0] == 200
    (files / "teams" / "red").rmdir()
    (files / "teams" / "red").write_text("someone else's file, put where the folder was")
    status, answer = await tess.get("api", "contents", "teams", "red")
    assert status == 403 and "content" not in answer


# -- collaboration rooms -----------------------------------------------------------------------------------


async def test_a_room_of_a_hidden_document_is_answered_as_an_unknown_room(sue, admin, files):
    _, session = await admin.put(
        "api", "collaboration", "session", SECRET, body={"format": "json", "type": "notebook"}
    )
    hidden_room = f"json:notebook:{session['fileId']}"
    unknown_room = f"json:notebook:{uuid.uuid4()}"
    names_hidden, names_missing = {hidden_room: "<room>"}, {unknown_room: "<room>"}
    for method, route in (("PUT", "fork"), ("GET", "fork"), ("PUT", "undo_redo")):
        hidden = await answer_of(
            sue, method, ("api", "collaboration", route, hidden_room), names_hidden
        )
        missing = await answer_of(
            sue, method, ("api", "collaboration", route, unknown_room), names_missing
        )
        assert hidden == missing, (method, route)
        assert SECRET not in json.dumps(hidden.body)  # nor where the document is
    codes = []
    for room in (hidden_room, unknown_room):
        with pytest.raises(Exception) as refused:
            await sue.websocket("api", "collaboration", "room", room)
        codes.append(getattr(refused.value, "code", None))
    assert codes[0] == codes[1] == 404


async def test_collaborators_show_only_the_documents_the_reader_may_read(
    sue, admin, editor, files, server
):
    eddie = await RoomClient.join(editor, SECRET, server)
    shared = await RoomClient.join(editor, "shared/notes.ipynb", server)
    try:
        status, body = await sue.get("api", "rbac", "collaborators")
        assert status == 200
        people = {person["name"]: person for person in body["collaborators"]}
        # eddie is shown, with the document sue may read, and nothing counted of the other
        assert [d["path"] for d in people["eddie"]["documents"]] == ["shared/notes.ipynb"]
        assert people["eddie"]["connections"] == {"document": 1}
        _, body = await admin.get("api", "rbac", "collaborators")
        people = {person["name"]: person for person in body["collaborators"]}
        assert [d["path"] for d in people["eddie"]["documents"]] == [
            "private/plan.ipynb",
            "shared/notes.ipynb",
        ]
    finally:
        eddie.close()
        shared.close()


async def test_the_collaborators_stream_shows_only_the_documents_the_reader_may_read(
    sue, editor, files, server
):
    stream = await sue.websocket("api", "rbac", "collaborators", "stream")
    try:
        await asyncio.wait_for(stream.read_message(), 5)
        eddie = await RoomClient.join(editor, SECRET, server)
        shared = await RoomClient.join(editor, "shared/notes.ipynb", server)
        try:
            seen: set[str] = set()
            while "shared/notes.ipynb" not in seen:
                update = json.loads(await asyncio.wait_for(stream.read_message(), 5))
                for person in update["collaborators"]:
                    seen |= {d["path"] for d in person["documents"]}
            assert SECRET not in seen
        finally:
            eddie.close()
            shared.close()
    finally:
        stream.close()
