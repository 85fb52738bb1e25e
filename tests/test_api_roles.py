"""/api/rbac/roles: create, read, replace, change and delete roles, with every error answer."""

from __future__ import annotations

import pytest

from .support.client import forbidden, refusal

ROLES = ("api", "rbac", "roles")
TEXT = {"type": "file", "format": "text", "content": "x"}


async def test_an_admin_creates_reads_changes_and_deletes_a_role(admin, rbac):
    role = {"name": "dev", "description": "Developers", "scopes": ["write:contents!path=dev/**"]}
    status, created = await admin.post(*ROLES, body=role)
    assert status == 201
    assert admin.last_headers["Location"].endswith("/api/rbac/roles/dev")
    assert admin.last_headers["ETag"] == created["etag"]
    assert created["scopes"] == ["write:contents!path=dev/**"]
    assert created["editable"] and created["deletable"] and not created["builtin"]

    status, read = await admin.get(*ROLES, "dev")
    assert status == 200 and read == created

    status, patched = await admin.patch(*ROLES, "dev", body={"scopes": ["read:contents"]})
    assert status == 200
    assert patched["scopes"] == ["read:contents"] and patched["description"] == "Developers"
    assert patched["etag"] != created["etag"] and patched["revision"] == created["revision"] + 1

    status, replaced = await admin.put(*ROLES, "dev", body={"scopes": ["read:kernels"]})
    assert status == 200
    assert replaced["scopes"] == ["read:kernels"] and replaced["description"] == ""

    assert (await admin.delete(*ROLES, "dev"))[0] == 204
    assert (await admin.get(*ROLES, "dev"))[0] == 404
    assert "dev" not in {r.name for r in rbac.store.list_roles()}


async def test_users_and_groups_of_a_role_are_complete_lists(admin, make_user):
    make_user("ann")
    make_user("ben")
    await admin.post(*ROLES, body={"name": "team", "scopes": ["read:contents"], "users": ["ann"]})
    status, role = await admin.patch(*ROLES, "team", body={"users": ["ben"], "groups": ["analyst"]})
    assert status == 200
    assert role["users"] == ["ben"] and role["groups"] == ["analyst"]
    status, user = await admin.get("api", "rbac", "users", "ann")
    assert "team" not in user["roles"]


async def test_a_role_given_through_the_api_applies_on_the_next_request(admin, viewer):
    assert refusal(await viewer.put("api", "contents", "x.txt", body=TEXT)) == forbidden(
        "write:contents"
    )
    status, role = await admin.post(
        *ROLES, body={"name": "writer", "scopes": ["write:contents"], "users": ["vera"]}
    )
    assert (status, role["users"]) == (201, ["vera"])
    assert (await viewer.put("api", "contents", "x.txt", body=TEXT))[0] == 201
    assert (await viewer.get("api", "contents", "x.txt"))[1]["content"] == "x"
    status, role = await admin.patch(*ROLES, "writer", body={"users": []})
    assert (status, role["users"]) == (200, [])
    assert refusal(await viewer.put("api", "contents", "x.txt", body=TEXT)) == forbidden(
        "write:contents"
    )


async def test_lists_are_paginated_sorted_and_searchable(admin):
    for index in range(12):
        assert (await admin.post(*ROLES, body={"name": f"r{index:02d}", "scopes": []}))[0] == 201
    status, page = await admin.get(
        *ROLES, params={"q": "r0", "limit": "4", "offset": "2", "sort": "-name"}
    )
    assert status == 200
    assert page["total"] == 10
    assert [r["name"] for r in page["items"]] == ["r07", "r06", "r05", "r04"]
    assert (page["limit"], page["offset"]) == (4, 2)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "bad name", "scopes": []}, "invalid role name"),
        ({"name": "x", "scopes": ["read:nope"]}, "unknown resource 'nope'"),
        ({"name": "x", "scopes": "read:contents"}, "scopes must be a list"),
        ({"name": "x", "scopes": [], "colour": "red"}, "unknown field(s) colour"),
        ({"scopes": []}, "missing field(s) name"),
        ({"name": "x", "scopes": [], "users": ["ghost"]}, "users: no user named 'ghost'"),
        ({"name": "x", "scopes": [], "groups": "analyst"}, "groups: a list of names"),
        ({"name": "x", "scopes": [], "description": 5}, "description: a string"),
        ({"name": "x", "scopes": ["write:contents!path=../etc"]}, "may not contain '..'"),
        ({"name": "x", "scopes": [], "description": None}, "description: null is not a value"),
    ],
)
async def test_bad_input_is_a_400_naming_the_problem(admin, body, message):
    status, payload = await admin.post(*ROLES, body=body)
    assert status == 400
    assert message in payload["message"]
    assert (await admin.get(*ROLES, "x"))[0] == 404  # nothing was created


async def test_a_body_that_is_not_json_is_a_400(admin):
    status, payload = await admin.post(*ROLES, body="{not json")
    assert status == 400 and "not valid JSON" in payload["message"]
    status, payload = await admin.post(*ROLES, body="[1, 2]")
    assert status == 400 and "JSON object" in payload["message"]


