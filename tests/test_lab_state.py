"""Each person their own JupyterLab (issue 19): settings and workspaces per user, over defaults
an administrator keeps; others' only through a `lab` scope naming them.

Through the real server and JupyterLab's own routes (/lab/api/settings, /lab/api/workspaces),
which the frontend uses unchanged, and /api/rbac's administration of them.
"""

from __future__ import annotations

import json

import pytest

from jupyter_rbac.model.defaults import EARLIER_SCOPES, OWN_LAB

from .support.client import forbidden, refusal

pytestmark = pytest.mark.slow  # a server with JupyterLab in it

THEMES = "@jupyterlab/apputils-extension:themes"
SHORTCUTS = "@jupyterlab/shortcuts-extension:shortcuts"
DARK, LIGHT = "JupyterLab Dark", "JupyterLab Light"


async def theme_of(client) -> tuple[str, str]:
    """(the theme `client` sees as its default, what they chose themselves or "")."""
    status, answer = await client.get("lab", "api", "settings", THEMES)
    assert status == 200, answer
    chosen = answer["settings"].get("theme", "")
    return answer["schema"]["properties"]["theme"]["default"], chosen


async def choose_theme(client, theme: str) -> None:
    raw = json.dumps({"theme": theme})
    status, answer = await client.put("lab", "api", "settings", THEMES, body={"raw": raw})
    assert status == 204, answer


def workspace(name: str, *paths: str) -> dict:
    """A JupyterLab workspace with `paths` open as notebooks, the first one shown."""
    ids = [f"notebook:{path}" for path in paths]
    data = {
        "layout-restorer:data": {
            "main": {
                "dock": {"type": "tab-area", "currentIndex": 0, "widgets": ids},
                "current": ids[0] if ids else None,
            }
        },
        **{key: {"data": {"path": path, "factory": "Notebook"}} for key, path in zip(ids, paths)},
    }
    return {"data": data, "metadata": {"id": name}}


async def save_workspace(client, body: dict) -> None:
    name = body["metadata"]["id"]
    status, answer = await client.put("lab", "api", "workspaces", name, body=body)
    assert status == 204, answer


async def test_two_users_settings_stay_apart(viewer, runner):
    await choose_theme(viewer, DARK)
    assert await theme_of(viewer) == (LIGHT, DARK)
    assert await theme_of(runner) == (LIGHT, "")  # the default, not vera's choice
    shortcuts = json.dumps(
        {"shortcuts": [{"command": "x:y", "keys": ["Ctrl 9"], "selector": "body"}]}
    )
    assert (await runner.put("lab", "api", "settings", SHORTCUTS, body={"raw": shortcuts}))[
        0
    ] == 204
    status, answer = await viewer.get("lab", "api", "settings", SHORTCUTS)
    assert status == 200 and answer["raw"] == "{}"
    status, listing = await viewer.get("lab", "api", "settings")
    assert status == 200
    themes = next(each for each in listing["settings"] if each["id"] == THEMES)
    assert themes["settings"]["theme"] == DARK


async def test_a_viewer_saves_their_own_layout_without_a_refusal(viewer, runner, rbac):
    await save_workspace(viewer, workspace("default", "notes.ipynb"))
    await save_workspace(viewer, workspace("mine", "notes.ipynb"))
    await save_workspace(runner, workspace("default", "other.ipynb"))
    status, answer = await viewer.get("lab", "api", "workspaces", "default")
    assert status == 200 and "notebook:notes.ipynb" in answer["data"]
    status, listing = await viewer.get("lab", "api", "workspaces")
    assert status == 200
    assert sorted(listing["workspaces"]["ids"]) == ["default", "mine"]  # not rita's
    denied = rbac.store.page_audit(actor=viewer.name, action="request.denied").items
    assert denied == [], denied


async def test_an_administrators_default_reaches_everyone_who_chose_nothing(
    admin, viewer, runner, rbac
):
    await choose_theme(viewer, LIGHT)
    path = ("api", "rbac", "lab", "defaults", THEMES)
    status, answer = await admin.put(*path, body={"settings": {"theme": DARK}})
    assert status == 200, answer
    assert await theme_of(runner) == (DARK, "")  # the new default
    assert await theme_of(viewer) == (DARK, LIGHT)  # their own choice still wins
    status, answer = await viewer.get("api", "rbac", "lab", "defaults")
    assert status == 200 and answer["defaults"][THEMES] == {"theme": DARK}
    assert (await admin.delete(*path))[0] == 204
    assert await theme_of(runner) == (LIGHT, "")
    rows = rbac.store.page_audit(kind="lab").items
    assert [(row.actor, row.action, row.target) for row in rows] == [
        ("admin", "lab.defaults.reset", THEMES),
        ("admin", "lab.defaults.change", THEMES),
    ]


