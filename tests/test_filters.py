"""Filters narrow scopes to paths and owners; listings show each user only what they may see."""

from __future__ import annotations

import json

import pytest

from .support.client import forbidden, refusal

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset


@pytest.fixture
def tree(jp_root_dir):
    for path in (
        "shared/devs/plan.md",
        "shared/devs/deep/er/notes.txt",
        "shared/analysts/report.md",
        "home/alice/mine.txt",
        "home/bob/his.txt",
        "secret.txt",
    ):
        target = jp_root_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path)
    return jp_root_dir


@pytest.fixture
def team_role(rbac):
    rbac.store.create_role(
        "team",
        [
            "read:contents!path=shared/{group}/**",
            "write:contents!path=shared/{group}/**",
            "write:contents!path=home/{user}/**",
        ],
    )
    return "team"


@pytest.fixture
def alice(make_user, team_role):
    return make_user("alice", roles=[team_role], groups=["devs"])


def text_file(content="new"):
    return {"type": "file", "format": "text", "content": content}


async def test_double_star_reaches_any_depth(alice, tree):
    status, _ = await alice.get("api", "contents", "shared", "devs", "x.txt")
    assert status == 404  # allowed through; the file just does not exist
    status, _ = await alice.put(
        "api", "contents", "shared", "devs", "deep", "er", "c.txt", body=text_file()
    )
    assert status == 201
    assert (tree / "shared/devs/deep/er/c.txt").read_text() == "new"


async def test_group_template_grants_each_group_its_folder(make_user, team_role, tree):
    dev = make_user("dana", roles=[team_role], groups=["devs"])
    status, model = await dev.get("api", "contents", "shared", "devs", "deep", "er", "notes.txt")
    assert status == 200 and model["content"] == "shared/devs/deep/er/notes.txt"
    status, error = await dev.get("api", "contents", "shared", "analysts", "report.md")
    assert status == 403
    assert error["missing_scope"] == "read:contents!path=shared/analysts/report.md"


async def test_user_template_grants_only_own_home(alice, tree):
    status, _ = await alice.put("api", "contents", "home", "alice", "new.txt", body=text_file())
    assert status == 201
    assert (tree / "home/alice/new.txt").read_text() == "new"
    status, error = await alice.put(
        "api", "contents", "home", "bob", "his.txt", body=text_file("overwritten")
    )
    assert status == 403
    assert error["missing_scope"] == "write:contents!path=home/bob/his.txt"
    assert (tree / "home/bob/his.txt").read_text() == "home/bob/his.txt"


async def test_paths_cannot_escape_through_dot_dot(alice, tree):
    # what stays inside the root is judged where it lands: secret.txt is not alice's
    status, error = await alice.get("api", "contents", "shared/devs/../../secret.txt")
    assert status == 403 and error["missing_scope"] == "read:contents!path=secret.txt"
    status, _ = await alice.get("files", "shared", "devs", "..", "..", "secret.txt")
    assert status in (403, 404)


async def test_a_path_above_the_root_is_bad_input(alice, tree):
    status, error = await alice.patch(
        "api", "contents", "home", "alice", "mine.txt", body={"path": "../../etc/passwd"}
    )
    assert status == 400
    assert "leaves the server root" in error["message"]
    assert (tree / "home/alice/mine.txt").exists()


async def test_rename_needs_write_on_the_destination(make_user, team_role, tree):
    dev = make_user("dan", roles=[team_role], groups=["devs"])
    status, error = await dev.patch(
        "api", "contents", "shared", "devs", "plan.md", body={"path": "secret-plan.md"}
    )
    assert status == 403
    assert error["missing_scope"] == "write:contents!path=secret-plan.md"
    assert (tree / "shared/devs/plan.md").exists()
    status, _ = await dev.patch(
        "api", "contents", "shared", "devs", "plan.md", body={"path": "shared/devs/plan2.md"}
    )
    assert status == 200