async def test_paging_arguments_are_checked(admin):
    for params, message in [
        ({"limit": "0"}, "limit: must be between 1 and 1000"),
        ({"limit": "many"}, "limit: 'many' is not an integer"),
        ({"offset": "-1"}, "offset: must be between 0 and"),
        ({"sort": "colour"}, "sort: cannot sort roles by 'colour'"),
        ({"sort": "--name"}, "sort: cannot sort roles by '--name'"),
        ({"offset": str(2**64)}, "offset: must be between 0 and"),
    ]:
        status, payload = await admin.get(*ROLES, params=params)
        assert status == 400 and message in payload["message"], params


async def test_reading_needs_read_roles_and_writing_write_roles(rbac, viewer, make_user):
    status, payload = await viewer.get(*ROLES)
    assert (status, payload["missing_scope"]) == (403, "read:roles")
    rbac.store.create_role("role-reader", ["read:roles"])
    reader = make_user("rob", roles=["role-reader"])
    assert (await reader.get(*ROLES))[0] == 200
    status, payload = await reader.post(*ROLES, body={"name": "x", "scopes": []})
    assert (status, payload["missing_scope"]) == (403, "write:roles")
    status, payload = await reader.delete(*ROLES, "viewer")
    assert (status, payload["missing_scope"]) == (403, "write:roles")


async def test_default_roles_cannot_be_deleted_and_admin_cannot_be_edited(admin):
    status, payload = await admin.delete(*ROLES, "viewer")
    assert status == 409 and "default role 'viewer' cannot be deleted" in payload["message"]
    status, payload = await admin.patch(*ROLES, "admin", body={"scopes": ["read:contents"]})
    assert status == 409 and "cannot be edited" in payload["message"]
    status, payload = await admin.patch(*ROLES, "admin", body={"description": "mine"})
    assert status == 409
    status, role = await admin.get(*ROLES, "admin")
    assert role["scopes"] == ["all"] and not role["editable"] and not role["deletable"]
    # default roles other than admin are editable
    status, role = await admin.patch(*ROLES, "viewer", body={"description": "Readers"})
    assert status == 200 and role["description"] == "Readers"


async def test_a_duplicate_name_is_a_409(admin):
    assert (await admin.post(*ROLES, body={"name": "dup", "scopes": []}))[0] == 201
    status, payload = await admin.post(*ROLES, body={"name": "dup", "scopes": []})
    assert status == 409 and "already exists" in payload["message"]


async def test_renaming_through_put_is_refused(admin):
    await admin.post(*ROLES, body={"name": "a", "scopes": []})
    status, payload = await admin.put(*ROLES, "a", body={"name": "b", "scopes": []})
    assert status == 400 and "cannot be renamed" in payload["message"]


async def test_unknown_roles_are_404(admin):
    for method in (admin.get, admin.patch, admin.delete):
        status, payload = await method(*ROLES, "ghost")
        assert status == 404 and "no role named 'ghost'" in payload["message"]


async def test_a_stale_if_match_is_a_412_and_changes_nothing(admin):
    _, role = await admin.post(*ROLES, body={"name": "shared", "scopes": ["read:contents"]})
    stale = role["etag"]
    # admin A saves first
    status, _ = await admin.patch(
        *ROLES, "shared", body={"scopes": ["read:kernels"]}, headers={"If-Match": stale}
    )
    assert status == 200
    # admin B, who read the same version, is told instead of silently overwriting A
    status, payload = await admin.patch(
        *ROLES, "shared", body={"scopes": ["read:terminals"]}, headers={"If-Match": stale}
    )
    assert status == 412 and "changed by someone else" in payload["message"]
    status, payload = await admin.delete(*ROLES, "shared", headers={"If-Match": stale})
    assert status == 412
    _, current = await admin.get(*ROLES, "shared")
    assert current["scopes"] == ["read:kernels"]
    # If-Match compares strongly: a weak form of the current tag does not match
    status, _ = await admin.patch(
        *ROLES, "shared", body={}, headers={"If-Match": "W/" + current["etag"]}
    )
    assert status == 412
    # with the current ETag (or *), the write goes through
    assert (await admin.patch(*ROLES, "shared", body={}, headers={"If-Match": current["etag"]}))[
        0
    ] == 200
    assert (await admin.delete(*ROLES, "shared", headers={"If-Match": "*"}))[0] == 204


async def test_a_matching_if_none_match_is_a_304(admin):
    _, role = await admin.get(*ROLES, "viewer")
    status, body = await admin.get(*ROLES, "viewer", headers={"If-None-Match": role["etag"]})
    assert (status, body) == (304, None)  # no body: the browser shows the copy it has
    assert role["etag"] in admin.last_headers["ETag"]


async def test_the_etag_moves_when_a_holder_is_added_elsewhere(admin, make_user):
    """A role's representation includes its users: giving it from the user side changes it too."""
    make_user("ann")
    _, before = await admin.get(*ROLES, "editor")
    assert (await admin.patch("api", "rbac", "users", "ann", body={"roles": ["editor"]}))[0] == 200
    _, after = await admin.get(*ROLES, "editor")
    assert "ann" in after["users"] and after["etag"] != before["etag"]
