"""Sharing a folder from the file browser, as two people do it: Ann shares her project with Bob
as Editor; Bob finds it under "Shared with me", opens the notebook there and saves; Ann makes
him a Viewer; Bob's next save is refused and his notebook turns read-only; Ann makes him an
Editor again and his notebook opens for typing without a reload.

With RBAC_SCREENSHOTS set to a folder, the share dialog is saved there (the README shows it)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import HELLO_NOTEBOOK
from lab_page import APP_LOAD_TIMEOUT, JupyterLabPage
from playwright.sync_api import expect


@pytest.fixture
def people(rbac_cli, lab_server) -> dict[str, str]:
    """Ann, an editor with a project in her home; Bob, who holds nothing but the everyone role.
    Their API tokens, by name."""
    project = lab_server.root / "home" / "ann" / "project"
    project.mkdir(parents=True)
    (project / "hello.ipynb").write_text(json.dumps(HELLO_NOTEBOOK, indent=1))
    rbac_cli("user", "create", "ann", "--role", "editor", "--display-name", "Ann Lee")
    rbac_cli("user", "create", "bob", "--display-name", "Bob Byrne")
    return {name: rbac_cli("token", "create", name).strip() for name in ("ann", "bob")}


def share_dialog_of(lab: JupyterLabPage, name: str):
    """Right-click `name` in the file browser, choose Share…; the dialog."""
    lab.file_item(name).click(button="right")
    lab.page.locator(".lm-Menu-item").filter(has_text=re.compile(r"^Share…")).click()
    lab.expect_dialog(f"Share “{name}”")
    return lab.dialog


def test_ann_shares_a_folder_with_bob_then_makes_him_a_viewer(browser, lab_server, people):
    ann, bob = (
        JupyterLabPage(
            browser.new_context(viewport={"width": 1280, "height": 800}).new_page(), lab_server.url
        )
        for _ in range(2)
    )
    try:
        ann.sign_in(people["ann"])
        ann.file_item("home").dblclick()
        ann.file_item("ann").dblclick()
        dialog = share_dialog_of(ann, "project")
        dialog.get_by_label("Share with").fill("bo")
        dialog.get_by_role("button", name="Bob Byrne (bob)").click()
        dialog.get_by_label("Editor").check()
        dialog.get_by_role("button", name="Share", exact=True).click()
        shared_with = dialog.get_by_role("list", name="Shared with")
        expect(shared_with).to_contain_text("bob")
        expect(shared_with).to_contain_text("shared by ann")
        # Ann may not read other users: they are counted, not named
        expect(dialog.get_by_role("list", name="Who has access")).to_contain_text("Ann Lee")
        expect(
            dialog.get_by_text(re.compile(r"and \d+ more people you may not see"))
        ).to_be_visible()
        screenshots = os.environ.get("RBAC_SCREENSHOTS")
        if screenshots:
            Path(screenshots).mkdir(parents=True, exist_ok=True)
            dialog.locator(".jp-Dialog-content").screenshot(
                path=str(Path(screenshots) / "share-dialog-light.png")
            )
        ann.close_dialog("Done")
        # Ann's file browser marks what she shared
        expect(
            ann.page.locator("#filebrowser .jp-DirListing-item[data-rbac-shared='by-you']")
        ).to_contain_text("project")

        # Bob: nothing to see at the root but the way to what was shared with him
        bob.page.goto(f"{lab_server.url}/lab?token={people['bob']}")
        expect(bob.file_item("home")).to_be_visible(timeout=APP_LOAD_TIMEOUT)
        expect(bob.file_item("work")).to_have_count(0)
        shared = bob.access_section("Shared with me")
        shared.get_by_role("button", name="home/ann/project/").click()
        expect(
            bob.page.locator("#filebrowser .jp-DirListing-item[data-rbac-shared='with-you']")
        ).to_have_count(0)  # inside it now
        bob.file_item("hello.ipynb").dblclick()
        expect(bob.notebook_tab("hello.ipynb")).to_be_visible()
        bob.type_in_first_cell(" # Bob was here")
        assert bob.save().status == 200
        assert "# Bob was here" in lab_server.cells_on_disk("home/ann/project/hello.ipynb")[0]

        bob.type_in_first_cell(" and more")  # typed while he may still edit

        # Ann makes him a Viewer
        dialog = share_dialog_of(ann, "project")
        dialog.get_by_label("Role of bob").select_option("viewer")
        expect(dialog.get_by_label("Role of bob")).to_have_value("viewer")
        ann.close_dialog("Done")

        # Bob's next save is refused, and his notebook turns read-only (his JupyterLab hears
        # that his permissions changed)
        assert bob.save().status == 403
        bob.close_dialog("Close")
        expect(bob.notebook).to_have_class(re.compile(r"\bjp-RBAC-ReadOnlyDocument\b"))
        bob.try_typing_in_first_cell("!")
        expect(bob.cell_editor(0)).not_to_contain_text("more!")
        on_disk = lab_server.cells_on_disk("home/ann/project/hello.ipynb")[0]
        assert "# Bob was here" in on_disk and "and more" not in on_disk

        # Ann makes him an Editor again: his notebook opens for typing, without a reload, and
        # what he typed meanwhile saves
        dialog = share_dialog_of(ann, "project")
        dialog.get_by_label("Role of bob").select_option("editor")
        expect(dialog.get_by_label("Role of bob")).to_have_value("editor")
        ann.close_dialog("Done")
        expect(bob.notebook).not_to_have_class(re.compile(r"\bjp-RBAC-ReadOnlyDocument\b"))
        assert bob.save().status == 200
        assert "and more" in lab_server.cells_on_disk("home/ann/project/hello.ipynb")[0]
    finally:
        ann.page.context.close()
        bob.page.context.close()
