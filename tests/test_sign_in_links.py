"""A sign-in link: an invitation for a user who exists, for when they cannot sign in. Whoever
opens it is that user, in a browser session that may set their password, so making one takes
what being them gives: `write:users` on them and every scope they hold."""

from __future__ import annotations

import pytest

from .support.browser_session import BrowserSession
from .test_accounts import accept, code_of, invite, sign_in

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset


async def sign_in_link(who, username: str, **fields):
    return await who.post(
        "api", "rbac", "invitations", body={"username": username, "sign_in": True, **fields}
    )


async def test_a_sign_in_link_signs_the_user_in_and_may_set_a_new_password(admin, rbac, jp_fetch):
    await accept(jp_fetch, await invite(admin, "ann", roles=["editor"]), "correct horse")
    laptop, _ = await sign_in(jp_fetch, "ann", "correct horse")
    roles_before = rbac.store.get_user("ann").roles

    status, link = await sign_in_link(admin, "ann")
    assert status == 201, link
    assert link["sign_in"] is True and (link["roles"], link["groups"]) == ([], [])
    page = await BrowserSession(jp_fetch).get("rbac", "invite", params={"code": code_of(link)})
    assert page.code == 200 and b"Welcome back" in page.body and b"Sign in" in page.body

    browser, response = await accept(jp_fetch, link, "battery staple")
    assert response.code == 302 and response.headers["Location"].endswith("/lab")
    status, me = await browser.api("GET", "api", "rbac", "me")
    assert status == 200 and me["username"] == "ann"
    assert rbac.store.get_user("ann").roles == roles_before  # it gives nothing
    # the new password works, the old one does not, and the other browser is signed out
    assert (await laptop.api("GET", "api", "rbac", "me"))[0] == 403
    assert (await sign_in(jp_fetch, "ann", "correct horse"))[1].code == 401
    assert (await sign_in(jp_fetch, "ann", "battery staple"))[1].code == 302
    # once only
    again = await BrowserSession(jp_fetch).get("rbac", "invite", params={"code": code_of(link)})
    assert again.code == 409 and b"has been used" in again.body

    status, trail = await admin.get("api", "rbac", "audit", params={"kind": "invitation"})
    used, made = trail["items"][0], trail["items"][1]
    assert (used["action"], used["actor"], used["target"]) == ("invitation.accept", "ann", "ann")
    assert used["detail"]["sign_in"] and used["detail"]["password_changed"]
    assert used["detail"]["invited_by"] == "admin"
    assert (made["action"], made["target"], made["detail"]["sign_in"]) == (
        "invitation.create",
        "ann",
        True,
    )


async def test_without_a_password_it_only_signs_in(admin, make_user, jp_fetch):
    make_user("bob", roles=["viewer"])
    status, link = await sign_in_link(admin, "bob", password=False)
    assert status == 201
    browser, response = await accept(jp_fetch, link, "")
    assert response.code == 302
    assert (await browser.api("GET", "api", "rbac", "me"))[1]["username"] == "bob"
    _, refused = await accept(
        jp_fetch, (await sign_in_link(admin, "bob", password=False))[1], "x" * 9
    )
    assert refused.code == 400 and b"does not allow setting a password" in refused.body


async def test_a_sign_in_link_is_asked_for_by_name_and_gives_nothing(admin, make_user):
    make_user("bob", roles=["viewer"])
    # an invitation for a user who exists is still a 409: a link for them is asked for by name
    status, error = await admin.post("api", "rbac", "invitations", body={"username": "bob"})
    assert status == 409 and "already exists" in error["message"]
    for body, expected, words in [
        ({"username": "nobody", "sign_in": True}, 404, "no user named 'nobody'"),
        ({"username": "bob", "sign_in": True, "roles": ["editor"]}, 400, "gives none"),
        ({"username": "bob", "sign_in": True, "groups": ["developer"]}, 400, "gives none"),
        ({"username": "bob", "sign_in": "yes"}, 400, "sign_in"),
    ]:
        status, error = await admin.post("api", "rbac", "invitations", body=body)
        assert status == expected and words in error["message"], (body, error)
    status, _ = await sign_in_link(admin, "bob")
    assert status == 201
    status, error = await sign_in_link(admin, "bob")
    assert status == 409 and "pending invitation" in error["message"]


