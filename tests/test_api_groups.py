"""/api/rbac/groups: groups, their members and their roles."""

from __future__ import annotations

import pytest

from .support.client import forbidden, refusal

GROUPS = ("api", "rbac", "groups")
TEXT = {"type": "file", "format": "text", "content": "x"}


async def test_an_admin_creates_changes_and_deletes_a_group(admin, make_user, rbac):
    make_user("ann")
    make_user("ben")
    body = {
        "name": "physics",
        "description": "Physics class",
        "members": ["ann"],
        "roles": ["viewer"],
    }
    status, group = await admin.post(*GROUPS, body=body)
    assert status == 201
    assert (group["members"], group["roles"], group["description"]) == (
        ["ann"],
        ["viewer"],
        "Physics class",
    )
    rbac.policy.refresh()  # as the next request would
    assert rbac.policy.roles_of("ann")["viewer"] == ["group:physics"]

    status, group = await admin.patch(
        *GROUPS, "physics", body={"members": ["ann", "ben"], "roles": ["runner"]}
    )
    assert status == 200
    assert (group["members"], group["roles"]) == (["ann", "ben"], ["runner"])

    assert (await admin.delete(*GROUPS, "physics"))[0] == 204
    assert (await admin.get(*GROUPS, "physics"))[0] == 404
    rbac.policy.refresh()
    assert "physics" not in rbac.policy.groups_of("ann")


async def test_group_membership_applies_on_the_next_request(admin, nobody):
    assert refusal(await nobody.get("api", "contents")) == forbidden("read:contents")
    status, group = await admin.patch(*GROUPS, "analyst", body={"members": ["nora"]})
    assert (status, group["members"]) == (200, ["nora"])
    status, listing = await nobody.get("api", "contents")
    assert (status, listing["type"]) == (200, "directory")
    # the analyst role writes to home/{user}/** and shared/{group}/**: not to shared/ itself
    answer = await nobody.put("api", "contents", "shared", body={"type": "directory"})
    assert refusal(answer) == forbidden("write:contents!path=shared")
    status, group = await admin.patch(*GROUPS, "analyst", body={"members": []})
    assert (status, group["members"]) == (200, [])
    assert refusal(await nobody.get("api", "contents")) == forbidden("read:contents")


async def test_groups_list_and_search(admin):
    _, page = await admin.get(*GROUPS, params={"q": "dev"})
    assert [g["name"] for g in page["items"]] == ["developer"] and page["total"] == 1
    _, page = await admin.get(*GROUPS, params={"sort": "-name"})
    assert [g["name"] for g in page["items"]] == ["developer", "analyst", "admin"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "a b"}, "invalid group name"),
        ({"name": "g", "members": ["ghost"]}, "members: no user named 'ghost'"),
        ({"name": "g", "roles": ["ghost"]}, "roles: no role named 'ghost'"),
        ({"name": "g", "owner": "me"}, "unknown field(s) owner"),
    ],
)
async def test_bad_groups_are_400(admin, body, message):
    status, payload = await admin.post(*GROUPS, body=body)
    assert status == 400 and message in payload["message"]
    assert (await admin.get(*GROUPS, "g"))[0] == 404


async def test_a_duplicate_group_is_409_and_an_unknown_one_404(admin):
    status, payload = await admin.post(*GROUPS, body={"name": "analyst"})
    assert status == 409 and "already exists" in payload["message"]
    assert (await admin.patch(*GROUPS, "ghost", body={}))[0] == 404


async def test_a_stale_group_write_is_412(admin):
    _, group = await admin.get(*GROUPS, "analyst")
    assert (await admin.patch(*GROUPS, "analyst", body={"description": "A"}))[0] == 200
    status, _ = await admin.patch(
        *GROUPS, "analyst", body={"description": "B"}, headers={"If-Match": group["etag"]}
    )
    assert status == 412
    _, group = await admin.get(*GROUPS, "analyst")
    assert group["description"] == "A"


async def test_group_admins_manage_only_their_group(rbac, make_user):
    rbac.store.create_role(
        "physics-lead", ["read:groups!group=physics", "write:groups!group=physics"]
    )
    rbac.store.create_group("physics")
    rbac.store.create_group("chemistry")
    lead = make_user("lead", roles=["physics-lead"])
    make_user("student")
    # moving someone into a group needs write access to them, as they are before the move
    status, payload = await lead.patch(*GROUPS, "physics", body={"members": ["student"]})
    assert (status, payload["missing_scope"]) == (403, "write:users!user=student")
    scopes = rbac.store.get_role("physics-lead").scopes
    rbac.store.update_role("physics-lead", scopes=[*scopes, "write:users!user=student"])
    assert (await lead.patch(*GROUPS, "physics", body={"members": ["student"]}))[0] == 200
    _, page = await lead.get(*GROUPS)
    assert [g["name"] for g in page["items"]] == ["physics"]
    # a group you may not read is "not found", as one that does not exist; a write names the
    # scope it needs, whether or not the group exists
    assert (await lead.get(*GROUPS, "chemistry"))[0] == 404
    for name in ("chemistry", "no-such-group"):
        status, payload = await lead.patch(*GROUPS, name, body={"members": ["student"]})
        assert (status, payload["missing_scope"]) == (403, f"write:groups!group={name}")
    # a group you may read but not change is a 403 naming the scope
    rbac.store.update_role("physics-lead", scopes=["read:groups", "write:groups!group=physics"])
    status, payload = await lead.patch(*GROUPS, "chemistry", body={"members": ["student"]})
    assert (status, payload["missing_scope"]) == (403, "write:groups!group=chemistry")
    # a group's roles are role assignments: they need write:roles
    status, payload = await lead.patch(*GROUPS, "physics", body={"roles": ["viewer"]})
    assert (status, payload["missing_scope"]) == (403, "write:roles")
