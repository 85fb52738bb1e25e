"""The Access panel's administration views, driven in chromium against a real server: an
administrator builds a role with a path-filtered scope, gives it to a group and puts a user in
the group; that user, in their own browser, may save in the permitted folder and nowhere else;
the audit view shows the changes. Screenshots of each view, light and dark, are kept."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest
from lab_page import JupyterLabPage
from playwright.sync_api import expect

# Screenshots of every view (light and dark), kept after the run as artifacts.
ARTIFACTS = Path(os.environ.get("RBAC_UI_ARTIFACTS", Path(__file__).parent / "artifacts"))

ROLE = "developer-files"
GROUP = "dev-team"
PERMITTED = "shared/developer/notes.txt"
ELSEWHERE = "shared/other/plans.txt"


@pytest.fixture
def shared_files(lab_server) -> Path:
    for path in (PERMITTED, ELSEWHERE):
        target = lab_server.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("first line\n")
    return lab_server.root


def _new_lab(browser, lab_server) -> JupyterLabPage:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    return JupyterLabPage(context.new_page(), lab_server.url)


def _api(lab_server, method: str, path: str, token: str, body: dict | None = None, headers=None):
    request = urllib.request.Request(
        f"{lab_server.url}/api/rbac/{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"token {token}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def test_an_administrator_grants_a_folder_through_a_group(browser, lab_server, shared_files):
    admin = _new_lab(browser, lab_server)
    viewer = _new_lab(browser, lab_server)
    try:
        admin.sign_in(lab_server.tokens["boss"])

        # --- Roles: a new role with a path-filtered scope, built with the scope picker ---------
        roles = admin.access_section("Roles")
        roles.get_by_role("button", name="New role").click()
        editor = roles.get_by_role("form", name="New role")
        editor.get_by_label("Name", exact=True).fill("viewer")  # taken: the server says so
        editor.get_by_label("Description").fill("Open and save files under shared/developer")
        editor.get_by_label("Scope", exact=True).fill("write:contents")
        expect(editor.locator(".jp-RBAC-Help").first).to_contain_text(
            "save, upload"
        )  # the catalog's words
        editor.get_by_label("Narrow to").select_option("path")
        editor.get_by_label("Path", exact=True).fill("shared/developer/**")
        editor.get_by_label("Path", exact=True).press("Enter")  # the keyboard adds the scope
        expect(editor.get_by_role("list", name="Scopes")).to_have_text(
            "write:contents!path=shared/developer/**×"
        )
        expect(editor.get_by_role("list", name="What it grants")).to_contain_text(
            "(under shared/developer/)"
        )
        editor.get_by_role("button", name="Create role").click()
        expect(editor.get_by_role("alert")).to_contain_text("viewer")  # 409, inline, nothing lost
        editor.get_by_label("Name", exact=True).fill(ROLE)
        editor.get_by_role("button", name="Create role").click()
        role_list = roles.get_by_role("list", name="Roles")
        expect(role_list).to_contain_text(ROLE)
        expect(admin.notification(f"Role {ROLE} created.")).to_be_visible()

        # --- Members: a group holding the role, with vera in it -----------------------------
        members = admin.access_section("Members")
        members.get_by_role("tab", name="Groups").click()
        members.get_by_label("New group name").fill(GROUP)
        members.get_by_role("button", name="Create group").click()
        group = members.get_by_role("region", name=f"Group {GROUP}")
        group.get_by_label("Add to Roles").fill(ROLE)
        group.get_by_label("Add to Roles").press("Enter")
        expect(group.get_by_role("list", name="Roles")).to_contain_text(ROLE)
        group.get_by_label("Add to Members").fill("vera")
        group.get_by_role("button", name="Add").last.click()
        expect(group.get_by_role("list", name="Members")).to_contain_text("vera")

        # --- vera, in her own browser: saves under shared/developer, and nowhere else ---------
        viewer.sign_in(lab_server.tokens["vera"])
        viewer.open_file(PERMITTED)
        viewer.type_in_text_editor("second line by vera")
        saved = viewer.save()
        assert saved.status == 200
        viewer.expect_saved("notes.txt")
        assert (shared_files / PERMITTED).read_text() == "first line\nsecond line by vera"

        viewer.open_file(ELSEWHERE)
        viewer.try_typing_in_text_editor("not allowed here")  # read-only: nothing changes
        expect(viewer.text_editor).to_have_text("first line")
        writes = viewer.press_save()
        expect(viewer.notification(f"{ELSEWHERE} is read-only")).to_be_visible()
        assert writes == []
        refused = viewer.put_contents_as_this_browser(
            ELSEWHERE, {"type": "file", "format": "text", "content": "not allowed here"}
        )
        assert refused.status == 403
        assert refused.json()["missing_scope"] == f"write:contents!path={ELSEWHERE}"
        assert (shared_files / ELSEWHERE).read_text() == "first line\n"

        # --- Audit: the changes, newest first, live (no reload) ---------------------------------
        audit = admin.access_section("Audit")
        events = audit.get_by_role("list", name="Audit events")
        expect(events).to_contain_text(f"boss created role {ROLE}")
        expect(events).to_contain_text(f"boss created group {GROUP}")
        expect(events).to_contain_text("vera")
        texts = events.locator("li").all_inner_texts()
        first_create = next(i for i, text in enumerate(texts) if "role.create" in text)
        group_create = next(i for i, text in enumerate(texts) if "group.create" in text)
        assert group_create < first_create, texts  # newest first
        # vera's refused write shows up by itself while the view is open
        expect(events).to_contain_text(
            f"vera was refused PUT /api/contents/{ELSEWHERE}", timeout=30_000
        )
        audit.get_by_label("Kind").select_option("role")
        expect(events).to_contain_text(f"boss created role {ROLE}")
        expect(events.locator("li").filter(has_not_text=re.compile(r"\brole\."))).to_have_count(0)
    finally:
        admin.page.context.close()
        viewer.page.context.close()


def test_a_save_that_lost_a_race_is_reloaded_and_retried(browser, lab_server):
    admin = _new_lab(browser, lab_server)
    try:
        boss = lab_server.tokens["boss"]
        _api(lab_server, "POST", "roles", boss, {"name": ROLE, "scopes": ["read:contents"]})
        admin.sign_in(boss)
        admin.run_command("Access: Manage roles")  # the palette opens the Roles section
        roles = admin.access_panel.locator("#jp-rbac-section-roles")
        roles.get_by_role("button", name=f"Open role {ROLE}").click()
        editor = roles.get_by_role("form", name=f"Edit role {ROLE}")
        editor.get_by_label("Scope", exact=True).fill("write:contents")
        editor.get_by_role("button", name="Add scope").click()

        # Meanwhile somebody else changes the role's description.
        _api(lab_server, "PATCH", f"roles/{ROLE}", boss, {"description": "changed meanwhile"})

        editor.get_by_role("button", name="Save").click()
        admin.expect_dialog(f"Role {ROLE} changed")
        admin.close_dialog("Reload and retry")
        expect(admin.notification(f"Role {ROLE} saved.")).to_be_visible()
        role = _api(lab_server, "GET", f"roles/{ROLE}", boss)
        assert role["scopes"] == ["read:contents", "write:contents"]
        assert role["revision"] == 3, role  # created, changed meanwhile, saved on top
    finally:
        admin.page.context.close()


SCREENSHOT_SECTIONS = (
    "My permissions",
    "Roles",
    "Members",
    "Check access",
    "Access matrix",
    "Audit",
)


def test_every_view_in_light_and_dark_themes(browser, lab_server):
    """Screenshots of each view, for people to look at (saved under ARTIFACTS)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    admin = _new_lab(browser, lab_server)
    try:
        admin.sign_in(lab_server.tokens["boss"])
        _api(
            lab_server,
            "POST",
            "groups",
            lab_server.tokens["boss"],
            {"name": GROUP, "members": ["vera", "eddie"], "roles": ["editor"]},
        )
        admin.open_access_panel()
        # A wider sidebar, as a person managing roles would drag it.
        handle = admin.page.locator(
            "#jp-main-split-panel > .lm-SplitPanel-handle:not(.lm-mod-hidden)"
        ).first
        box = handle.bounding_box()
        admin.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 200)
        admin.page.mouse.down()
        admin.page.mouse.move(box["x"] + 200, box["y"] + 200, steps=5)
        admin.page.mouse.up()
        for theme in ("light", "dark"):
            if theme == "dark":
                admin.run_command("Use Theme: JupyterLab Dark")
                expect(admin.page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
            for label in SCREENSHOT_SECTIONS:
                section = admin.access_section(label)
                _fill_view(admin, label, section)
                slug = re.sub(r"\W+", "-", label.lower())
                admin.access_panel.screenshot(path=str(ARTIFACTS / f"access-{slug}-{theme}.png"))
                if label == "Roles":  # and the role editor, on a role with templated scopes
                    section.get_by_role("button", name="Open role runner").click()
                    expect(section.get_by_role("list", name="What it grants")).to_contain_text(
                        "(under home/{user}/: each user's own)"
                    )
                    admin.access_panel.screenshot(
                        path=str(ARTIFACTS / f"access-role-editor-{theme}.png")
                    )
                    section.get_by_role("button", name="Cancel").click()
                admin.access_panel.locator(f"[aria-label='{label} Section']").click()  # collapse
        assert len(list(ARTIFACTS.glob("access-*-dark.png"))) == len(SCREENSHOT_SECTIONS) + 1
    finally:
        admin.page.context.close()


def _fill_view(lab: JupyterLabPage, label: str, section) -> None:
    """Put something worth seeing in a view before its screenshot."""
    if label == "My permissions":
        expect(section.get_by_role("list", name="My roles")).to_be_visible()
    elif label == "Roles":
        expect(section.get_by_role("list", name="Roles")).to_contain_text("viewer")
    elif label == "Members":
        expect(section.get_by_role("list", name="Users")).to_contain_text("vera")
    elif label == "Check access":
        form = section.get_by_role("form", name="Check access")
        form.get_by_label("User", exact=True).fill("vera")
        form.get_by_role("button", name="Check").click()
        expect(form.get_by_role("status")).to_contain_text("Allowed")
    elif label == "Access matrix":
        form = section.get_by_role("form", name="Access matrix")
        field = form.get_by_role("combobox", name="Add to Users holding any of these roles")
        for role in ("viewer", "editor"):  # the roles are found on the server as one types
            field.fill(role)
            field.press("Enter")
        form.get_by_role("button", name="Show").click()
        expect(section.get_by_role("table")).to_contain_text("eddie")
    elif label == "Audit":
        expect(section.get_by_role("list", name="Audit events")).to_contain_text("group.create")
