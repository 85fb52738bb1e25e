"""Effective permissions with provenance, and "may U do A on R, and why?"."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

CHECK = ("api", "rbac", "check")


@pytest.fixture
def ann(rbac, make_user):
    rbac.store.create_role("dev-folder", ["write:contents!path=shared/{group}/**"])
    rbac.store.create_group("developers")
    rbac.store.assign_role("dev-folder", groups=["developers"])
    return make_user("ann", roles=["viewer"], groups=["developers"])


async def test_permissions_say_where_each_scope_comes_from(admin, ann):
    status, perms = await admin.get("api", "rbac", "users", "ann", "permissions")
    assert status == 200
    assert perms["groups"] == ["developers"]
    assert {r["name"]: r["via"] for r in perms["roles"]} == {
        "dev-folder": ["group:developers"],
        "user": ["everyone"],
        "viewer": ["direct"],
    }
    assert {
        "scope": "write:contents!path=shared/{group}/**",
        "role": "dev-folder",
        "via": ["group:developers"],
    } in perms["scopes"]
    assert {"scope": "self", "role": "user", "via": ["everyone"]} in perms["scopes"]
    # effective scopes are concrete: templates filled in, `self` expanded
    assert "write:contents!path=shared/developers/**" in perms["effective"]
    assert "tokens!user=ann" in perms["effective"]


async def test_check_answers_with_the_deciding_role_scope_and_group(admin, ann):
    body = {
        "user": "ann",
        "action": "write",
        "resource": "contents",
        "path": "shared/developers/x.py",
    }
    status, answer = await admin.post(*CHECK, body=body)
    assert status == 200
    assert answer == {
        "allowed": True,
        "granted_by": {
            "scope": "write:contents!path=shared/{group}/**",
            "role": "dev-folder",
            "via": ["group:developers"],
        },
        "missing_scope": None,
    }
    status, answer = await admin.post(*CHECK, body={**body, "path": "shared/other/x.py"})
    assert answer == {
        "allowed": False,
        "granted_by": None,
        "missing_scope": "write:contents!path=shared/other/x.py",
    }
    status, answer = await admin.post(
        *CHECK, body={"user": "ann", "action": "read", "resource": "kernels"}
    )
    assert answer["allowed"] and answer["granted_by"]["role"] == "viewer"
    status, answer = await admin.post(
        *CHECK, body={"user": "ann", "action": "execute", "resource": "kernels"}
    )
    assert answer["missing_scope"] == "execute:kernels"


async def test_check_agrees_with_what_requests_get(admin, ann, jp_root_dir):
    """The answer is the enforcement's: the same permissions decide both."""
    (jp_root_dir / "shared" / "developers").mkdir(parents=True)
    for path, expected in [("shared/developers/a.txt", 201), ("shared/a.txt", 403)]:
        body = {"user": "ann", "action": "write", "resource": "contents", "path": path}
        _, answer = await admin.post(*CHECK, body=body)
        status, _ = await ann.put(
            "api", "contents", path, body={"type": "file", "format": "text", "content": ""}
        )
        assert answer["allowed"] == (status == 201) and status == expected, path


async def test_owner_filters_are_checked_with_the_owners_groups(admin, rbac, make_user):
    rbac.store.create_role("watch-class", ["read:kernels!group=class1"])
    make_user("teacher", roles=["watch-class"])
    make_user("pupil", groups=["class1"])
    body = {"user": "teacher", "action": "read", "resource": "kernels"}
    _, answer = await admin.post(*CHECK, body={**body, "owner": "pupil"})
    assert answer["allowed"] and answer["granted_by"]["scope"] == "read:kernels!group=class1"
    _, answer = await admin.post(*CHECK, body={**body, "owner": "admin"})
    assert answer["missing_scope"] == "read:kernels!user=admin"


async def test_anyone_may_ask_about_themselves_but_not_others(ann, viewer):
    status, answer = await ann.post(
        *CHECK, body={"user": "ann", "action": "read", "resource": "contents"}
    )
    assert status == 200 and answer["allowed"]
    assert (
        await ann.post(*CHECK, body={"user": "vera", "action": "read", "resource": "contents"})
    )[0] == 404


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"user": "ann", "action": "fly", "resource": "contents"},
            400,
            "action: 'fly' is not one of",
        ),
        (
            {"user": "ann", "action": "read", "resource": "planes"},
            400,
            "resource: unknown resource 'planes'",
        ),
        ({"user": "ann", "action": "read", "resource": "contents", "path": "../x"}, 400, "path:"),
        ({"user": "ann", "action": "read"}, 400, "missing field(s) resource"),
        (
            {"user": "ann", "action": "read", "resource": "contents", "why": 1},
            400,
            "unknown field(s) why",
        ),
        ({"user": 5, "action": "read", "resource": "contents"}, 400, "user: a non-empty string"),
        ({"user": "ghost", "action": "read", "resource": "contents"}, 404, "no user named 'ghost'"),
    ],
)
async def test_bad_questions_get_clear_answers(admin, ann, body, status, message):
    got, payload = await admin.post(*CHECK, body=body)
    assert got == status and message in payload["message"]


async def test_me_is_for_everyone(nobody):
    status, me = await nobody.get("api", "rbac", "me")
    assert status == 200 and me["name"] == "nora" and me["roles"] == ["user"]
