"""/api/rbac/users: users, their direct roles and groups, their tokens; lists at 10,000 users."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import insert

from jupyter_rbac.store.models import User

from .support.client import NOT_SIGNED_IN, Client

USERS = ("api", "rbac", "users")


async def test_an_admin_creates_changes_and_deletes_a_user(admin, rbac):
    body = {"name": "ann", "display_name": "Ann A.", "roles": ["viewer"], "groups": ["analyst"]}
    status, user = await admin.post(*USERS, body=body)
    assert status == 201
    assert (user["name"], user["display_name"], user["roles"], user["groups"]) == (
        "ann",
        "Ann A.",
        ["viewer"],
        ["analyst"],
    )
    assert admin.last_headers["Location"].endswith("/api/rbac/users/ann")

    status, user = await admin.patch(
        *USERS, "ann", body={"display_name": "Ann", "roles": ["editor"]}
    )
    assert status == 200
    assert (user["display_name"], user["roles"], user["groups"]) == ("Ann", ["editor"], ["analyst"])
    assert rbac.policy.roles_of("ann")["analyst"] == ["group:analyst"]

    assert (await admin.delete(*USERS, "ann"))[0] == 204
    assert (await admin.get(*USERS, "ann"))[0] == 404
    assert not rbac.store.user_exists("ann")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": ".hidden"}, "invalid user name"),
        ({"name": "x", "roles": ["no-such"]}, "roles: no role named 'no-such'"),
        ({"name": "x", "groups": ["no-such"]}, "groups: no group named 'no-such'"),
        ({"name": "x", "display_name": "two\nlines"}, "display_name: a single line"),
        ({"name": "x", "password": "hunter2"}, "unknown field(s) password"),
    ],
)
async def test_bad_users_are_refused_with_a_400(admin, body, message):
    status, payload = await admin.post(*USERS, body=body)
    assert status == 400 and message in payload["message"]
    assert (await admin.get(*USERS, "x"))[0] == 404


async def test_a_deleted_users_tokens_stop_working(admin, viewer):
    status, listing = await viewer.get("api", "contents")
    assert (status, listing["type"]) == (200, "directory")
    assert (await admin.delete(*USERS, "vera"))[0] == 204
    assert (await admin.get(*USERS, "vera"))[0] == 404
    assert await viewer.get("api", "contents") == NOT_SIGNED_IN


async def test_users_see_themselves_and_nobody_else(nobody, make_user):
    make_user("other")
    assert (await nobody.get(*USERS, "nora"))[0] == 200
    assert (await nobody.get(*USERS, "nora", "permissions"))[0] == 200
    # a user you may not read is "not found", whether or not it exists
    assert (await nobody.get(*USERS, "other"))[0] == 404
    assert (await nobody.get(*USERS, "ghost"))[0] == 404
    status, page = await nobody.get(*USERS)
    assert status == 200 and [u["name"] for u in page["items"]] == ["nora"] and page["total"] == 1
    status, payload = await nobody.patch(*USERS, "nora", body={"display_name": "N"})
    assert (status, payload["missing_scope"]) == (403, "write:users!user=nora")


async def test_a_group_scoped_reader_lists_only_that_groups_members(rbac, make_user):
    rbac.store.create_role("class-lead", ["read:users!group=class1"])
    lead = make_user("lead", roles=["class-lead"])
    make_user("s1", groups=["class1"])
    make_user("s2", groups=["class1"])
    make_user("outsider")
    status, page = await lead.get(*USERS)
    assert status == 200
    assert [u["name"] for u in page["items"]] == ["lead", "s1", "s2"]  # `self` adds the lead
    assert (await lead.get(*USERS, "s1"))[0] == 200
    assert (await lead.get(*USERS, "outsider"))[0] == 404


async def test_users_can_be_filtered_by_role_and_group(admin, make_user):
    make_user("a1", roles=["developer"], groups=["developer"])
    make_user("a2", roles=["developer"])
    make_user("a3", groups=["developer"])
    _, by_role = await admin.get(*USERS, params={"role": "developer"})
    assert [u["name"] for u in by_role["items"]] == ["a1", "a2", "a3"]  # a3 through `developer`
    _, everyone = await admin.get(*USERS, params={"role": "user"})
    assert everyone["total"] == 4  # admin too: everyone holds `user`
    status, payload = await admin.get(*USERS, params={"role": "ghost"})
    assert status == 400 and "role: no role named 'ghost'" in payload["message"]
    _, by_group = await admin.get(*USERS, params={"group": "developer"})
    assert [u["name"] for u in by_group["items"]] == ["a1", "a3"]
    _, searched = await admin.get(*USERS, params={"q": "A2"})
    assert [u["name"] for u in searched["items"]] == ["a2"]


async def test_ten_thousand_users_page_through(admin, rbac):
    """Every user appears exactly once across pages, in order, with the right total."""
    now = datetime.now(timezone.utc)
    rows = [
        {"name": f"u{i:05d}", "display_name": f"User {i}", "created_at": now, "updated_at": now}
        for i in range(10_000)
    ]
    with rbac.store.engine.begin() as connection:
        connection.execute(insert(User), rows)
    seen: list[str] = []
    offset = 0
    while True:
        status, page = await admin.get(
            *USERS, params={"limit": "1000", "offset": str(offset), "q": "u"}
        )
        assert status == 200
        assert page["total"] == 10_000
        if not page["items"]:
            break
        seen.extend(u["name"] for u in page["items"])
        offset += 1000
    assert seen == [f"u{i:05d}" for i in range(10_000)]
    _, newest = await admin.get(*USERS, params={"limit": "2", "sort": "-name"})
    assert [u["name"] for u in newest["items"]] == ["u09999", "u09998"]


# -- tokens -----------------------------------------------------------------------------------


async def test_a_user_manages_their_own_tokens(nobody, rbac):
    status, token = await nobody.post(
        *USERS, "nora", "tokens", body={"note": "laptop", "expires_in": 3600}
    )
    assert status == 201
    secret = token["token"]
    assert secret.startswith("rbac_") and token["prefix"] == secret[:9]
    assert token["note"] == "laptop" and token["expires_at"] is not None

    status, listed = await nobody.get(*USERS, "nora", "tokens")
    assert status == 200
    assert token["id"] in [t["id"] for t in listed["items"]]
    assert all("token" not in t for t in listed["items"])  # the secret is shown once only
    assert rbac.store.identify_token(secret).username == "nora"

    assert (await nobody.delete(*USERS, "nora", "tokens", str(token["id"])))[0] == 204
    assert rbac.store.identify_token(secret) is None
    assert (await nobody.delete(*USERS, "nora", "tokens", str(token["id"])))[0] == 404


async def test_a_token_limited_to_some_scopes_gets_only_those(admin, editor, jp_fetch, jp_ws_fetch):
    status, token = await editor.post(*USERS, "eddie", "tokens", body={"scopes": ["read:contents"]})
    assert status == 201 and token["scopes"] == ["read:contents"]
    limited = Client(jp_fetch, jp_ws_fetch, "eddie", token["token"])
    assert (await limited.get("api", "contents"))[0] == 200
    status, payload = await limited.put(
        "api", "contents", "x.txt", body={"type": "file", "format": "text", "content": ""}
    )
    assert (status, payload["missing_scope"]) == (403, "write:contents")
    # intersected with the owner's current scopes on every request
    assert (await admin.patch(*USERS, "eddie", body={"roles": []}))[0] == 200
    assert (await limited.get("api", "contents"))[0] == 403


async def test_nobody_reads_or_revokes_someone_elses_tokens(nobody, editor):
    _, token = await editor.post(*USERS, "eddie", "tokens", body={})
    # eddie is hidden from nora: his tokens are "not found", as those of a user who does not exist
    status, payload = await nobody.get(*USERS, "eddie", "tokens")
    assert (status, payload["message"]) == (404, "no user named 'eddie'")
    status, payload = await nobody.delete(*USERS, "eddie", "tokens", str(token["id"]))
    assert (status, payload["message"]) == (404, "no user named 'eddie'")
    _, listed = await editor.get(*USERS, "eddie", "tokens")
    assert token["id"] in [t["id"] for t in listed["items"]]  # not revoked
    # another user's token id under your own name is simply not found
    assert (await nobody.delete(*USERS, "nora", "tokens", str(token["id"])))[0] == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"expires_in": -5}, "expires_in: between 1 and"),
        ({"expires_in": 0.5}, "expires_in: between 1 and"),
        ({"expires_in": "soon"}, "expires_in: a number of seconds"),
        ({"scopes": ["read:nope"]}, "unknown resource 'nope'"),
        ({"secret": "mine"}, "unknown field(s) secret"),
        ({"note": 7}, "note: a string"),
    ],
)
async def test_bad_token_requests_are_400(nobody, body, message):
    status, payload = await nobody.post(*USERS, "nora", "tokens", body=body)
    assert status == 400 and message in payload["message"]


async def test_bad_token_ids_are_400_and_unknown_ones_404(nobody):
    status, error = await nobody.get(*USERS, "nora", "tokens", "abc")
    assert (status, error["message"]) == (400, "token id: 'abc' is not a token id")
    status, error = await nobody.get(*USERS, "nora", "tokens", "999999")
    assert (status, error["message"]) == (404, "no token with id 999999 for user 'nora'")


async def test_a_duplicate_user_is_409_and_a_stale_write_412(admin, make_user):
    make_user("ann")
    status, payload = await admin.post(*USERS, body={"name": "ann"})
    assert status == 409 and "already exists" in payload["message"]
    _, ann = await admin.get(*USERS, "ann")
    assert (await admin.patch(*USERS, "ann", body={"display_name": "Ann"}))[0] == 200
    status, payload = await admin.patch(
        *USERS, "ann", body={"display_name": "Anne"}, headers={"If-Match": ann["etag"]}
    )
    assert status == 412
    assert (await admin.delete(*USERS, "ann", headers={"If-Match": ann["etag"]}))[0] == 412
    _, ann = await admin.get(*USERS, "ann")
    assert ann["display_name"] == "Ann"


async def test_a_user_record_says_how_each_role_is_held(admin, make_user, rbac):
    rbac.store.create_group("team", roles=["analyst"])
    make_user("hana", roles=["viewer", "analyst"], groups=["team"])
    status, user = await admin.get(*USERS, "hana")
    assert status == 200
    assert user["held_roles"] == {
        "analyst": ["direct", "group:team"],
        "user": ["everyone"],
        "viewer": ["direct"],
    }
    status, page = await admin.get(*USERS, params={"q": "hana"})
    assert page["items"][0]["held_roles"] == user["held_roles"]


async def test_held_roles_name_only_what_the_reader_may_see(make_user, rbac):
    rbac.store.create_group("secret-team", roles=["editor"])
    make_user("hana", groups=["secret-team"])
    rbac.store.create_role("people", ["read:users"])  # neither roles nor groups
    reader = make_user("rae", roles=["people"])
    status, user = await reader.get(*USERS, "hana")
    assert status == 200 and (user["groups"], user["roles"], user["held_roles"]) == ([], [], {})


async def test_permissions_name_only_the_roles_and_groups_the_reader_may_see(make_user, rbac):
    """As a user record does (an outside attack read hidden ones through /permissions)."""
    rbac.store.create_group("secret-team", roles=["editor"])
    make_user("hana", roles=["viewer"], groups=["secret-team"])
    rbac.store.create_role("people", ["read:users", "read:roles"])  # not groups
    reader = make_user("rae", roles=["people"])
    status, held = await reader.get(*USERS, "hana", "permissions")
    assert status == 200 and held["groups"] == []
    assert {r["name"]: r["via"] for r in held["roles"]} == {
        "editor": [],  # held through a group the reader may not see: how stays unsaid
        "user": ["everyone"],
        "viewer": ["direct"],
    }
    assert "secret-team" not in str(held)