async def test_only_write_lab_unfiltered_changes_the_defaults(editor, viewer):
    path = ("api", "rbac", "lab", "defaults", THEMES)
    for client in (editor, viewer):
        answer = await client.put(*path, body={"settings": {"theme": DARK}})
        assert refusal(answer) == forbidden("write:lab")


@pytest.mark.parametrize(
    ("plugin", "settings", "status", "says"),
    [
        (THEMES, {"theme": 7}, 400, "theme"),
        (THEMES, {"theme-scrollbars": "yes"}, 400, "theme-scrollbars"),
        ("@nobody/nothing:plugin", {"x": 1}, 404, "@nobody/nothing:plugin"),
    ],
)
async def test_bad_defaults_are_refused_and_keep_the_old_ones(
    admin, plugin, settings, status, says
):
    path = ("api", "rbac", "lab", "defaults")
    assert (await admin.put(*path, THEMES, body={"settings": {"theme": DARK}}))[0] == 200
    got, answer = await admin.put(*path, plugin, body={"settings": settings})
    assert got == status, answer
    assert says in answer["message"]
    assert (await admin.get(*path))[1]["defaults"] == {THEMES: {"theme": DARK}}


async def test_user_filters_let_a_helper_read_and_reset_one_users_lab(
    make_user, rbac, viewer, runner
):
    rbac.store.create_role(
        "lab-helper", [f"read:lab!user={viewer.name}", f"write:lab!user={viewer.name}"]
    )
    helper = make_user("hal", roles=["lab-helper"])
    await choose_theme(viewer, DARK)
    await save_workspace(viewer, workspace("default", "notes.ipynb"))
    await choose_theme(runner, DARK)
    base = ("api", "rbac", "users")
    status, answer = await helper.get(*base, viewer.name, "lab", "settings")
    assert status == 200 and json.loads(answer["settings"][THEMES]) == {"theme": DARK}
    status, answer = await helper.get(*base, viewer.name, "lab", "workspaces")
    assert status == 200 and [w["metadata"]["id"] for w in answer["workspaces"]] == ["default"]
    assert (await helper.delete(*base, viewer.name, "lab", "workspaces", "default"))[0] == 204
    assert (await helper.delete(*base, viewer.name, "lab", "settings"))[0] == 204
    assert await theme_of(viewer) == (LIGHT, "")
    status, answer = await viewer.get("lab", "api", "workspaces")
    assert answer["workspaces"]["ids"] == []
    # rita is not hal's: refused, naming the scope, and rita keeps her settings
    answer = await helper.get(*base, runner.name, "lab", "settings")
    assert refusal(answer) == forbidden(f"read:lab!user={runner.name}")
    answer = await helper.delete(*base, runner.name, "lab", "settings")
    assert refusal(answer) == forbidden(f"write:lab!user={runner.name}")
    assert await theme_of(runner) == (LIGHT, DARK)
    resets = rbac.store.page_audit(kind="lab").items
    assert {(row.actor, row.action, row.target) for row in resets} == {
        ("hal", "lab.settings.reset", viewer.name),
        ("hal", "lab.workspaces.reset", viewer.name),
    }


async def test_nobody_reads_another_users_lab_through_their_own_routes(viewer, runner):
    answer = await viewer.get("api", "rbac", "users", runner.name, "lab", "workspaces")
    assert refusal(answer) == forbidden(f"read:lab!user={runner.name}")


async def test_a_workspace_never_shows_a_document_its_user_may_not_read(make_user):
    ann = make_user("ann", roles=["analyst"])
    mine, theirs = "home/ann/a.ipynb", "home/bob/b.ipynb"
    body = workspace("default", theirs, mine)
    body["data"]["file-browser-filebrowser:cwd"] = {"path": "home/bob"}
    await save_workspace(ann, body)
    status, answer = await ann.get("lab", "api", "workspaces", "default")
    assert status == 200
    data = answer["data"]
    assert f"notebook:{mine}" in data and f"notebook:{theirs}" not in data
    assert "file-browser-filebrowser:cwd" not in data
    main = data["layout-restorer:data"]["main"]
    assert main["dock"]["widgets"] == [f"notebook:{mine}"] and main["current"] is None
    assert theirs not in json.dumps(answer)
    status, listing = await ann.get("lab", "api", "workspaces")
    assert theirs not in json.dumps(listing)