async def test_copy_needs_read_on_the_source(make_user, team_role, tree):
    dev = make_user("dora", roles=[team_role], groups=["devs"])
    status, error = await dev.post(
        "api", "contents", "shared", "devs", body={"copy_from": "secret.txt"}
    )
    assert status == 403
    assert error["missing_scope"] == "read:contents!path=secret.txt"


async def test_parent_folders_show_only_the_way_to_permitted_paths(make_user, team_role, tree):
    dev = make_user("dave", roles=[team_role], groups=["devs"])
    status, root = await dev.get("api", "contents", "")
    assert status == 200
    # home/ leads to home/dave/ (the role's {user} folder), shared/ to shared/devs/
    assert sorted(entry["name"] for entry in root["content"]) == ["home", "shared"]
    status, home = await dev.get("api", "contents", "home")
    assert home["content"] == []  # alice's and bob's homes stay hidden
    status, shared = await dev.get("api", "contents", "shared")
    assert [entry["name"] for entry in shared["content"]] == ["devs"]
    status, developer = await dev.get("api", "contents", "shared", "devs")
    assert sorted(entry["name"] for entry in developer["content"]) == ["deep", "plan.md"]


async def test_a_file_on_the_way_is_not_readable(make_user, rbac, tree):
    rbac.store.create_role("deep-only", ["read:contents!path=shared/devs/deep/**"])
    dev = make_user("deb", roles=["deep-only"])
    status, _ = await dev.get("api", "contents", "shared", "devs")
    assert status == 200
    status, error = await dev.get("api", "contents", "shared", "devs", "plan.md")
    assert status == 403
    assert error["missing_scope"] == "read:contents!path=shared/devs/plan.md"


async def test_single_star_is_one_segment(make_user, rbac, tree):
    rbac.store.create_role("top-md", ["read:contents!path=shared/*/plan.md"])
    user = make_user("sam", roles=["top-md"])
    status, model = await user.get("api", "contents", "shared", "devs", "plan.md")
    assert (status, model["content"]) == (200, "shared/devs/plan.md")
    answer = await user.get("api", "contents", "shared", "devs", "deep", "er", "notes.txt")
    assert refusal(answer) == forbidden("read:contents!path=shared/devs/deep/er/notes.txt")


