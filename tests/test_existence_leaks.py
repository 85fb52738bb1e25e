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


# -- /api/rbac/roles: the holders of a role (F2 of the second outside test) ---------------------

ROLES = ("api", "rbac", "roles")


@pytest.fixture
def class_reader(rbac, make_user):
    """Reads every role, but only the users and the group of `class`; writes roles and `class`."""
    rbac.store.create_role(
        "class-reader",
        [
            "read:roles",
            "write:roles",
            "read:users!group=class",
            "write:users!group=class",
            "read:groups!group=class",
            "write:groups!group=class",
        ],
    )
    rbac.store.create_role("padmin", ["write:users", "read:users", "read:roles"])
    rbac.store.create_role("club", ["read:api"])
    make_user("pa", roles=["padmin"])
    make_user("x4", roles=["club"], groups=["class"])
    make_user("zed", roles=["club"])
    rbac.store.update_role("club", groups=["class", "analyst"])
    return make_user("cora", roles=["class-reader"], groups=["class"])


def holders(role: dict) -> tuple[list[str], list[str]]:
    return sorted(role["users"]), sorted(role["groups"])


async def test_roles_name_only_the_holders_their_reader_may_see(class_reader, admin):
    assert (await class_reader.get(*USERS, "pa"))[0] == 404  # pa is hidden from cora
    assert (await class_reader.get("api", "rbac", "groups", "admin"))[0] == 404
    status, page = await class_reader.get(*ROLES)
    assert status == 200
    roles = {role["name"]: role for role in page["items"]}
    assert holders(roles["padmin"]) == ([], [])
    assert holders(roles["admin"]) == ([], [])
    assert holders(roles["club"]) == (["x4"], ["class"])
    assert holders(roles["class-reader"]) == (["cora"], [])
    for name, role in roles.items():
        status, one = await class_reader.get(*ROLES, name)
        assert (status, holders(one)) == (200, holders(role)), name
    # an administrator sees every holder
    _, club = await admin.get(*ROLES, "club")
    assert holders(club) == (["x4", "zed"], ["analyst", "class"])


async def test_a_role_changed_or_created_answers_with_the_holders_its_author_may_see(
    class_reader, rbac
):
    status, role = await class_reader.patch(*ROLES, "club", body={"description": "Club"})
    assert (status, holders(role)) == (200, (["x4"], ["class"]))
    status, role = await class_reader.post(*ROLES, body={"name": "mine", "users": ["x4"]})
    assert (status, holders(role)) == (201, (["x4"], []))


async def test_holders_you_may_not_see_stay_when_you_send_the_lists_you_see(class_reader, rbac):
    """The lists are complete as their sender sees them: no refusal names a hidden holder, and
    nobody takes a role from someone they cannot see."""
    status, role = await class_reader.patch(*ROLES, "club", body={"users": [], "groups": []})
    assert (status, holders(role)) == (200, ([], [])), role
    club = rbac.store.get_role("club")
    assert (sorted(club.users), sorted(club.groups)) == (["zed"], ["analyst"])
    status, role = await class_reader.put(
        *ROLES, "club", body={"scopes": ["read:api"], "users": ["x4"], "groups": ["class"]}
    )
    assert (status, holders(role)) == (200, (["x4"], ["class"]))
    club = rbac.store.get_role("club")
    assert (sorted(club.users), sorted(club.groups)) == (["x4", "zed"], ["analyst", "class"])


async def test_a_refused_role_deletion_names_no_hidden_holder(class_reader, rbac):
    status, payload = await class_reader.delete(*ROLES, "club")
    assert (status, payload["missing_scope"]) == (403, "write:users"), payload
    assert "zed" not in payload["message"] and "analyst" not in payload["message"]
    assert rbac.store.get_role("club").users


# -- /api/rbac/groups and /api/rbac/users: members, groups and roles -----------------------------

GROUPS = ("api", "rbac", "groups")


@pytest.fixture
def teacher(rbac, make_user):
    """Reads and writes group `class` and the users s1 and s2 by name; no roles, no other group.
    `class` also has a member she may not read (hid), and s1 a group (staff) and a role (club)."""
    rbac.store.create_role(
        "teacher", ["groups!group=class", "users!user=s1", "users!user=s2", "read:api"]
    )
    rbac.store.create_role("club", ["read:api"])
    make_user("s1", roles=["club"], groups=["class", "staff"])
    make_user("s2")
    make_user("hid", groups=["class", "staff"])
    return make_user("tess", roles=["teacher"])


def member_names(rbac, group: str) -> list[str]:
    return sorted(rbac.store.get_group(group).members)


async def test_a_group_names_only_the_members_its_reader_may_see(teacher, admin):
    assert (await teacher.get(*USERS, "hid"))[0] == 404  # hid is hidden from tess
    status, group = await teacher.get(*GROUPS, "class")
    assert (status, group["members"]) == (200, ["s1"]), group
    status, page = await teacher.get(*GROUPS)
    assert status == 200 and [g["members"] for g in page["items"]] == [["s1"]], page
    _, group = await admin.get(*GROUPS, "class")
    assert sorted(group["members"]) == ["hid", "s1"]


