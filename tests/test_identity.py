"""Per-user tokens replace the shared server token: headers, login links, login form, limits."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
from tornado.httpclient import HTTPClientError

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset


def cookie_header(response) -> str:
    return "; ".join(c.split(";", 1)[0] for c in response.headers.get_list("Set-Cookie"))


async def test_the_shared_server_token_is_not_accepted(jp_fetch):
    # jp_fetch sends the server-wide token by default: under jupyter-rbac it identifies nobody
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("api", "contents")
    assert refused.value.code == 403


async def test_a_wrong_token_identifies_nobody(make_user, jp_fetch):
    make_user("vic", roles=["viewer"])
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("api", "contents", headers={"Authorization": "token rbac_not-a-real-token"})
    assert refused.value.code == 403


async def test_a_login_link_signs_the_browser_in(viewer, jp_fetch):
    response = await jp_fetch(
        "api", "rbac", "me", params={"token": viewer.token}, headers={"Authorization": ""}
    )
    assert response.code == 200
    cookies = cookie_header(response)
    assert cookies
    response = await jp_fetch("api", "rbac", "me", headers={"Authorization": "", "Cookie": cookies})
    assert b'"name": "vera"' in response.body


async def test_one_time_token_works_once(rbac, make_user, jp_fetch):
    make_user("otto", roles=["viewer"])
    _, token = rbac.store.create_token("otto", one_time=True)
    response = await jp_fetch(
        "api", "rbac", "me", params={"token": token}, headers={"Authorization": ""}
    )
    assert response.code == 200
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("api", "rbac", "me", params={"token": token}, headers={"Authorization": ""})
    assert refused.value.code == 403


async def test_first_admin_gets_a_one_time_login_token(rbac, jp_fetch):
    assert rbac.first_admin is not None and rbac.first_admin.username == "admin"
    response = await jp_fetch(
        "api",
        "rbac",
        "me",
        params={"token": rbac.first_admin.login_token},
        headers={"Authorization": ""},
    )
    assert b'"admin"' in response.body
    with pytest.raises(HTTPClientError):
        await jp_fetch(
            "api",
            "rbac",
            "me",
            params={"token": rbac.first_admin.login_token},
            headers={"Authorization": ""},
        )


async def test_expired_token_is_refused(rbac, make_user, jp_fetch):
    make_user("exa", roles=["viewer"])
    _, token = rbac.store.create_token(
        "exa", expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)
    )
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("api", "contents", headers={"Authorization": f"token {token}"})
    assert refused.value.code == 403


async def test_a_token_is_limited_to_its_scopes(rbac, editor, jp_fetch, jp_root_dir):
    (jp_root_dir / "a.txt").write_text("x")
    _, token = rbac.store.create_token("eddie", scopes=["read:contents"])
    headers = {"Authorization": f"token {token}"}
    assert (await jp_fetch("api", "contents", "a.txt", headers=headers)).code == 200
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(
            "api",
            "contents",
            "b.txt",
            method="PUT",
            body='{"type":"file","format":"text","content":"y"}',
            headers=headers,
        )
    assert refused.value.code == 403
    # the owner's own, unlimited token still writes
    status, _ = await editor.put(
        "api", "contents", "b.txt", body={"type": "file", "format": "text", "content": "y"}
    )
    assert status == 201


async def test_a_token_never_exceeds_its_owner(rbac, viewer, jp_fetch):
    _, token = rbac.store.create_token("vera", scopes=["write:contents"])
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(
            "api",
            "contents",
            "c.txt",
            method="PUT",
            body='{"type":"file","format":"text","content":"y"}',
            headers={"Authorization": f"token {token}"},
        )
    assert refused.value.code == 403


async def test_a_limited_token_in_a_link_sets_no_cookie(rbac, editor, jp_fetch):
    _, token = rbac.store.create_token("eddie", scopes=["read:contents"])
    response = await jp_fetch(
        "api", "contents", params={"token": token}, headers={"Authorization": ""}
    )
    assert response.code == 200
    assert "username" not in cookie_header(response)


async def test_a_deleted_user_is_signed_out(rbac, viewer, jp_fetch):
    response = await jp_fetch(
        "api", "rbac", "me", params={"token": viewer.token}, headers={"Authorization": ""}
    )
    cookies = cookie_header(response)
    rbac.store.delete_user("vera")
    for headers in ({"Authorization": "", "Cookie": cookies}, viewer.headers):
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch("api", "rbac", "me", headers=headers)
        assert refused.value.code == 403


async def test_the_login_page_takes_a_personal_token(viewer, jp_fetch):
    page = await jp_fetch("login", headers={"Authorization": ""})
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.body.decode()).group(1)
    cookies = cookie_header(page)
    with pytest.raises(HTTPClientError) as redirected:
        await jp_fetch(
            "login",
            method="POST",
            body=urlencode({"password": viewer.token, "_xsrf": xsrf}),
            headers={"Authorization": "", "Cookie": cookies},
            follow_redirects=False,
        )
    assert redirected.value.code == 302
    signed_in = cookie_header(redirected.value.response)
    response = await jp_fetch(
        "api", "rbac", "me", headers={"Authorization": "", "Cookie": signed_in}
    )
    assert b'"vera"' in response.body


async def test_me_reports_roles_and_scopes(runner):
    status, me = await runner.get("api", "rbac", "me")
    assert status == 200
    assert me["name"] == "rita"
    assert set(me["roles"]) >= {"runner", "user"}
    assert me["role_sources"]["runner"] == ["direct"]
    assert me["role_sources"]["analyst"] == ["group:analyst"]
    assert "write:contents!path=home/rita/**" in me["scopes"]
    assert "write:contents!path=shared/analyst/**" in me["scopes"]


async def _tries(client) -> dict[str, tuple[int, str | None]]:
    """What the server answers when `client` starts a kernel for a notebook of theirs and opens a
    terminal (each started one is shut down again): (status, the scope a refusal names)."""
    answers = {}
    path = f"home/{client.name}/try.ipynb"
    session = {"path": path, "type": "notebook", "kernel": {"name": "python3"}}
    status, body = await client.post("api", "sessions", body=session)
    answers["start_kernels"] = (status, body.get("missing_scope") if status == 403 else None)
    if status == 201:
        await client.delete("api", "sessions", body["id"])
    status, body = await client.post("api", "terminals")
    answers["open_terminals"] = (status, body.get("missing_scope") if status == 403 else None)
    if status == 200:
        await client.delete("api", "terminals", body["name"])
    return answers


async def test_me_says_what_the_user_may_start_as_the_server_decides(
    viewer, runner, editor, make_user, rbac, jp_root_dir
):
    """`can` agrees with what the server does when each user tries; a refused hint's `why_not`
    names a scope that, once given (with the next one it then names), makes the start work."""
    rbac.store.create_role(
        "own-kernels-only",
        [
            "write:sessions!user={user}",
            "execute:kernels!user={user}",
            "read:contents!path=home/{user}/**",
        ],
    )
    owner_only = make_user("oona", roles=["own-kernels-only"])
    for name in ("vera", "rita", "eddie", "oona"):
        (jp_root_dir / "home" / name).mkdir(parents=True)
    seen = set()
    for client in (viewer, runner, editor, owner_only):
        me = (await client.get("api", "rbac", "me"))[1]
        for hint, (status, missing) in (await _tries(client)).items():
            seen.add((hint, me["can"][hint]))
            assert me["can"][hint] is (status in (200, 201)), (client.name, hint, status)
            assert (hint in me["why_not"]) is (status == 403)
            if status == 403:
                # the same resource (`execute` implies the `write` a refusal may name)
                named = me["why_not"][hint]["missing_scope"]
                assert named.split("!")[0].split(":")[1] == missing.split("!")[0].split(":")[1]
    assert seen == {(h, b) for h in ("start_kernels", "open_terminals") for b in (True, False)}

    given: list[str] = []
    while not all((me := (await viewer.get("api", "rbac", "me"))[1])["can"].values()):
        named = [reason["missing_scope"] for reason in me["why_not"].values()]
        assert not set(named) & set(given), named  # a scope given is never named again
        given += named
        rbac.store.create_role(f"granted-{len(given)}", named)
        rbac.store.assign_role(f"granted-{len(given)}", users=["vera"])
        rbac.policy.refresh()
    assert sorted(given) == [
        "execute:kernels!user=vera",
        "execute:terminals!user=vera",
        "write:sessions!user=vera",
    ]
    answers = await _tries(viewer)
    assert {hint: status for hint, (status, _) in answers.items()} == {
        "start_kernels": 201,
        "open_terminals": 200,
    }