async def test_making_one_takes_everything_the_user_holds(admin, rbac, make_user, jp_fetch):
    """Someone who manages users but holds less than a user may not become them by a link."""
    await admin.post(
        "api",
        "rbac",
        "roles",
        body={"name": "helpdesk", "scopes": ["write:users", "read:users", "read:contents"]},
    )
    desk = make_user("dee", roles=["helpdesk"])
    make_user("ed", roles=["editor"])
    status, error = await sign_in_link(desk, "ed")
    assert status == 403 and error["missing_scope"], error
    status, error = await sign_in_link(desk, "admin")
    assert status == 403 and error["missing_scope"] == "all", error
    viewer = make_user("vic", roles=["viewer"])
    status, error = await sign_in_link(viewer, "ed")
    assert status == 404  # a user vic may not see is none to him
    status, error = await sign_in_link(viewer, "vic")
    assert status == 403 and error["missing_scope"] == "write:users!user=vic"
    status, listed = await admin.get("api", "rbac", "invitations")
    assert listed["items"] == []

    # a user who holds no more than the helpdesk may be signed in by them
    await admin.post("api", "rbac", "roles", body={"name": "reader", "scopes": ["read:contents"]})
    await admin.patch("api", "rbac", "roles", rbac.policy.everyone_role, body={"scopes": []})
    make_user("rae", roles=["reader"])
    status, link = await sign_in_link(desk, "rae")
    assert status == 201, link

    # ...until rae is given more than the maker holds: the link is judged again when used
    status, _ = await admin.patch("api", "rbac", "users", "rae", body={"roles": ["editor"]})
    assert status == 200
    _, response = await accept(jp_fetch, link, "")
    assert response.code == 403 and b"no longer valid" in response.body


async def test_a_link_is_for_the_user_it_was_made_for(admin, rbac, make_user, jp_fetch):
    """A user deleted and made again by the same name is someone else: the old link is not theirs."""
    make_user("bob", roles=["viewer"])
    status, link = await sign_in_link(admin, "bob")
    assert status == 201
    status, _ = await admin.delete("api", "rbac", "users", "bob")
    assert status == 204
    make_user("bob", roles=["editor"])
    browser, response = await accept(jp_fetch, link, "")
    assert response.code == 409 and b"no longer exists" in response.body
    assert (await browser.api("GET", "api", "rbac", "me"))[0] == 403


async def test_a_token_someone_else_made_makes_no_sign_in_link(admin, rbac, jp_fetch):
    """A token made for a user by someone else never changes their account: nor may it make a
    link that becomes their browser session (and sets their password)."""
    rbac.store.create_user("tom", roles=["admin"])
    _, planted = rbac.store.create_token("tom", actor="admin")  # made by admin, for tom
    tom = admin.as_token(planted)
    status, error = await tom.post(
        "api", "rbac", "invitations", body={"username": "tom", "sign_in": True}
    )
    assert status == 403 and "a sign-in link for yourself" in error["message"], error
    rbac.store.create_user("ida", roles=["viewer"])
    status, error = await tom.post(
        "api", "rbac", "invitations", body={"username": "ida", "sign_in": True}
    )
    assert status == 403 and "needs a credential of your own" in error["message"], error
    # a token of one's own limited to some scopes is no browser session either
    _, narrow = rbac.store.create_token("tom", scopes=["write:users"], actor="tom")
    status, error = await admin.as_token(narrow).post(
        "api", "rbac", "invitations", body={"username": "tom", "sign_in": True}
    )
    assert status == 403, error
    status, listed = await admin.get("api", "rbac", "invitations")
    assert listed["items"] == []


async def test_a_link_of_a_maker_deleted_and_made_again_is_void(admin, rbac, make_user, jp_fetch):
    """A user made again by the name of a deleted maker is someone else: their links died."""
    make_user("mia", roles=["admin"])
    mia = make_user("mo", roles=["admin"])
    status, link = await sign_in_link(mia, "mia")
    assert status == 201, link
    status, invitation = await mia.post(
        "api", "rbac", "invitations", body={"username": "newbie", "roles": ["viewer"]}
    )
    assert status == 201
    assert (await admin.delete("api", "rbac", "users", "mo"))[0] == 204
    make_user("mo", roles=["admin"])
    for used in (link, invitation):
        _, response = await accept(jp_fetch, used, "")
        assert response.code == 403 and b"no longer a user" in response.body, used
    assert not rbac.store.user_exists("newbie")


async def test_a_sign_in_link_takes_no_display_name(admin, make_user):
    make_user("bob", roles=["viewer"])
    status, error = await sign_in_link(admin, "bob", display_name="Robert")
    assert status == 400 and "display_name" in error["message"]


async def test_a_token_someone_else_made_makes_no_invitation_either(admin, rbac):
    """An invitation is a credential too (a browser session of a new user, who could then make
    a sign-in link for the token's owner): a planted token makes none."""
    rbac.store.create_user("tom", roles=["admin"])
    _, planted = rbac.store.create_token("tom", actor="admin")
    tom = admin.as_token(planted)
    status, error = await tom.post(
        "api", "rbac", "invitations", body={"username": "evil", "roles": ["admin"]}
    )
    assert status == 403 and "an invitation needs a credential of your own" in error["message"]
    # nor does it change tom's own account through the administration routes
    status, error = await tom.patch("api", "rbac", "users", "tom", body={"display_name": "pwn"})
    assert status == 403 and "changing your own profile" in error["message"], error
    status, error = await tom.delete("api", "rbac", "users", "tom", "sessions")
    assert status == 403 and "signing yourself out everywhere" in error["message"], error
    assert rbac.store.get_user("tom").display_name != "pwn"
    # acting for tom within its scopes on others' records goes on
    rbac.store.create_user("ida", roles=["viewer"])
    status, _ = await tom.patch("api", "rbac", "users", "ida", body={"display_name": "Ida"})
    assert status == 200
