"""Secrets never reach the logs: API tokens (in a header, a login link, the login form, a failed
attempt), invitation codes and passwords, at every log level the server writes."""

from __future__ import annotations

import logging

import pytest
from tornado.httpclient import AsyncHTTPClient

from .support.browser_session import BrowserSession

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset


async def test_tokens_and_passwords_never_appear_in_the_log(caplog, rbac, admin, viewer, jp_fetch):
    caplog.set_level(logging.DEBUG)
    secrets = [admin.token, viewer.token]

    await viewer.get("api", "rbac", "me")  # Authorization header
    await jp_fetch(
        "lab", params={"token": viewer.token}, raise_error=False, follow_redirects=False
    )  # a login link
    browser = BrowserSession(jp_fetch)
    await browser.submit(("login",), ("login",), {"username": "vera", "password": viewer.token})
    wrong = viewer.token[:-4] + "zzzz"
    secrets.append(wrong)
    await jp_fetch(
        "api", "rbac", "me", headers={"Authorization": f"token {wrong}"}, raise_error=False
    )
    await jp_fetch("api", "rbac", "me", params={"token": wrong}, raise_error=False)

    status, created = await admin.post(
        "api", "rbac", "users", "vera", "tokens", body={"note": "for a script"}
    )
    assert status == 201
    secrets.append(created["token"])
    status, invitation = await admin.post("api", "rbac", "invitations", body={"username": "newbie"})
    assert status == 201
    code = invitation["url"].split("code=", 1)[1]
    secrets.append(code)
    await jp_fetch("rbac", "invite", params={"code": code}, raise_error=False)
    status, _ = await viewer.put(
        "api", "rbac", "me", "password", body={"new_password": "a long secret phrase"}
    )
    assert status == 204
    secrets.append("a long secret phrase")

    logged = caplog.text
    # the requests that carried secrets were logged (scrubbed): the test looks where they would be
    assert "?token=[secret]" in logged and "/rbac/invite?code=[secret]" in logged, logged[-2000:]
    leaked = [secret[:12] + "…" for secret in secrets if secret in logged]
    assert leaked == [], f"in the log: {leaked}"


async def test_refused_requests_are_logged_with_their_secrets_scrubbed(
    caplog, rbac, admin, viewer, jp_fetch, jp_http_port, jp_base_url
):
    """tornado's own warning for a refused request names it by its URI: scrubbed as the access
    line is, whether the refusal is ours (a revoked login link, a limited token on a page it may
    not open) or the server's (a form posted without its XSRF field)."""
    caplog.set_level(logging.DEBUG)
    revoked_id, revoked = rbac.store.create_token("vera", note="a login link")
    rbac.store.delete_token(revoked_id)
    _, limited = rbac.store.create_token("vera", scopes=["read:contents"], actor="vera")
    status, invitation = await admin.post("api", "rbac", "invitations", body={"username": "newbie"})
    assert status == 201
    code = invitation["url"].split("code=", 1)[1]

    refused = [
        await AsyncHTTPClient().fetch(  # the server's root, slash and all: a page refused, not redirected
            f"http://127.0.0.1:{jp_http_port}{jp_base_url}?token={revoked}", raise_error=False, follow_redirects=False
        ),
        await jp_fetch("lab", params={"token": limited}, raise_error=False, follow_redirects=False),
        await jp_fetch(
            "rbac", "invite", params={"code": code}, method="POST", body="password=x",
            raise_error=False, follow_redirects=False,
        ),
    ]  # fmt: skip
    assert [response.code for response in refused] == [403, 403, 403]

    warnings = [
        record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING
    ]
    # tornado's warning lines themselves (not only the access lines after them), scrubbed
    for summary in (
        "?token=[secret] (127.0.0.1): Forbidden: sign in first",
        "/lab?token=[secret] (127.0.0.1): Forbidden: you need the scope read:lab",
        "/rbac/invite?code=[secret] (127.0.0.1): '_xsrf' argument missing",
    ):
        assert any(summary in line for line in warnings), (summary, warnings)
    leaked = [secret[:12] + "…" for secret in (revoked, limited, code) if secret in caplog.text]
    assert leaked == [], f"in the log: {leaked}"
