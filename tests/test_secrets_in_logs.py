"""Secrets never reach the logs: API tokens (in a header, a login link, the login form, a failed
attempt), invitation codes and passwords, at every log level the server writes."""

from __future__ import annotations

import logging

from .browser_session import BrowserSession


async def test_tokens_and_passwords_never_appear_in_the_log(caplog, rbac, admin, viewer, jp_fetch):
    caplog.set_level(logging.DEBUG)
    secrets = [admin.token, viewer.token]

    await viewer.get("api", "rbac", "me")  # Authorization header
    await jp_fetch("lab", params={"token": viewer.token}, raise_error=False, follow_redirects=False)  # a login link
    browser = BrowserSession(jp_fetch)
    await browser.submit(("login",), ("login",), {"username": "vera", "password": viewer.token})
    wrong = viewer.token[:-4] + "zzzz"
    secrets.append(wrong)
    await jp_fetch("api", "rbac", "me", headers={"Authorization": f"token {wrong}"}, raise_error=False)
    await jp_fetch("api", "rbac", "me", params={"token": wrong}, raise_error=False)

    status, created = await admin.post("api", "rbac", "users", "vera", "tokens", body={"note": "for a script"})
    assert status == 201
    secrets.append(created["token"])
    status, invitation = await admin.post("api", "rbac", "invitations", body={"username": "newbie"})
    assert status == 201
    code = invitation["url"].split("code=", 1)[1]
    secrets.append(code)
    await jp_fetch("rbac", "invite", params={"code": code}, raise_error=False)
    status, _ = await viewer.put("api", "rbac", "me", "password", body={"new_password": "a long secret phrase"})
    assert status == 204
    secrets.append("a long secret phrase")

    logged = caplog.text
    # the requests that carried secrets were logged (scrubbed): the test looks where they would be
    assert "?token=[secret]" in logged and "/rbac/invite?code=[secret]" in logged, logged[-2000:]
    leaked = [secret[:12] + "…" for secret in secrets if secret in logged]
    assert leaked == [], f"in the log: {leaked}"