async def test_a_user_without_their_own_lab_scopes_is_refused_naming_them(make_user, rbac):
    rbac.store.update_role("user", scopes=["self", "read:api", "read:lab!user=nobody-else"])
    nora = make_user("nora")
    answer = await nora.get("lab", "api", "settings", THEMES)
    assert refusal(answer) == forbidden("read:lab!user=nora")
    answer = await nora.put("lab", "api", "workspaces", "default", body=workspace("default"))
    assert refusal(answer) == forbidden("write:lab!user=nora")


def test_every_signed_in_user_holds_their_own_lab():
    from jupyter_rbac.model.defaults import DEFAULT_ROLES

    user = next(role for role in DEFAULT_ROLES if role.name == "user")
    assert set(OWN_LAB) <= set(user.scopes)
    unfiltered = {"read:lab", "write:lab"}
    for role in DEFAULT_ROLES:
        if role.name != "admin":
            assert not unfiltered & set(role.scopes), role.name


async def test_shipped_roles_an_earlier_version_made_get_their_own_lab(rbac):
    rbac.store.update_role("viewer", scopes=list(EARLIER_SCOPES["viewer"][0]))
    rbac.store.update_role(
        "editor", scopes=[*EARLIER_SCOPES["editor"][0], "read:contents"]
    )  # changed
    rbac.service.ensure_defaults()
    roles = {role.name: role for role in rbac.store.list_roles()}
    assert (
        "read:lab!user={user}" in roles["viewer"].scopes
        and "read:lab" not in roles["viewer"].scopes
    )
    assert "write:lab" in roles["editor"].scopes  # an administrator's own choice stays
    rows = rbac.store.page_audit(actor="jupyter-rbac upgrade").items
    assert any(row.target == "viewer" for row in rows)


# -- outside tester, round on issue 19 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "/etc/jupyter:secret",  # an absolute folder: its secret.json was served as a schema
        "../../lab/schemas/@jupyterlab/apputils-extension:themes",  # a folder every user shares
        "..:x",
        "@jupyterlab/../../x:y",
        "a\\b:c",
        "themes",
    ],
)
async def test_a_settings_id_is_never_a_path_elsewhere(viewer, jp_root_dir, name):
    (jp_root_dir / "x.json").write_text('{"type": "object", "properties": {}}')
    raw = json.dumps({"note": "written"})
    for answer in (
        await viewer.get("lab", "api", "settings", *name.split("/")),
        await viewer.put("lab", "api", "settings", *name.split("/"), body={"raw": raw}),
    ):
        status, body = answer
        assert status == 400, body
        assert "not a settings plugin id" in body["message"]
    assert not list(jp_root_dir.rglob("*.jupyterlab-settings"))


async def test_recent_documents_a_user_may_no_longer_read_are_not_served(make_user):
    ann = make_user("ann", roles=["analyst"])
    body = workspace("default", "home/ann/a.ipynb")
    body["data"]["docmanager:recents"] = {
        "opened": [
            {"path": "home/ann/a.ipynb", "contentType": "notebook"},
            {"path": "home/bob/b.ipynb", "contentType": "notebook"},
            {"path": "home/bob", "contentType": "directory"},
        ],
        "closed": [{"path": "secret/plan.txt", "contentType": "file"}],
    }
    await save_workspace(ann, body)
    status, answer = await ann.get("lab", "api", "workspaces", "default")
    assert status == 200
    recents = answer["data"]["docmanager:recents"]
    assert recents == {
        "opened": [{"path": "home/ann/a.ipynb", "contentType": "notebook"}],
        "closed": [],
    }


async def test_a_layout_of_odd_shapes_is_served_not_a_500(make_user):
    ann = make_user("ann", roles=["analyst"])
    body = workspace("odd", "home/bob/b.ipynb", "home/ann/a.ipynb")
    dock = body["data"]["layout-restorer:data"]["main"]["dock"]
    dock["widgets"] = [*dock["widgets"], ["x"], {"y": 1}, 7]
    await save_workspace(ann, body)
    status, listing = await ann.get("lab", "api", "workspaces")
    assert status == 200, listing
    (odd,) = listing["workspaces"]["values"]
    widgets = odd["data"]["layout-restorer:data"]["main"]["dock"]["widgets"]
    assert widgets == ["notebook:home/ann/a.ipynb", ["x"], {"y": 1}, 7]