async def test_files_and_nbconvert_follow_path_filters(make_user, rbac, tree):
    (tree / "shared/devs/nb.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    (tree / "nb.ipynb").write_text((tree / "shared/devs/nb.ipynb").read_text())
    rbac.store.create_role("dev-reader", ["read:contents!path=shared/devs/**", "read:nbconvert"])
    user = make_user("fay", roles=["dev-reader"])
    assert (await user.get("files", "shared", "devs", "plan.md"))[0] == 200
    assert (await user.get("files", "secret.txt"))[0] == 403
    assert (await user.get("nbconvert", "html", "shared", "devs", "nb.ipynb"))[0] == 200
    status, error = await user.get("nbconvert", "html", "nb.ipynb")
    assert status == 403 and error["missing_scope"] == "read:contents!path=nb.ipynb"


# -- owners ---------------------------------------------------------------------------------------


@pytest.fixture
def own_kernels_role(rbac):
    rbac.store.create_role("own-kernels", ["execute:kernels!user={user}", "read:kernelspecs"])
    return "own-kernels"


async def test_owner_filter_reaches_only_own_kernels(make_user, own_kernels_role):
    ann = make_user("ann", roles=[own_kernels_role])
    ben = make_user("ben", roles=[own_kernels_role])
    status, kernel = await ann.post("api", "kernels", body={"name": "python3"})
    assert status == 201
    assert (await ann.get("api", "kernels", kernel["id"]))[0] == 200
    # ann's kernel is, to ben, what a kernel that does not exist is: neither it nor its owner shows
    unknown = "00000000-0000-4000-8000-000000000000"
    for kernel_id in (kernel["id"], unknown):
        status, error = await ben.get("api", "kernels", kernel_id)
        assert (status, error["message"]) == (404, "No such kernel"), (status, error)
        assert (await ben.post("api", "kernels", kernel_id, "interrupt"))[0] == 404
        assert (await ben.delete("api", "kernels", kernel_id))[0] == 404
        with pytest.raises(Exception) as refused:
            await ben.websocket("api", "kernels", kernel_id, "channels")
        assert getattr(refused.value, "code", None) == 404
    assert (await ann.get("api", "kernels", kernel["id"]))[0] == 200  # still running
    connection = await ann.websocket("api", "kernels", kernel["id"], "channels")
    connection.close()


async def test_kernel_listing_shows_each_user_their_own(make_user, own_kernels_role, admin):
    ann = make_user("ann", roles=[own_kernels_role])
    ben = make_user("ben", roles=[own_kernels_role])
    _, a_kernel = await ann.post("api", "kernels", body={"name": "python3"})
    _, b_kernel = await ben.post("api", "kernels", body={"name": "python3"})
    assert [k["id"] for k in (await ann.get("api", "kernels"))[1]] == [a_kernel["id"]]
    assert [k["id"] for k in (await ben.get("api", "kernels"))[1]] == [b_kernel["id"]]
    assert {k["id"] for k in (await admin.get("api", "kernels"))[1]} == {
        a_kernel["id"],
        b_kernel["id"],
    }


async def test_group_filter_shares_kernels_within_a_group(make_user, rbac):
    rbac.store.create_role("team-kernels", ["execute:kernels!group={group}"])
    ann = make_user("ann", roles=["team-kernels"], groups=["lab-a"])
    amy = make_user("amy", roles=["team-kernels"], groups=["lab-a"])
    zed = make_user("zed", roles=["team-kernels"], groups=["lab-b"])
    _, kernel = await ann.post("api", "kernels", body={"name": "python3"})
    status, seen = await amy.get("api", "kernels", kernel["id"])
    assert (status, seen["id"]) == (200, kernel["id"])
    assert [k["id"] for k in (await amy.get("api", "kernels"))[1]] == [kernel["id"]]
    status, error = await zed.get("api", "kernels", kernel["id"])
    assert (status, error["message"]) == (404, "No such kernel")  # another group's: as if not there
    assert (await zed.get("api", "kernels"))[1] == []


async def test_a_session_also_needs_the_kernel_it_starts(make_user, rbac, tree):
    rbac.store.create_role("sessions-only", ["write:sessions", "read:contents"])
    user = make_user("sol", roles=["sessions-only"])
    body = {
        "path": "secret.txt",
        "type": "file",
        "name": "secret.txt",
        "kernel": {"name": "python3"},
    }
    status, error = await user.post("api", "sessions", body=body)
    assert status == 403
    assert error["missing_scope"] == "execute:kernels!user=sol"  # starting a kernel runs code


async def test_a_session_cannot_attach_to_someone_elses_kernel(
    make_user, own_kernels_role, rbac, tree
):
    rbac.store.create_role("own-sessions", ["write:sessions!user={user}", "read:contents"])
    ann = make_user("ann", roles=[own_kernels_role, "own-sessions"])
    ben = make_user("ben", roles=[own_kernels_role, "own-sessions"])
    _, kernel = await ann.post("api", "kernels", body={"name": "python3"})
    body = {
        "path": "x.ipynb",
        "type": "notebook",
        "name": "x.ipynb",
        "kernel": {"id": kernel["id"]},
    }
    status, error = await ben.post("api", "sessions", body=body)
    assert (status, error["message"]) == (
        404,
        "No such kernel",
    )  # as for a kernel that is not there


async def test_session_and_terminal_listings_are_filtered(make_user, rbac, tree):
    rbac.store.create_role(
        "own-things",
        [
            "write:sessions!user={user}",
            "execute:kernels!user={user}",
            "execute:terminals!user={user}",
            "read:contents",  # a session names a notebook its user may read
        ],
    )
    ann = make_user("ann", roles=["own-things"])
    ben = make_user("ben", roles=["own-things"])
    body = {"path": "a.ipynb", "type": "notebook", "name": "a.ipynb", "kernel": {"name": "python3"}}
    status, session = await ann.post("api", "sessions", body=body)
    assert status == 201
    assert [s["id"] for s in (await ann.get("api", "sessions"))[1]] == [session["id"]]
    assert (await ben.get("api", "sessions"))[1] == []
    assert (await ben.get("api", "sessions", session["id"]))[0] == 404
    status, terminal = await ann.post("api", "terminals")
    assert status == 200
    assert [t["name"] for t in (await ann.get("api", "terminals"))[1]] == [terminal["name"]]
    assert (await ben.get("api", "terminals"))[1] == []
    assert (await ben.delete("api", "terminals", terminal["name"]))[0] == 404
    assert (await ann.delete("api", "terminals", terminal["name"]))[0] == 204


async def test_sessions_on_files_a_user_may_not_read_do_not_show(make_user, rbac, admin, tree):
    """A session names its file: someone who may read every session but not that file sees
    neither it in the listing nor it by its id (answered as an unknown id), whatever their
    sessions scope."""
    rbac.store.create_role("session-watcher", ["read:sessions", "read:contents!path=shared/**"])
    sven = make_user("sven", roles=["session-watcher"])
    sessions = {}
    for path in ("home/bob/b.ipynb", "shared/devs/d.ipynb"):
        body = {"path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}}
        status, sessions[path] = await admin.post("api", "sessions", body=body)
        assert status == 201, sessions[path]
    status, listed = await sven.get("api", "sessions")
    assert (status, [s["path"] for s in listed]) == (200, ["shared/devs/d.ipynb"])
    hidden = sessions["home/bob/b.ipynb"]["id"]
    status, error = await sven.get("api", "sessions", hidden)
    assert (status, error["message"]) == (404, "No such session")
    status, shown = await sven.get("api", "sessions", sessions["shared/devs/d.ipynb"]["id"])
    assert (status, shown["path"]) == (200, "shared/devs/d.ipynb")
    assert len((await admin.get("api", "sessions"))[1]) == 2  # the administrator sees both


async def test_a_session_whose_path_cannot_be_judged_is_hidden(
    make_user, rbac, admin, tree, jp_serverapp
):
    """An outside tester stored a non-string path (an older check let it through): the listing
    then failed open. Whatever the store holds, a path the policy cannot judge hides the session
    from all but holders of `all`."""
    rbac.store.create_role("session-watcher", ["read:sessions", "read:contents!path=shared/**"])
    sven = make_user("sven", roles=["session-watcher"])
    body = {
        "path": "home/bob/b.ipynb",
        "type": "notebook",
        "name": "b",
        "kernel": {"name": "python3"},
    }
    status, session = await admin.post("api", "sessions", body=body)
    assert status == 201, session
    await jp_serverapp.session_manager.update_session(session["id"], path=5)
    assert (await sven.get("api", "sessions")) == (200, [])
    status, error = await sven.get("api", "sessions", session["id"])
    assert (status, error["message"]) == (404, "No such session")
    assert [s["id"] for s in (await admin.get("api", "sessions"))[1]] == [session["id"]]


async def test_owners_survive_in_the_store(make_user, own_kernels_role, rbac):
    ann = make_user("ann", roles=[own_kernels_role])
    _, kernel = await ann.post("api", "kernels", body={"name": "python3"})
    assert rbac.store.owners()[("kernel", kernel["id"])] == "ann"
    assert (await ann.delete("api", "kernels", kernel["id"]))[0] == 204
    assert ("kernel", kernel["id"]) not in rbac.store.owners()


async def test_a_file_named_like_a_folder_on_the_way_stays_closed(make_user, rbac, tree):
    (tree / "plans").write_text("a file where the role expects a folder")
    rbac.store.create_role("plans-inside", ["read:contents!path=plans/2027/**"])
    user = make_user("pat", roles=["plans-inside"])
    assert refusal(await user.get("api", "contents", "plans")) == forbidden(
        "read:contents!path=plans"
    )
    for parts in (("api", "contents", "plans"), ("files", "plans"), ("view", "plans")):
        status, body = await user.get(*parts)
        assert status == 403, parts
        assert "a file where the role expects a folder" not in str(body), parts
