"""One name for one thing: a user's login is `username` in every answer and request, as in
jupyter_server's identity model (`/api/me`). The 0.1 spellings (`name` for a user, `user` for a
token's owner) are still answered and accepted, deprecated, for one release."""

from __future__ import annotations

import pytest

USERS = ("api", "rbac", "users")


@pytest.mark.parametrize("field", ["username", "name"])
async def test_a_user_is_created_by_username_or_by_its_deprecated_spelling(admin, field):
    status, user = await admin.post(*USERS, body={field: "nia", "roles": ["viewer"]})
    assert status == 201 and (user["username"], user["name"]) == ("nia", "nia")
    assert admin.last_headers["Location"].endswith("/api/rbac/users/nia")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"display_name": "No One"}, "username: required"),
        ({"username": "nia", "name": "nib"}, "username and name differ"),
        ({"username": ".hidden"}, "invalid user name"),
    ],
)
async def test_a_user_without_one_clear_login_is_refused(admin, body, message):
    status, payload = await admin.post(*USERS, body=body)
    assert status == 400 and message in payload["message"]
    assert (await admin.get(*USERS, "nia"))[0] == 404


async def test_every_answer_about_a_user_names_them_username(admin, viewer):
    status, me = await viewer.get("api", "rbac", "me")
    assert status == 200 and me["username"] == "vera" == me["name"]
    status, record = await admin.get(*USERS, "vera")
    assert status == 200 and record["username"] == "vera"
    status, listed = await admin.get(*USERS, params={"q": "vera"})
    assert [u["username"] for u in listed["items"]] == ["vera"]
    status, held = await admin.get(*USERS, "vera", "permissions")
    assert status == 200 and held["username"] == "vera"
    status, made = await admin.post(*USERS, "vera", "tokens", body={"note": "n"})
    assert status == 201 and (made["username"], made["user"]) == ("vera", "vera")
    status, tokens = await admin.get(*USERS, "vera", "tokens")
    assert {t["username"] for t in tokens["items"]} == {"vera"}


async def test_users_sort_by_username_as_by_name(admin):
    for login in ("zed", "amy"):
        assert (await admin.post(*USERS, body={"username": login}))[0] == 201
    for key in ("username", "-username"):
        status, by_username = await admin.get(*USERS, params={"sort": key})
        status, by_name = await admin.get(*USERS, params={"sort": key.replace("username", "name")})
        assert status == 200
        logins = [u["username"] for u in by_username["items"]]
        assert logins == [u["name"] for u in by_name["items"]]
        assert logins == sorted(logins, reverse=key.startswith("-"))