async def test_what_one_user_may_store_of_their_lab_is_bounded(viewer):
    from jupyter_rbac.limits import MAX_LAB_STATE_BYTES, MAX_WORKSPACES_PER_USER

    huge = workspace("huge", "notes.ipynb")
    huge["data"]["filler"] = {"text": "x" * MAX_LAB_STATE_BYTES}
    status, answer = await viewer.put("lab", "api", "workspaces", "huge", body=huge)
    assert status == 400 and "bytes" in answer["message"]
    for index in range(MAX_WORKSPACES_PER_USER):
        await save_workspace(viewer, workspace(f"w{index}"))
    status, answer = await viewer.put(
        "lab", "api", "workspaces", "one-more", body=workspace("one-more")
    )
    assert status == 400 and f"at most {MAX_WORKSPACES_PER_USER} workspaces" in answer["message"]
    await save_workspace(viewer, workspace("w0", "again.ipynb"))  # changing one still works


async def test_a_workspace_names_no_unreadable_document_in_any_shape(make_user, jp_root_dir):
    """Extensions keep paths in shapes of their own: every string naming something on the server
    the reader may not read goes, with what holds it, whatever the shape (an outside attack
    found names left in lists, other keys, widget ids with no entry and the metadata)."""
    for folder in ("home/ann", "home/bob"):
        (jp_root_dir / folder).mkdir(parents=True)
    (jp_root_dir / "home/ann/a.ipynb").write_text("{}")
    (jp_root_dir / "home/bob/plan.ipynb").write_text("{}")
    ann = make_user("ann", roles=["analyst"])
    theirs, mine = "home/bob/plan.ipynb", "home/ann/a.ipynb"
    body = workspace("odd", mine)
    main = body["data"]["layout-restorer:data"]["main"]
    main["dock"]["widgets"].append(f"editor:{theirs}")  # an id with no entry
    body["data"]["layout-restorer:data"]["left"] = {"widgetStates": {theirs: {"sizes": [1]}}}
    body["data"]["my-extension:state"] = {
        "paths": [theirs, mine],
        "Path": theirs,
        "deep": {"x": [[f"/{theirs}"]]},
        "folder": "home/bob",
        "kept": mine,
    }
    body["data"][f"editor:{theirs}"] = {"data": {"path": mine}}  # its key names it
    body["metadata"]["note"] = theirs
    await save_workspace(ann, body)
    status, answer = await ann.get("lab", "api", "workspaces", "odd")
    assert status == 200
    assert "home/bob" not in json.dumps(answer)
    state = answer["data"]["my-extension:state"]
    assert state == {"paths": [mine], "deep": {"x": [[]]}, "kept": mine}
    assert answer["data"]["layout-restorer:data"]["main"]["dock"]["widgets"] == [f"notebook:{mine}"]
    assert answer["metadata"]["id"] == "odd"


async def test_bad_settings_and_nameless_workspace_deletes_are_400s(viewer):
    status, answer = await viewer.put("lab", "api", "settings", THEMES, body={"raw": "{,}"})
    assert status == 400 and "raw: not JSON5" in answer["message"]
    status, answer = await viewer.delete("lab", "api", "workspaces")
    assert status == 400, answer


async def test_an_unknown_settings_plugin_is_a_404_naming_no_folder(viewer):
    status, answer = await viewer.get("lab", "api", "settings", "nope:plugin")
    assert status == 404 and answer["message"] == "no settings plugin 'nope:plugin'"
    assert "/" not in json.dumps(answer)


async def test_a_workspace_hides_a_path_however_spelt_and_tells_nothing_of_what_exists(
    make_user, jp_root_dir
):
    """Round two of the outside attack: links, queries, encodings, sentences, the disk's own
    path; and a path that does not exist is dropped alike, so reading a workspace back is no
    test of which files exist where the reader may not look."""
    for folder in ("home/ann", "home/bob"):
        (jp_root_dir / folder).mkdir(parents=True)
    (jp_root_dir / "home/bob/notes.txt").write_text("x")
    ann = make_user("ann", roles=["analyst"])
    theirs = "home/bob/notes.txt"
    spellings = [
        f"editor:{jp_root_dir.resolve()}/{theirs}",
        f"/files/{theirs}",
        f"http://127.0.0.1:8888/lab/tree/{theirs}",
        f"{theirs}?x=1",
        f"{theirs}#L1",
        theirs.replace("/", "%2F"),
        f" {theirs}",
        f"{theirs}\u0000",
        f"see {theirs} for the plan",
        "home/bob/nope.txt",  # exists or not: the same answer
        "/etc/passwd",  # a file elsewhere on the machine
    ]
    body = workspace("spelt", "home/ann/a.ipynb")
    body["data"]["my-extension:state"] = {"texts": spellings, "kept": "Notebook"}
    await save_workspace(ann, body)
    status, answer = await ann.get("lab", "api", "workspaces", "spelt")
    assert status == 200
    assert answer["data"]["my-extension:state"] == {"texts": [], "kept": "Notebook"}
