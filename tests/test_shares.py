"""Sharing a folder or file: a role given on a path, through a real server. What a share grants,
who may make one (no escalation), and that removing or expiring it stops it at the next request."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from .support.client import refusal

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

NOTEBOOK = {
    "type": "notebook",
    "format": "json",
    "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
}


@pytest.fixture
def folders(jp_root_dir):
    for folder in ("projects/x/deep", "projects/y", "home/rita", "home/bob"):
        (jp_root_dir / folder).mkdir(parents=True)
    (jp_root_dir / "projects/x/notes.txt").write_text("x")
    (jp_root_dir / "projects/y/notes.txt").write_text("y")
    (jp_root_dir / "home/rita/plan.txt").write_text("plan")
    (jp_root_dir / "projects/link").symlink_to(jp_root_dir / "projects/y")
    return jp_root_dir


async def share(who, **body):
    return await who.post("api", "rbac", "shares", body=body)


async def save(who, path: str, text: str = "saved"):
    status, _ = await who.put(
        "api",
        "contents",
        *path.split("/"),
        body={"type": "file", "format": "text", "content": text},
    )
    return status


async def read(who, path: str):
    status, _ = await who.get("api", "contents", *path.split("/"))
    return status


async def test_an_editor_share_lets_them_save_there_and_nowhere_else(admin, make_user, folders):
    bob = make_user("bob")
    assert await save(bob, "projects/x/notes.txt") == 403
    status, made = await share(admin, path="projects/x", user="bob", role="editor")
    assert status == 201, made
    assert made["type"] == "directory" and made["shared_by"] == "admin" and made["user"] == "bob"
    assert await save(bob, "projects/x/notes.txt") == 200
    assert await save(bob, "projects/x/deep/new.txt") == 201
    assert await read(bob, "projects/x") == 200
    assert await save(bob, "projects/y/notes.txt") == 403
    assert await read(bob, "projects/y/notes.txt") == 403
    # the way there is listed, not what lies beside it
    status, root = await bob.get("api", "contents", "projects")
    assert status == 200
    assert [item["name"] for item in root["content"]] == ["x"]


async def test_a_viewer_share_lets_them_read_not_save(admin, make_user, folders):
    bob = make_user("bob")
    await share(admin, path="projects/x", user="bob", role="viewer")
    assert await read(bob, "projects/x/notes.txt") == 200
    assert await save(bob, "projects/x/notes.txt") == 403


async def test_a_file_share_grants_that_file_alone(admin, make_user, folders):
    bob = make_user("bob")
    status, made = await share(admin, path="projects/x/notes.txt", user="bob", role="editor")
    assert status == 201 and made["type"] == "file"
    assert await save(bob, "projects/x/notes.txt") == 200
    assert await save(bob, "projects/x/other.txt") == 403
    assert await read(bob, "projects/x/deep") == 403


async def test_a_share_with_a_group_reaches_its_members(admin, make_user, folders):
    bob = make_user("bob", groups=["class"])
    carl = make_user("carl")
    status, _ = await share(admin, path="projects/x", group="class", role="editor")
    assert status == 201
    assert await save(bob, "projects/x/notes.txt") == 200
    assert await save(carl, "projects/x/notes.txt") == 403


async def test_a_runner_shares_their_own_home_with_a_colleague(make_user, folders):
    rita = make_user("rita", roles=["runner"])
    bob = make_user("bob")
    status, made = await share(rita, path="home/rita", user="bob", role="editor")
    assert status == 201, made
    assert await save(bob, "home/rita/plan.txt") == 200
    # a runner reads everything but writes only in their own folders: no share of anything else
    status, body = await share(rita, path="projects/x", user="bob", role="viewer")
    assert refusal((status, body))[:2] == (403, "write:shares!path=projects/x")


async def test_nobody_shares_what_they_cannot_write_nor_more_than_they_hold(
    admin, make_user, folders
):
    await admin.post(
        "api",
        "rbac",
        "roles",
        body={
            "name": "sharer",
            "scopes": ["write:shares", "read:contents", "write:contents!path=projects/x/**"],
        },
    )
    sam = make_user("sam", roles=["sharer"])
    make_user("bob")
    # cannot write projects/y: may not share it, even as a viewer
    status, body = await share(sam, path="projects/y", user="bob", role="viewer")
    assert refusal((status, body))[:2] == (403, "write:contents!path=projects/y/**")
    # holds contents there, not sessions nor nbconvert: the editor role is above them
    status, body = await share(sam, path="projects/x", user="bob", role="editor")
    assert status == 403 and body["missing_scope"] == "read:nbconvert!path=projects/x/**"
    await admin.post("api", "rbac", "roles", body={"name": "filer", "scopes": ["write:contents"]})
    status, made = await share(sam, path="projects/x", user="bob", role="filer")
    assert status == 201, made
    rows = await admin.get("api", "rbac", "audit", params={"kind": "share"})
    assert [row["action"] for row in rows[1]["items"]] == ["share.create"]


async def test_removing_a_share_stops_it_at_the_next_request(admin, make_user, folders):
    bob = make_user("bob")
    _, made = await share(admin, path="projects/x", user="bob", role="editor")
    assert await save(bob, "projects/x/notes.txt") == 200
    status, _ = await admin.delete("api", "rbac", "shares", str(made["id"]))
    assert status == 204
    assert await save(bob, "projects/x/notes.txt") == 403
    assert await read(bob, "projects/x/notes.txt") == 403


async def test_changing_a_share_to_viewer_refuses_the_next_save(admin, make_user, folders):
    bob = make_user("bob")
    _, made = await share(admin, path="projects/x", user="bob", role="editor")
    assert await save(bob, "projects/x/notes.txt") == 200
    status, changed = await admin.patch(
        "api", "rbac", "shares", str(made["id"]), body={"role": "viewer"}
    )
    assert status == 200 and changed["role"] == "viewer"
    assert await save(bob, "projects/x/notes.txt") == 403
    assert await read(bob, "projects/x/notes.txt") == 200


async def test_an_expired_share_stops_without_anyone_changing_the_policy(
    admin, make_user, folders, rbac
):
    bob = make_user("bob")
    soon = (datetime.now(timezone.utc) + timedelta(seconds=1.5)).isoformat()
    status, made = await share(admin, path="projects/x", user="bob", role="editor", expires_at=soon)
    assert status == 201, made
    assert await save(bob, "projects/x/notes.txt") == 200
    version = rbac.policy.version
    await asyncio.sleep(1.6)
    assert await save(bob, "projects/x/notes.txt") == 403
    assert rbac.policy.version == version  # nothing was written: the expiry alone
    _, listed = await admin.get("api", "rbac", "shares", params={"path": "projects/x"})
    assert [item["expired"] for item in listed["items"]] == [True]


async def test_permissions_and_check_say_where_a_share_comes_from(admin, make_user, folders):
    make_user("bob")
    _, made = await share(admin, path="projects/x", user="bob", role="editor")
    status, permissions = await admin.get("api", "rbac", "users", "bob", "permissions")
    assert status == 200
    assert "write:contents!path=projects/x/**" in permissions["effective"]
    assert [s["id"] for s in permissions["shares"]] == [made["id"]]
    from_share = [g for g in permissions["scopes"] if g["via"] == [f"share:{made['id']}"]]
    assert {g["scope"] for g in from_share} >= {
        "write:contents!path=projects/x/**",
        "write:sessions!path=projects/x/**",
        "read:nbconvert!path=projects/x/**",
    }
    assert all(g["share"]["shared_by"] == "admin" for g in from_share)
    # the role's other scopes are not shared, nor what no path narrows (converting a posted notebook)
    assert not any(
        g["scope"].startswith(("execute:kernels", "write:config", "write:nbconvert"))
        for g in from_share
    )
    status, decision = await admin.post(
        "api",
        "rbac",
        "check",
        body={"user": "bob", "action": "write", "resource": "contents", "path": "projects/x/a"},
    )
    assert status == 200 and decision["allowed"] is True
    assert decision["granted_by"]["share"]["path"] == "projects/x"
    assert decision["granted_by"]["role"] == "editor"


async def test_bad_shares_are_400s_that_name_the_problem(admin, make_user, folders):
    make_user("bob")
    for body, words in [
        ({"path": "projects/x", "role": "editor"}, "either user or group"),
        ({"path": "projects/x", "role": "editor", "user": "bob", "group": "g"}, "either"),
        ({"path": "projects/none", "role": "editor", "user": "bob"}, "no folder or file"),
        ({"path": "projects/x", "role": "nope", "user": "bob"}, "role: no role named"),
        ({"path": "projects/x", "role": "editor", "user": "ghost"}, "user: no user named"),
        ({"path": "../etc", "role": "editor", "user": "bob"}, "leaves the server root"),
        ({"path": "projects/x", "role": "editor", "user": "bob", "expires_at": "soon"}, "ISO"),
        (
            {"path": "projects/x", "role": "editor", "user": "bob", "expires_at": "2020-01-01Z"},
            "expires_at",
        ),
        ({"path": "a*b", "role": "editor", "user": "bob"}, "'*'"),
        # a time UTC cannot say (it was a 500; found by the outside tester)
        (
            {
                "path": "projects/x",
                "role": "editor",
                "user": "bob",
                "expires_at": "0001-01-01T00:00:00+14:00",
            },
            "expires_at",
        ),
        ({"path": "projects/link", "role": "editor", "user": "bob"}, "symbolic link"),
        ({"path": "projects/link/notes.txt", "role": "editor", "user": "bob"}, "symbolic link"),
        # one spelling of a time (Python reads control characters and week dates too)
        *(
            ({"path": "projects/x", "role": "editor", "user": "bob", "expires_at": when}, "ISO")
            for when in (
                "2030-01-01T00:00:00\u0000Z",
                "2030-01-01T00:00:00+00:00:00.5",
                "2030-W01-1T00:00:00Z",
                "20300101T000000Z",
            )
        ),
        ({"path": "projects/x", "role": "editor", "user": "admin"}, "yourself"),
    ]:
        status, answer = await share(admin, **body)
        assert status == 400, (body, answer)
        assert words in answer["message"], (body, answer)
    await share(admin, path="projects/x", role="viewer", user="bob")
    status, answer = await share(admin, path="projects/x", role="editor", user="bob")
    assert status == 409 and "already has a share" in answer["message"]
    status, _ = await admin.get("api", "rbac", "shares", "nope")
    assert status == 404


async def test_who_sees_and_removes_a_share(admin, make_user, folders):
    rita = make_user("rita", roles=["runner"])
    bob = make_user("bob")
    carl = make_user("carl", roles=["viewer"])
    _, made = await share(rita, path="home/rita", user="bob", role="viewer")
    share_id = str(made["id"])
    for who in (rita, bob, admin):
        status, listed = await who.get("api", "rbac", "shares")
        assert status == 200 and [s["id"] for s in listed["items"]] == [made["id"]], who.name
    status, listed = await carl.get("api", "rbac", "shares")
    assert status == 200 and listed["items"] == []
    assert (await carl.get("api", "rbac", "shares", share_id))[0] == 404
    assert (await carl.delete("api", "rbac", "shares", share_id))[0] == 404
    # the recipient may leave it, though they may not share
    status, _ = await bob.patch("api", "rbac", "shares", share_id, body={"role": "editor"})
    assert status == 403
    assert (await bob.delete("api", "rbac", "shares", share_id))[0] == 204
    assert await read(bob, "home/rita/plan.txt") == 403


async def test_deleting_the_user_or_role_removes_their_shares(admin, make_user, folders, rbac):
    make_user("bob")
    await admin.post("api", "rbac", "roles", body={"name": "filer", "scopes": ["write:contents"]})
    await share(admin, path="projects/x", user="bob", role="viewer")
    make_user("dan")
    await share(admin, path="projects/y", user="dan", role="filer")
    assert (await admin.delete("api", "rbac", "users", "bob"))[0] == 204
    assert (await admin.delete("api", "rbac", "roles", "filer"))[0] == 204
    _, listed = await admin.get("api", "rbac", "shares")
    assert listed["items"] == []


async def test_who_has_access_names_the_role_or_the_share_and_who_made_it(
    admin, make_user, folders
):
    rita = make_user("rita", roles=["runner"])
    make_user("bob")
    make_user("vera", roles=["viewer"])
    _, made = await share(rita, path="home/rita", user="bob", role="editor")
    status, access = await rita.get("api", "rbac", "shares", "access", params={"path": "home/rita"})
    assert status == 200, access
    assert access["type"] == "directory" and [s["id"] for s in access["shares"]] == [made["id"]]
    named = {person["username"]: person for person in access["people"]}
    # rita reads only herself: the others with access are counted, not named
    assert set(named) == {"rita"} and access["others"] == 3  # admin, bob, vera
    assert named["rita"]["access"] == "edit" and named["rita"]["granted_by"]["role"] == "runner"
    status, access = await admin.get(
        "api", "rbac", "shares", "access", params={"path": "home/rita"}
    )
    named = {person["username"]: person for person in access["people"]}
    assert access["others"] == 0 and {"admin", "rita", "bob", "vera"} <= set(named)
    assert named["bob"]["access"] == "edit"
    assert named["bob"]["granted_by"]["share"]["shared_by"] == "rita"
    assert named["vera"]["access"] == "view" and named["vera"]["granted_by"]["role"] == "viewer"
    # seeing who has access is `read:shares` on the place
    status, body = await rita.get("api", "rbac", "shares", "access", params={"path": "projects"})
    assert refusal((status, body))[:2] == (403, "read:shares!path=projects")


async def test_whoever_may_share_finds_people_and_groups_by_name(make_user, folders):
    rita = make_user("rita", roles=["runner"])
    make_user("bob", groups=["bakers"])
    viewer = make_user("vera", roles=["viewer"])
    status, found = await rita.get("api", "rbac", "shares", "recipients", params={"q": "b"})
    assert status == 200
    assert [u["username"] for u in found["users"]] == ["bob"]
    assert [g["name"] for g in found["groups"]] == ["bakers"]
    status, body = await viewer.get("api", "rbac", "shares", "recipients", params={"q": "b"})
    assert refusal((status, body))[:2] == (403, "write:shares")


async def test_folder_listings_say_what_the_user_may_share(admin, make_user, folders):
    rita = make_user("rita", roles=["runner"])
    viewer = make_user("vera", roles=["viewer"])
    status, home = await rita.get("api", "contents", "home")
    assert status == 200
    shareable = {entry["name"]: entry["rbac_shareable"] for entry in home["content"]}
    assert shareable == {"rita": True, "bob": False}
    (folders / "home/rita/elsewhere").symlink_to(folders / "projects")
    _, own = await rita.get("api", "contents", "home", "rita")
    assert own["rbac_shareable"] is True
    shareable = {entry["name"]: entry["rbac_shareable"] for entry in own["content"]}
    assert shareable == {"plan.txt": True, "elsewhere": False}  # a link is never shared
    # nor anything reached through one (the outside tester's second round)
    _, beyond = await rita.get("api", "contents", "home", "rita", "elsewhere")
    assert beyond["rbac_shareable"] is False
    assert all(entry["rbac_shareable"] is False for entry in beyond["content"])
    # who may share nowhere is told nothing of it; who may share everything, once, by /me
    _, seen = await viewer.get("api", "contents", "home")
    assert all("rbac_shareable" not in entry for entry in seen["content"])
    assert (await viewer.get("api", "rbac", "me"))[1]["share_everywhere"] is False
    assert (await admin.get("api", "rbac", "me"))[1]["share_everywhere"] is True
    _, everything = await admin.get("api", "contents", "home")
    assert all("rbac_shareable" not in entry for entry in everything["content"])
    # an editor writes everywhere and shares their own home only: the listing says where
    eddie = make_user("eddie", roles=["editor"])
    (folders / "home" / "eddie").mkdir()
    _, home = await eddie.get("api", "contents", "home")
    shareable = {entry["name"]: entry["rbac_shareable"] for entry in home["content"]}
    assert shareable == {"rita": False, "bob": False, "eddie": True}


async def test_export_and_import_keep_shares(admin, make_user, folders, rbac):
    from jupyter_rbac.services.policy_document import export_policy, import_policy

    make_user("bob", groups=["class"])
    soon = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)
    await share(admin, path="projects/x", user="bob", role="editor", expires_at=soon.isoformat())
    await share(admin, path="projects/y/notes.txt", group="class", role="viewer")
    document = export_policy(rbac.store)
    assert document["shares"] == [
        {
            "path": "projects/x",
            "type": "directory",
            "role": "editor",
            "user": "bob",
            "shared_by": "admin",
            "expires_at": soon.isoformat(),
        },
        {
            "path": "projects/y/notes.txt",
            "type": "file",
            "role": "viewer",
            "group": "class",
            "shared_by": "admin",
            "expires_at": None,
        },
    ]
    for listed in (await admin.get("api", "rbac", "shares"))[1]["items"]:
        await admin.delete("api", "rbac", "shares", str(listed["id"]))
    bob = make_user("bob2")  # a request under the policy without the shares
    assert await read(bob, "projects/x") == 403
    plan = import_policy(rbac.store, document, "admin")
    assert sorted(plan.shares.added) == [
        "projects/x -> user:bob",
        "projects/y/notes.txt -> group:class",
    ]
    assert export_policy(rbac.store)["shares"] == document["shares"]
    _, listed = await admin.get("api", "rbac", "shares")
    assert {(s["path"], s["role"]) for s in listed["items"]} == {
        ("projects/x", "editor"),
        ("projects/y/notes.txt", "viewer"),
    }


async def test_one_person_makes_a_bounded_number_of_shares(make_user, folders, rbac, monkeypatch):
    from jupyter_rbac.services import shares as share_rules

    monkeypatch.setattr(share_rules, "MAX_SHARES_PER_MAKER", 2)
    rita = make_user("rita", roles=["runner"])
    for name in ("bob", "carl", "dan"):
        make_user(name)
    assert (await share(rita, path="home/rita", user="bob", role="viewer"))[0] == 201
    assert (await share(rita, path="home/rita", user="carl", role="viewer"))[0] == 201
    status, body = await share(rita, path="home/rita", user="dan", role="viewer")
    assert status == 409 and "the most one person may" in body["message"]