async def test_a_user_names_only_the_groups_and_roles_their_reader_may_see(teacher, admin):
    assert (await teacher.get(*GROUPS, "staff"))[0] == 404  # staff is hidden from tess
    status, user = await teacher.get(*USERS, "s1")
    assert (status, user["groups"], user["roles"]) == (200, ["class"], []), user
    status, page = await teacher.get(*USERS)
    assert status == 200
    users = {user["name"]: user for user in page["items"]}
    assert (users["s1"]["groups"], users["s1"]["roles"]) == (["class"], [])
    _, user = await admin.get(*USERS, "s1")
    assert (sorted(user["groups"]), user["roles"]) == (["class", "staff"], ["club"])


async def test_a_group_or_user_changed_or_created_answers_with_what_its_author_may_see(
    teacher, rbac
):
    status, group = await teacher.patch(*GROUPS, "class", body={"description": "Class"})
    assert (status, group["members"]) == (200, ["s1"]), group
    status, user = await teacher.patch(*USERS, "s1", body={"display_name": "S. One"})
    assert (status, user["groups"], user["roles"]) == (200, ["class"], []), user
    rbac.store.delete_user("s2")
    status, user = await teacher.post(*USERS, body={"name": "s2", "groups": ["class"]})
    assert (status, user["groups"], user["roles"]) == (201, ["class"], []), user


async def test_members_you_may_not_see_stay_when_you_send_the_members_you_see(teacher, rbac):
    status, group = await teacher.patch(*GROUPS, "class", body={"members": ["s1", "s2"]})
    assert (status, sorted(group["members"])) == (200, ["s1", "s2"]), group
    assert member_names(rbac, "class") == ["hid", "s1", "s2"]
    status, group = await teacher.patch(*GROUPS, "class", body={"members": []})
    assert (status, group["members"]) == (200, []), group
    assert member_names(rbac, "class") == ["hid"]


async def test_groups_and_roles_you_may_not_see_stay_when_you_send_the_lists_you_see(teacher, rbac):
    status, user = await teacher.patch(*USERS, "s1", body={"groups": [], "roles": []})
    assert (status, user["groups"], user["roles"]) == (200, [], []), user
    s1 = rbac.store.get_user("s1")
    assert (s1.groups, s1.roles) == (["staff"], ["club"])
    status, user = await teacher.patch(*USERS, "s1", body={"groups": ["class"]})
    assert (status, user["groups"]) == (200, ["class"]), user
    assert sorted(rbac.store.get_user("s1").groups) == ["class", "staff"]


async def test_a_refused_group_deletion_names_no_hidden_member(teacher, rbac):
    status, payload = await teacher.delete(*GROUPS, "class")
    assert (status, payload["missing_scope"]) == (403, "write:users"), payload
    assert "hid" not in payload["message"]
    assert member_names(rbac, "class") == ["hid", "s1"]


async def test_a_refusal_to_take_a_role_through_a_group_names_no_hidden_role(teacher, rbac):
    rbac.store.create_role("secret", ["read:contents"], groups=["class"])
    for parts, body in (
        ((*GROUPS, "class"), {"members": []}),
        ((*USERS, "s1"), {"groups": []}),
    ):
        status, payload = await teacher.patch(*parts, body=body)
        assert (status, payload["missing_scope"]) == (403, "read:contents"), payload
        assert "secret" not in payload["message"], payload
    assert member_names(rbac, "class") == ["hid", "s1"]


async def test_ones_own_record_names_all_ones_groups_and_roles(make_user, rbac):
    """Whoever reads their own record sees every group and role they hold (as /api/rbac/me
    shows them), whether or not they may read those groups and roles."""
    rbac.store.create_group("secret-club")
    rbac.store.create_role("quiet", ["read:api"])
    nina = make_user("nina", roles=["quiet"], groups=["secret-club"])
    status, record = await nina.get("api", "rbac", "users", "nina")
    assert status == 200, record
    assert (record["groups"], sorted(record["roles"])) == (["secret-club"], ["quiet"])


async def test_a_kernel_tells_of_no_file_outside_the_root(viewer, admin, jp_root_dir, tmp_path):
    """Asked beside a kernel, resolvePath gives disk paths: only the server's files the user
    may read are answered (an outside attack learnt which files exist anywhere on the machine)."""
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    (jp_root_dir / "inside.txt").write_text("x")
    status, kernel = await admin.post("api", "kernels", body={"name": "python3"})
    assert status == 201
    try:
        for path, shown in ((str(outside), False), ("inside.txt", True)):
            params = {"path": path, "kernel": kernel["id"]}
            status, answer = await viewer.get("api", "resolvePath", params=params)
            assert status == 200 and bool(answer["resolved"]) is shown, (path, answer)
    finally:
        await admin.delete("api", "kernels", kernel["id"])
