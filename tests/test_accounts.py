"""Standalone identities: invitations, the login page, passwords, sessions and profiles."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from jupyter_rbac.store.models import Invitation

from .support.browser_session import BrowserSession
from .support.client import NOT_SIGNED_IN

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset


def code_of(invitation: dict) -> str:
    return invitation["path"].split("code=", 1)[1]


async def invite(admin, username="ann", **fields) -> dict:
    status, invitation = await admin.post(
        "api", "rbac", "invitations", body={"username": username, **fields}
    )
    assert status == 201, invitation
    return invitation


async def accept(jp_fetch, invitation: dict, password: str = "", repeat: str | None = None):
    """Open the link and press Join, as a browser does; returns (browser, response)."""
    browser = BrowserSession(jp_fetch)
    code = code_of(invitation)
    fields = {
        "code": code,
        "password": password,
        "password_repeat": password if repeat is None else repeat,
    }
    response = await browser.submit(
        ("rbac", "invite"), ("rbac", "invite"), fields, params={"code": code}
    )
    return browser, response


async def sign_in(jp_fetch, username: str, password: str):
    browser = BrowserSession(jp_fetch)
    response = await browser.submit(
        ("login",), ("login",), {"username": username, "password": password}
    )
    return browser, response


# -- invitations -------------------------------------------------------------------------------


async def test_an_invitation_creates_the_user_with_roles_and_signs_them_in(admin, rbac, jp_fetch):
    invitation = await invite(admin, display_name="Ann Lee", roles=["editor"], groups=["developer"])
    assert invitation["state"] == "pending" and invitation["created_by"] == "admin"
    assert (
        invitation["url"].endswith(invitation["path"])
        and "/rbac/invite?code=rbacinv_" in invitation["path"]
    )
    assert not rbac.store.user_exists("ann")  # nothing exists until the link is used

    browser, response = await accept(jp_fetch, invitation, "correct horse")
    assert response.code == 302 and response.headers["Location"].endswith("/lab")
    status, me = await browser.api("GET", "api", "me")
    assert status == 200
    assert me["identity"]["username"] == "ann"
    assert me["identity"]["display_name"] == "Ann Lee" and me["identity"]["initials"] == "AL"
    assert me["identity"]["color"].startswith("var(--jp-collaborator-color")
    status, mine = await browser.api("GET", "api", "rbac", "me")
    assert "direct" in mine["role_sources"]["editor"] and mine["groups"] == ["developer"]
    # their requests are authorized as themselves: an editor may save
    status, _ = await browser.api(
        "PUT",
        "api",
        "contents",
        "by-ann.txt",
        body={"type": "file", "format": "text", "content": "hi"},
    )
    assert status == 201

    status, listed = await admin.get("api", "rbac", "invitations", params={"all": "true"})
    assert [i["state"] for i in listed["items"]] == ["accepted"]
    status, trail = await admin.get("api", "rbac", "audit", params={"kind": "invitation"})
    assert [e["action"] for e in trail["items"]] == ["invitation.accept", "invitation.create"]
    accepted = trail["items"][0]
    assert (accepted["actor"], accepted["target"]) == ("ann", "ann")
    assert accepted["detail"]["invited_by"] == "admin"
    assert "rbacinv_" not in str(trail)  # the code is never recorded


async def test_opening_the_link_changes_nothing(admin, rbac, jp_fetch):
    invitation = await invite(admin, display_name="Ann Lee")
    browser = BrowserSession(jp_fetch)
    page = await browser.get("rbac", "invite", params={"code": code_of(invitation)})
    assert page.code == 200 and b"Welcome, Ann Lee" in page.body
    assert page.headers["Referrer-Policy"] == "same-origin"  # the code never leaves the site
    assert not rbac.store.user_exists("ann")
    assert not browser.cookies.get("username-127-0-0-1")


async def test_an_invitation_works_once(admin, jp_fetch):
    invitation = await invite(admin, roles=["viewer"])
    _, first = await accept(jp_fetch, invitation)
    assert first.code == 302
    # the page itself says so: the form is not offered again
    page = await BrowserSession(jp_fetch).get(
        "rbac", "invite", params={"code": code_of(invitation)}
    )
    assert page.code == 409 and b"this invitation has been used" in page.body
    # and a form posted anyway (with the XSRF token of another page) is refused the same way
    fields = {"code": code_of(invitation), "password": "", "password_repeat": ""}
    second = await BrowserSession(jp_fetch).submit(("login",), ("rbac", "invite"), fields)
    assert second.code == 409 and b"has been used" in second.body


async def test_an_invitation_made_before_the_fast_hash_still_works(admin, rbac, jp_fetch):
    """Invitation codes are now stored with a fast hash; one stored with argon2 by the
    previous version is still accepted (and only with its own code)."""
    from jupyter_rbac.store.hashing import SLOW_RANDOM_SECRETS

    invitation = await invite(admin, roles=["viewer"])
    code = code_of(invitation)
    with rbac.store.engine.begin() as connection:
        (stored,) = connection.execute(
            Invitation.__table__.select().with_only_columns(Invitation.hashed)
        ).one()
        assert stored.startswith("hmac-sha256$")
        connection.execute(update(Invitation).values(hashed=SLOW_RANDOM_SECRETS.hash(code)))
    wrong = code[:-1] + ("B" if code[-1] != "B" else "C")
    page = await BrowserSession(jp_fetch).get("rbac", "invite", params={"code": wrong})
    assert page.code == 404 and b"not valid" in page.body
    _, response = await accept(jp_fetch, invitation)
    assert response.code == 302 and rbac.store.user_exists("ann")


async def test_a_wrong_or_missing_code_is_a_clear_error(jp_fetch):
    browser = BrowserSession(jp_fetch)
    for params in ({"code": "rbacinv_0123456789abcdef_" + "x" * 43}, {"code": "nonsense"}):
        page = await browser.get("rbac", "invite", params=params)
        assert page.code == 404 and b"not valid" in page.body
    page = await browser.get("rbac", "invite")
    assert page.code == 400 and b"no invitation code" in page.body


async def test_an_expired_invitation_is_refused(admin, rbac, jp_fetch):
    invitation = await invite(admin)
    with rbac.store.engine.begin() as connection:
        connection.execute(
            update(Invitation).values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))
        )
    page = await BrowserSession(jp_fetch).get(
        "rbac", "invite", params={"code": code_of(invitation)}
    )
    assert page.code == 409 and b"expired" in page.body
    status, pending = await admin.get("api", "rbac", "invitations")
    assert (status, pending["items"]) == (200, [])


async def test_mismatched_passwords_create_nothing(admin, rbac, jp_fetch):
    invitation = await invite(admin)
    _, response = await accept(jp_fetch, invitation, "correct horse", repeat="correct hose")
    assert response.code == 400 and b"differ" in response.body
    _, response = await accept(jp_fetch, invitation, "short")
    assert response.code == 400 and b"between 8" in response.body
    assert not rbac.store.user_exists("ann")
    _, response = await accept(jp_fetch, invitation, "correct horse")
    assert response.code == 302


async def test_no_password_when_the_invitation_says_so(admin, rbac, jp_fetch):
    invitation = await invite(admin, password=False)
    page = await BrowserSession(jp_fetch).get(
        "rbac", "invite", params={"code": code_of(invitation)}
    )
    assert b'name="password"' not in page.body
    _, response = await accept(jp_fetch, invitation, "correct horse")
    assert response.code == 400 and not rbac.store.user_exists("ann")
    _, response = await accept(jp_fetch, invitation)
    assert response.code == 302 and rbac.store.password_hash_of("ann") is None


async def test_invitations_are_checked_like_creating_the_user(admin, make_user):
    status, error = await admin.post("api", "rbac", "invitations", body={"username": "admin"})
    assert status == 409 and "already exists" in error["message"]
    await invite(admin, "bob")
    status, error = await admin.post("api", "rbac", "invitations", body={"username": "bob"})
    assert status == 409 and "pending invitation" in error["message"]
    for body, field in [
        ({"username": "x y"}, "invalid user name"),
        ({"username": "carl", "roles": ["no-such-role"]}, "roles: no role named"),
        ({"username": "carl", "expires_in": 5}, "expires_in"),
        ({"username": "carl", "password": "yes"}, "password"),
        ({"username": "carl", "shoe_size": 9}, "unknown field"),
        ({"username": "carl", "display_name": "two\nlines"}, "display_name"),
    ]:
        status, error = await admin.post("api", "rbac", "invitations", body=body)
        assert status == 400 and field in error["message"], (body, error)

    # No escalation: someone who may create users but not hold `editor` may not invite an editor.
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
    status, error = await recruiter.post(
        "api", "rbac", "invitations", body={"username": "carl", "roles": ["editor"]}
    )
    assert status == 403 and error["missing_scope"]
    status, _ = await recruiter.post("api", "rbac", "invitations", body={"username": "carl"})
    assert status == 201
    viewer = make_user("vic", roles=["viewer"])
    status, error = await viewer.post("api", "rbac", "invitations", body={"username": "dan"})
    assert status == 403 and error["missing_scope"] == "write:users"


async def test_an_invitation_is_judged_again_when_accepted(admin, rbac, make_user, jp_fetch):
    """An inviter who lost the right to give a role cannot still give it through an old link."""
    await admin.post(
        "api",
        "rbac",
        "roles",
        body={
            "name": "recruiter",
            "scopes": [
                "write:users",
                "read:users",
                "write:roles",
                "read:roles",
                "read:contents",
                "write:contents",
            ],
        },
    )
    recruiter = make_user("rex", roles=["recruiter"])
    await admin.post("api", "rbac", "roles", body={"name": "writer", "scopes": ["write:contents"]})
    invitation = await invite(recruiter, "carl", roles=["writer"])
    status, _ = await admin.patch(
        "api",
        "rbac",
        "roles",
        "recruiter",
        body={"scopes": ["write:users", "read:users", "write:roles", "read:roles"]},
    )
    assert status == 200
    _, response = await accept(jp_fetch, invitation)
    assert response.code == 403 and b"no longer valid" in response.body
    assert not rbac.store.user_exists("carl")


async def test_revoking_an_invitation(admin, make_user, jp_fetch):
    invitation = await invite(admin)
    viewer = make_user("vic", roles=["viewer"])
    # no write:users at all: told so, whether the invitation exists or not
    for some_id in (str(invitation["id"]), "999999"):
        status, refused = await viewer.delete("api", "rbac", "invitations", some_id)
        assert (status, refused["missing_scope"]) == (403, "write:users")
    status, _ = await admin.delete("api", "rbac", "invitations", str(invitation["id"]))
    assert status == 204
    assert (await admin.get("api", "rbac", "invitations"))[1]["items"] == []
    page = await BrowserSession(jp_fetch).get(
        "rbac", "invite", params={"code": code_of(invitation)}
    )
    assert page.code == 404 and b"this invitation link is not valid" in page.body
    status, error = await admin.delete("api", "rbac", "invitations", "abc")
    assert (status, error["message"]) == (400, "invitation id: 'abc' is not an invitation id")


# -- the login page ----------------------------------------------------------------------------


async def test_login_page_looks_like_jupyters_and_asks_for_a_user_name(jp_fetch):
    page = await BrowserSession(jp_fetch).get("login")
    body = page.body.decode()
    assert page.code == 200
    assert 'name="username"' in body and 'name="password"' in body
    assert "style/bootstrap.min.css" in body  # jupyter_server's own page template


async def test_sign_in_with_a_password(admin, jp_fetch):
    await accept(jp_fetch, await invite(admin, roles=["viewer"]), "correct horse")
    browser, response = await sign_in(jp_fetch, "ann", "correct horse")
    assert response.code == 302
    status, me = await browser.api("GET", "api", "rbac", "me")
    assert status == 200 and me["name"] == "ann" and me["account"]["password_set"] is True
    status, _ = await browser.api(
        "PUT", "api", "contents", "x.txt", body={"type": "file", "format": "text", "content": ""}
    )
    assert status == 403  # a viewer, as themselves


async def test_sign_in_with_a_token_in_the_password_box(admin, jp_fetch):
    browser, response = await sign_in(jp_fetch, "", admin.token)
    assert response.code == 302
    status, me = await browser.api("GET", "api", "rbac", "me")
    assert (status, me["name"]) == (200, "admin")
    _, response = await sign_in(jp_fetch, "someone-else", admin.token)
    assert response.code == 401


async def test_a_wrong_password_is_refused_and_audited(admin, jp_fetch):
    await accept(jp_fetch, await invite(admin), "correct horse")
    _, response = await sign_in(jp_fetch, "ann", "wrong horse")
    assert response.code == 401 and b"Invalid user name or password" in response.body
    _, response = await sign_in(jp_fetch, "nobody-at-all", "wrong horse")
    assert response.code == 401  # the same answer for a user that does not exist
    status, trail = await admin.get("api", "rbac", "audit", params={"action": "user.login_failed"})
    assert status == 200
    assert [e["target"] for e in trail["items"]] == ["nobody-at-all", "ann"]
    assert "wrong horse" not in str(trail)


@pytest.fixture
def rbac_config():
    return {"login_attempts_per_user": 3, "login_attempts_per_address": 50}


async def test_failed_sign_ins_are_rate_limited_per_user(admin, jp_fetch):
    await accept(jp_fetch, await invite(admin), "correct horse")
    for _ in range(3):
        _, response = await sign_in(jp_fetch, "ann", "wrong horse")
        assert response.code == 401
    _, response = await sign_in(jp_fetch, "ann", "correct horse")
    assert response.code == 429 and int(response.headers["Retry-After"]) > 0
    assert b"Too many failed sign-ins" in response.body
    _, response = await sign_in(jp_fetch, "ANN", "correct horse")
    assert response.code == 429  # the count is per name, whatever its case
    _, response = await sign_in(jp_fetch, "", admin.token)
    assert response.code == 302  # another user is not locked out


# -- passwords, sessions, profiles -------------------------------------------------------------


async def test_changing_the_password_ends_other_sessions(admin, jp_fetch):
    await accept(jp_fetch, await invite(admin), "correct horse")
    laptop, _ = await sign_in(jp_fetch, "ann", "correct horse")
    phone, _ = await sign_in(jp_fetch, "ann", "correct horse")
    status, error = await laptop.api(
        "PUT",
        "api",
        "rbac",
        "me",
        "password",
        body={"current_password": "wrong", "new_password": "battery staple"},
    )
    assert status == 403 and "current_password" in error["message"]
    status, _ = await laptop.api(
        "PUT",
        "api",
        "rbac",
        "me",
        "password",
        body={"current_password": "correct horse", "new_password": "battery staple"},
    )
    assert status == 204
    assert (await laptop.api("GET", "api", "rbac", "me"))[0] == 200  # this session goes on
    assert (await phone.api("GET", "api", "rbac", "me"))[0] == 403  # the other one ended
    assert (await sign_in(jp_fetch, "ann", "correct horse"))[1].code == 401
    assert (await sign_in(jp_fetch, "ann", "battery staple"))[1].code == 302


async def test_sign_out_everywhere(admin, jp_fetch):
    await accept(jp_fetch, await invite(admin), "correct horse")
    laptop, _ = await sign_in(jp_fetch, "ann", "correct horse")
    phone, _ = await sign_in(jp_fetch, "ann", "correct horse")
    status, _ = await phone.api("DELETE", "api", "rbac", "me", "sessions")
    assert status == 204
    assert await laptop.api("GET", "api", "rbac", "me") == NOT_SIGNED_IN
    assert await phone.api("GET", "api", "rbac", "me") == NOT_SIGNED_IN
    browser, response = await sign_in(jp_fetch, "ann", "correct horse")  # signing in again works
    assert (
        response.code == 302 and (await browser.api("GET", "api", "rbac", "me"))[1]["name"] == "ann"
    )


async def test_users_edit_their_own_profile(admin, jp_fetch):
    browser, _ = await accept(jp_fetch, await invite(admin, display_name="Ann Lee"))
    status, me = await browser.api(
        "PATCH", "api", "rbac", "me", body={"display_name": "Ann Lovelace-Lee", "color": "#ff8800"}
    )
    assert status == 200 and me["initials"] == "AL" and me["color"] == "#ff8800"
    status, me = await browser.api("GET", "api", "me")
    assert (
        me["identity"]["display_name"] == "Ann Lovelace-Lee"
        and me["identity"]["color"] == "#ff8800"
    )
    # jupyter_server's own PATCH /api/me (JupyterLab's) saves into the same profile
    status, updated = await browser.api(
        "PATCH", "api", "me", body={"color": "var(--jp-collaborator-color2)"}
    )
    assert status == 200 and updated["identity"]["color"] == "var(--jp-collaborator-color2)"
    status, me = await admin.get("api", "rbac", "users", "ann")
    assert (
        me["color"] == "var(--jp-collaborator-color2)" and me["display_name"] == "Ann Lovelace-Lee"
    )
    for body, message in [
        ({"color": "red; background: url(x)"}, "color"),
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"name": "someone-else"}, "unknown field"),
    ]:
        status, error = await browser.api("PATCH", "api", "rbac", "me", body=body)
        assert status == 400 and message in error["message"], (body, error)


async def test_invitations_are_paged_searched_and_picked_by_state(admin, rbac, jp_fetch):
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from jupyter_rbac.store.models import Invitation

    for index in range(5):
        await invite(admin, f"guest{index}", display_name=f"Guest {index}")
    used = await invite(admin, "joiner", display_name="Joiner")
    await accept(jp_fetch, used, "correct horse")
    late = await invite(admin, "late")
    with rbac.store.engine.begin() as connection:  # its week is over
        past = datetime.now(timezone.utc) - timedelta(seconds=1)
        connection.execute(
            update(Invitation).where(Invitation.id == late["id"]).values(expires_at=past)
        )
    INVITATIONS = ("api", "rbac", "invitations")
    status, first = await admin.get(*INVITATIONS, params={"limit": "2"})
    assert status == 200 and (first["total"], first["limit"], len(first["items"])) == (5, 2, 2)
    status, rest = await admin.get(*INVITATIONS, params={"offset": "2", "sort": "-created_at"})
    assert [i["username"] for i in rest["items"]] == ["guest2", "guest1", "guest0"]
    for state, names in (("accepted", ["joiner"]), ("expired", ["late"])):
        status, page = await admin.get(*INVITATIONS, params={"state": state})
        assert [i["username"] for i in page["items"]] == names and page["items"][0][
            "state"
        ] == state
    status, page = await admin.get(*INVITATIONS, params={"state": "all", "q": "guest 3"})
    assert [i["username"] for i in page["items"]] == ["guest3"]
    status, legacy = await admin.get(*INVITATIONS, params={"all": "true"})
    assert legacy["total"] == 7
    status, answer = await admin.get(*INVITATIONS, params={"state": "old"})
    assert status == 400 and "state: 'old'" in answer["message"]


async def test_an_administrator_signs_a_user_out_of_every_browser(
    admin, viewer, make_user, rbac, jp_fetch
):
    await accept(jp_fetch, await invite(admin, roles=["viewer"]), "correct horse")
    laptop, _ = await sign_in(jp_fetch, "ann", "correct horse")
    assert (await laptop.api("GET", "api", "rbac", "me"))[0] == 200
    assert (await viewer.delete("api", "rbac", "users", "ann", "sessions"))[0] == 404  # unseen
    rbac.store.create_role("user-reader", ["read:users"])
    reader = make_user("rex", roles=["user-reader"])
    status, answer = await reader.delete("api", "rbac", "users", "ann", "sessions")
    assert status == 403 and answer["missing_scope"] == "write:users!user=ann"
    assert (await admin.delete("api", "rbac", "users", "ghost", "sessions"))[0] == 404
    assert (await admin.delete("api", "rbac", "users", "ann", "sessions"))[0] == 204
    assert await laptop.api("GET", "api", "rbac", "me") == NOT_SIGNED_IN
    status, trail = await admin.get("api", "rbac", "audit", params={"action": "user.end_sessions"})
    assert [(e["actor"], e["target"]) for e in trail["items"]] == [("admin", "ann")]


async def test_a_reader_of_users_sees_no_invitation_they_could_not_have_made(
    admin, make_user, rbac
):
    await invite(admin, "iggy", roles=["admin"])
    rbac.store.create_role("user-reader", ["read:users"])
    reader = make_user("rex", roles=["user-reader"])
    status, page = await reader.get("api", "rbac", "invitations", params={"state": "all"})
    assert (status, page["total"], page["items"]) == (200, 0, [])
    status, page = await admin.get("api", "rbac", "invitations")
    assert [i["username"] for i in page["items"]] == ["iggy"]
