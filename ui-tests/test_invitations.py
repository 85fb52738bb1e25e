"""Real identities in the browser: two people invited with different roles each accept their
link, sign in again through the login page, see their own name in JupyterLab, and are
authorized as themselves."""

from __future__ import annotations

import re

from lab_page import JupyterLabPage
from playwright.sync_api import expect

PEOPLE = {
    # user name: (display name, role, password)
    "ann": ("Ann Lee", "editor", "correct horse ann"),
    "bob": ("Bob Stone", "viewer", "battery staple bob"),
}


def invite(lab_server, rbac_cli, username: str) -> str:
    """`jupyter rbac invite` from a shell, as an administrator does; returns the link."""
    display_name, role, _ = PEOPLE[username]
    link = rbac_cli(
        "invite", username, "--display-name", display_name, "--role", role, "--url", lab_server.url
    ).strip()
    assert link.startswith(f"{lab_server.url}/rbac/invite?code="), link
    return link


def test_invited_people_sign_in_and_act_as_themselves(browser, lab_server, rbac_cli, tmp_path):
    links = {name: invite(lab_server, rbac_cli, name) for name in PEOPLE}
    for username, (display_name, role, password) in PEOPLE.items():
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(15_000)
        try:
            lab = JupyterLabPage(context.new_page(), lab_server.url)
            lab.accept_invitation(links[username], password)
            expect(lab.status_bar_item(re.compile(rf"{display_name}.*\b{role}\b"))).to_be_visible()

            lab.sign_out()
            lab.sign_in_with_password(username, password)
            label = lab.status_bar_item(re.compile(rf"{display_name}.*\b{role}\b"))
            expect(label).to_be_visible()
            expect(label).to_have_attribute(
                "title", re.compile(rf"Signed in as {display_name} \({username}\)")
            )
            lab.page.screenshot(path=str(tmp_path / f"signed-in-{username}.png"))

            identity = lab.page.evaluate("fetch('api/me').then(r => r.json())")
            assert identity["identity"]["username"] == username
            assert identity["identity"]["display_name"] == display_name

            saved = lab.put_contents_as_this_browser(
                f"work/{username}.txt", {"type": "file", "format": "text", "content": username}
            )
            if role == "editor":
                assert saved.status == 201, saved.text()
                assert (lab_server.root / "work" / f"{username}.txt").read_text() == username
            else:
                assert saved.status == 403 and "write:contents" in saved.text()
                assert not (lab_server.root / "work" / f"{username}.txt").exists()
        finally:
            context.close()

    # The links were single-use.
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(links["ann"])
        assert response.status == 409
        expect(page.get_by_text("has been used")).to_be_visible()
    finally:
        context.close()


def test_a_wrong_password_is_refused_on_the_login_page(browser, lab_server, rbac_cli):
    link = invite(lab_server, rbac_cli, "bob")
    context = browser.new_context()
    try:
        lab = JupyterLabPage(context.new_page(), lab_server.url)
        lab.accept_invitation(link, PEOPLE["bob"][2])
        lab.sign_out()
        lab.page.goto(f"{lab_server.url}/login")
        lab.page.get_by_label("User name").fill("bob")
        lab.page.get_by_label("Password or token").fill("not the password")
        lab.page.get_by_role("button", name="Sign in").click()
        expect(lab.page.get_by_role("alert")).to_have_text("Invalid user name or password.")
    finally:
        context.close()
