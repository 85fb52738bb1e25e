"""What an invitee will be able to do, asked before the invitation is made: the answer is what
the user holds once the link is used, and the preview is refused as the invitation would be."""

from __future__ import annotations

import pytest

from .test_accounts import accept, invite

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset


async def preview(who, **body):
    return await who.post("api", "rbac", "invitations", "preview", body=body)


async def test_the_preview_is_what_the_user_holds_once_the_link_is_used(admin, rbac, jp_fetch):
    chosen = {"roles": ["analyst"], "groups": ["developer"]}
    status, before = await preview(admin, username="ann", **chosen)
    assert status == 200, before
    ways = {role["name"]: role["via"] for role in before["roles"]}
    assert ways["analyst"] == ["direct"] and ways[rbac.policy.everyone_role] == ["everyone"]
    # templates are filled in for the invitee: their own folder, their group's folder
    assert "write:contents!path=home/ann/**" in before["effective"]
    assert "write:contents!path=shared/developer/**" in before["effective"]
    assert [part["scope"] for part in before["effective_parts"]] == before["effective"]
    assert not rbac.store.user_exists("ann")  # a preview makes nothing
    status, listed = await admin.get("api", "rbac", "invitations", params={"state": "all"})
    assert listed["items"] == []

    _, response = await accept(jp_fetch, await invite(admin, "ann", **chosen))
    assert response.code == 302
    status, after = await admin.get("api", "rbac", "users", "ann", "permissions")
    assert status == 200
    assert before["effective"] == after["effective"]
    assert before["roles"] == after["roles"]
    assert before["groups"] == after["groups"] == ["developer"]


async def test_the_preview_is_refused_as_the_invitation_would_be(admin, make_user):
    await admin.post(
        "api",
        "rbac",
        "roles",
        body={
            "name": "recruiter",
            "scopes": ["write:users", "read:users", "write:roles", "read:roles"],
        },
    )
    recruiter = make_user("rex", roles=["recruiter"])
    viewer = make_user("vic", roles=["viewer"])
    for who, body, status_expected, words in [
        (recruiter, {"username": "carl", "roles": ["editor"]}, 403, None),
        (viewer, {"username": "carl"}, 403, "write:users"),
        (admin, {"username": "carl", "roles": ["no-such-role"]}, 400, "roles: no role named"),
        (admin, {"username": "carl", "groups": ["no-such-group"]}, 400, "no group named"),
        (admin, {"username": "x y"}, 400, "invalid user name"),
        (admin, {"username": "carl", "shoe_size": 9}, 400, "unknown field"),
        (admin, {"roles": ["editor"]}, 400, "username"),
    ]:
        status, error = await preview(who, **body)
        assert status == status_expected, (body, error)
        if status == 403:
            assert error["missing_scope"] == (words or error["missing_scope"]), error
            assert error["missing_scope"], error
        else:
            assert words in error["message"], (body, error)
    # what the recruiter may give, they may preview
    status, answer = await preview(recruiter, username="carl")
    assert status == 200 and answer["username"] == "carl"
    # a preview leaves no trace in the audit trail
    status, trail = await admin.get("api", "rbac", "audit", params={"kind": "invitation"})
    assert trail["items"] == []


async def test_a_role_reached_through_a_hidden_group_stays_unnamed(admin, make_user):
    """An inviter who may add people to a group but not read a role it gives sees what the
    invitee will be able to do, not the hidden role's name."""
    await admin.post("api", "rbac", "roles", body={"name": "secret-role", "scopes": ["read:lsp"]})
    await admin.post("api", "rbac", "groups", body={"name": "team", "roles": ["secret-role"]})
    await admin.post(
        "api",
        "rbac",
        "roles",
        body={
            "name": "team-lead",
            "scopes": [
                "write:users!group=team",
                "read:users!group=team",
                "write:groups!group=team",
                "read:groups!group=team",
                "read:lsp",
            ],
        },
    )
    lead = make_user("lee", roles=["team-lead"])
    status, answer = await preview(lead, username="tim", groups=["team"])
    assert status == 200, answer
    assert "secret-role" not in str(answer["roles"])
    assert "read:lsp" in answer["effective"]


async def test_the_preview_of_an_existing_user_is_a_409_as_the_invitation(admin, make_user):
    make_user("bob", roles=["admin"])
    status, error = await preview(admin, username="bob")
    assert status == 409 and "already exists" in error["message"]


async def test_a_name_given_many_times_is_asked_once(admin, rbac):
    """Repeats cost nothing: each name is judged once (a list of one group 60,000 times held the
    server for half a minute), and the answer and the invitation name it once."""
    status, answer = await preview(
        admin, username="ann", groups=["developer"] * 50_000, roles=["viewer"] * 1_000
    )
    assert status == 200 and answer["groups"] == ["developer"], answer["groups"][:3]
    status, made = await admin.post(
        "api",
        "rbac",
        "invitations",
        body={"username": "ann", "groups": ["developer"] * 50_000},
    )
    assert status == 201 and made["groups"] == ["developer"]


async def test_listed_invitations_name_only_roles_and_groups_their_reader_may_read(
    admin, make_user
):
    await admin.post("api", "rbac", "roles", body={"name": "secret-role", "scopes": ["read:lsp"]})
    await admin.post("api", "rbac", "groups", body={"name": "secret-group"})
    await admin.post(
        "api",
        "rbac",
        "invitations",
        body={"username": "sam", "roles": ["secret-role"], "groups": ["secret-group"]},
    )
    await admin.post(
        "api", "rbac", "roles", body={"name": "helpdesk", "scopes": ["write:users", "read:users"]}
    )
    desk = make_user("dee", roles=["helpdesk"])
    status, listed = await desk.get("api", "rbac", "invitations", params={"q": "sam"})
    assert status == 200
    [sam] = listed["items"]
    assert (sam["roles"], sam["groups"]) == ([], [])
    status, listed = await admin.get("api", "rbac", "invitations", params={"q": "sam"})
    assert listed["items"][0]["roles"] == ["secret-role"]


async def test_a_pending_invitation_is_a_409_in_the_preview_as_in_the_invitation(admin):
    status, _ = await admin.post("api", "rbac", "invitations", body={"username": "pen"})
    assert status == 201
    status, error = await preview(admin, username="pen")
    assert status == 409 and "pending invitation" in error["message"]


async def test_a_user_made_with_a_name_many_times_holds_and_records_it_once(admin, rbac):
    status, user = await admin.post(
        "api", "rbac", "users", body={"username": "rep", "groups": ["developer"] * 5_000}
    )
    assert status == 201 and user["groups"] == ["developer"]
    status, trail = await admin.get("api", "rbac", "audit", params={"kind": "user"})
    made = next(e for e in trail["items"] if e["action"] == "user.create")
    assert made["detail"]["groups"] == ["developer"]


async def test_a_change_naming_one_group_many_times_names_it_once(admin, rbac):
    """A PATCH of a user's groups and a new group's roles: each name judged and recorded once."""
    await admin.post("api", "rbac", "users", body={"username": "rep"})
    status, user = await admin.patch(
        "api", "rbac", "users", "rep", body={"groups": ["developer"] * 5_000}
    )
    assert status == 200 and user["groups"] == ["developer"]
    status, group = await admin.post(
        "api", "rbac", "groups", body={"name": "gr9", "roles": ["viewer"] * 50}
    )
    assert status == 201 and group["roles"] == ["viewer"]
    status, trail = await admin.get("api", "rbac", "audit", params={"kind": "group"})
    made = next(e for e in trail["items"] if e["action"] == "group.create")
    assert made["detail"]["roles"] == ["viewer"]
