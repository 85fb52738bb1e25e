"""Access control, the administration page in JupyterLab's main area, driven in chromium as an
administrator against a real server: the tabs follow the keyboard, a user's roles say how each
is held, a pending invitation shows with its inviter, a token is revoked (and stops working),
the audit trail is filtered by date and exported. A viewer has no way to the page at all."""

from __future__ import annotations

import csv
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


def test_an_administrator_lives_in_the_access_control_page(lab, lab_server):
    boss = lab_server.tokens["boss"]
    _api(lab_server, "POST", "invitations", boss, {"username": "ann", "roles": ["viewer"]})
    lab.sign_in(boss)

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
