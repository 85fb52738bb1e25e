"""Access control, the administration page in JupyterLab's main area, driven in chromium as an
administrator against a real server: a new role is found among a thousand by search and given
to a user from the Users table, two people are invited at once, the tabs follow the keyboard, a
user's roles say how each is held, a pending invitation shows with its inviter, a token is
revoked (and stops working), the audit trail is filtered by date and exported. A viewer has no
way to the page at all."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import urllib.request
from datetime import date
from pathlib import Path

from lab_page import JupyterLabPage
from playwright.sync_api import expect


def _api(lab_server, method: str, path: str, token: str, body: dict | None = None):
    request = urllib.request.Request(
        f"{lab_server.url}/api/rbac/{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def _many_roles(lab_server, token: str, count: int) -> None:
    """`count` roles made through the API on one kept-alive connection."""
    host, port = lab_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    try:
        for number in range(count):
            body = json.dumps({"name": f"bulk-{number:04}", "scopes": ["read:lsp"]})
            connection.request("POST", "/api/rbac/roles", body=body, headers=headers)
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 201, (number, answer.status)
    finally:
        connection.close()


def test_an_administrator_lives_in_the_access_control_page(lab, lab_server):
    boss = lab_server.tokens["boss"]
    _api(lab_server, "POST", "invitations", boss, {"username": "ann", "roles": ["viewer"]})
    _many_roles(lab_server, boss, 1000)
    lab.sign_in(boss)

    # --- Roles: a new role, found among a thousand by the server's search ----------------------
    roles = lab.open_access_page("Roles")
    table = roles.get_by_role("table", name="Roles")
    expect(table).to_contain_text("bulk-0000")
    roles.get_by_role("button", name="New role").click()
    editor = roles.get_by_role("form", name="New role")
    editor.get_by_label("Name", exact=True).fill("auditor")
    editor.get_by_label("Description").fill("Reads the audit trail")
    editor.get_by_label("Scope", exact=True).fill("read:audit")
    editor.get_by_role("button", name="Add scope").click()
    expect(editor.get_by_role("list", name="Scopes")).to_have_text("read:audit×")
    editor.get_by_role("button", name="Create role").click()
    expect(lab.notification("Role auditor created.")).to_be_visible()
    roles.get_by_role("searchbox", name="Search roles").fill("auditor")
    expect(table.get_by_role("row").filter(has_text="Reads the audit trail")).to_have_count(1)
    expect(table.get_by_role("row")).to_have_count(2)  # the header and auditor alone

    # --- Users: the role given to vera from the Users table ------------------------------------
    users = lab.open_access_page("Users")
    users.get_by_role("button", name="Open user vera").click()
    pane = users.get_by_role("region", name="User vera")
    pane.get_by_label("Add to Roles").fill("auditor")
    pane.get_by_label("Add to Roles").press("Enter")
    expect(pane.get_by_role("list", name="Roles")).to_contain_text("auditor")
    lab.page.keyboard.press("Escape")
    vera = users.get_by_role("table", name="Users").get_by_role("row").filter(has_text="vera")
    expect(vera).to_contain_text("auditor (given directly)")
    status, _ = lab_server.request("/api/rbac/audit", lab_server.tokens["vera"])
    assert status == 200  # the role works at once

    # --- Invite two people at once, one link each ----------------------------------------------
    users.get_by_role("button", name="Invite…").click()
    form = users.get_by_role("form", name="Invite someone")
    form.get_by_label("Invite several people at once").check()
    form.get_by_role("textbox", name=re.compile("One person per line")).fill(
        "kim, Kim Lee, viewer\nlou,,auditor"
    )
    form.get_by_role("button", name="Create one link each").click()
    made = form.get_by_role("table", name=re.compile("Invitations made"))
    for name in ("kim", "lou"):
        link = made.get_by_label(f"Invitation link of {name}")
        expect(link).to_have_value(re.compile(r"/rbac/invite\?code=rbacinv_"))
    # the links are shown this once: closing asks first
    form.get_by_role("button", name="Create one link each").press("Escape")
    lab.dialog.get_by_role("button", name="Discard").click()
    expect(form).to_have_count(0)

    # --- the tabs, by keyboard ---------------------------------------------------------------
    users = lab.open_access_page("Users")
    tabs = lab.access_page.get_by_role("tablist", name="Access control")
    expect(tabs.get_by_role("tab", name="Users")).to_have_attribute("aria-selected", "true")
    tabs.get_by_role("tab", name="Users").press("ArrowRight")
    expect(tabs.get_by_role("tab", name="Invitations")).to_be_focused()

    # --- Users: every role and how it is held ---------------------------------------------------
    table = users.get_by_role("table", name="Users")
    vera_row = table.get_by_role("row").filter(has_text="vera")
    expect(vera_row).to_contain_text("viewer (given directly)")
    expect(vera_row).to_contain_text("user (every user)")
    vera_row.get_by_role("button", name="Open user vera").click()
    pane = users.get_by_role("region", name="User vera")
    expect(pane.get_by_role("heading", name="User vera")).to_be_focused()
    lab.page.keyboard.press("Escape")
    expect(pane).to_have_count(0)
    expect(vera_row.get_by_role("button", name="Open user vera")).to_be_focused()

    # --- Invitations: pending, with who invited ------------------------------------------------
    invitations = lab.open_access_page("Invitations")
    row = (
        invitations.get_by_role("table", name="Invitations")
        .get_by_role("row")
        .filter(has_text="ann")
    )
    expect(row).to_contain_text("boss")
    expect(row).to_contain_text("role viewer")
    for name in ("kim", "lou"):
        expect(invitations.get_by_role("table", name="Invitations")).to_contain_text(name)

    # --- Tokens: revoke vera's, and it stops working -------------------------------------------
    tokens = lab.open_access_page("Tokens")
    tokens.get_by_role("searchbox", name="Search tokens by owner, note or prefix").fill("vera")
    revoke = tokens.get_by_role("button", name=re.compile(r"^Revoke token rbac_\w+ of vera$"))
    expect(revoke).to_have_count(1)
    revoke.click()
    lab.dialog.get_by_role("button", name="Revoke").click()
    expect(tokens.get_by_role("table", name="API tokens")).to_contain_text("No token matches.")
    status, _ = lab_server.request("/api/rbac/me", lab_server.tokens["vera"])
    assert status in (401, 403), status

    # --- Audit: today's events, exported --------------------------------------------------------
    audit = lab.open_access_page("Audit")
    today = date.today().isoformat()
    audit.get_by_label("From").fill(today)
    audit.get_by_label("To").fill(today)
    audit.get_by_role("button", name="Filter").click()
    expect(audit.get_by_role("list", name="Audit events")).to_contain_text("token.delete")
    with lab.page.expect_download() as download:
        audit.get_by_role("button", name="Export CSV").click()
    text = Path(download.value.path()).read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert download.value.suggested_filename.endswith(".csv")
    assert {"invitation.create", "token.delete"} <= {row["action"] for row in rows}


def test_a_viewer_has_no_way_to_the_page(browser, lab_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        lab = JupyterLabPage(context.new_page(), lab_server.url)
        lab.sign_in(lab_server.tokens["vera"])
        panel = lab.open_access_panel()
        expect(panel.get_by_role("button", name="Open Access control")).to_have_count(0)
        lab.page.get_by_role("menuitem", name="Settings").click()
        expect(lab.page.get_by_role("menuitem", name="Access Control")).to_have_count(0)
    finally:
        context.close()
