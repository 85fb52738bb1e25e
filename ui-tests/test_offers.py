"""JupyterLab offers each person what they may do (issue 19), in a real browser against a real
server: a viewer's Launcher has no kernel or terminal tile and their file browser no usable New
folder or Upload (the tooltip names the scope they lack); a runner gets the notebook tiles,
New folder and Upload in their own folder only; once a role is given, what it allows appears
without a reload."""

from __future__ import annotations

import re

import pytest
from lab_page import JupyterLabPage
from playwright.sync_api import Locator, expect

# From a role given on the server to the page showing it: the server notices within a second
# (c.RBAC.websocket_recheck_seconds), then JupyterLab reads /api/rbac/me again.
ROLE_SHOWN_TIMEOUT = 15_000


@pytest.fixture
def rita(lab_server, rbac_cli) -> str:
    """A runner with a home folder of her own; her API token."""
    (lab_server.root / "home" / "rita").mkdir(parents=True)
    rbac_cli("user", "create", "rita", "--role", "runner")
    return rbac_cli("token", "create", "rita").strip()


def _launcher(lab: JupyterLabPage) -> Locator:
    """The Launcher, opened anew in the file browser's folder."""
    lab.run_command("New Launcher")
    launcher = lab.page.locator(".jp-Launcher").last
    expect(launcher).to_be_visible()
    return launcher


def _tiles(launcher: Locator, category: str) -> Locator:
    return launcher.locator(f'.jp-LauncherCard[data-category="{category}"]')


def _new_folder_button(lab: JupyterLabPage) -> Locator:
    return lab.page.locator(
        '#filebrowser .jp-Toolbar [data-command="filebrowser:create-new-directory"]'
    )


def _upload_button(lab: JupyterLabPage) -> Locator:
    return lab.page.locator("#filebrowser .jp-Toolbar .jp-id-upload .jp-ToolbarButtonComponent")


def _refused_upload_button(lab: JupyterLabPage) -> Locator:
    return lab.page.locator(
        "#filebrowser .jp-Toolbar .jp-RBAC-UploadRefused .jp-ToolbarButtonComponent"
    )


def _expect_usable(button: Locator, usable: bool) -> None:
    """JupyterLab's toolbar buttons are `jp-button` elements, which say it with aria-disabled."""
    expect(button).to_have_attribute("aria-disabled", "false" if usable else "true")


def _go_to(lab: JupyterLabPage, *folders: str) -> None:
    for folder in folders:
        lab.file_item(folder).dblclick()
    crumbs = lab.page.locator("#filebrowser .jp-BreadCrumbs")
    expect(crumbs).to_contain_text(folders[-1])


def test_a_viewer_is_offered_nothing_the_server_would_refuse(lab, lab_server):
    lab.sign_in(lab_server.tokens["vera"])
    launcher = _launcher(lab)

    expect(_tiles(launcher, "Other").first).to_be_visible()  # rendered, with what is left
    for category in ("Notebook", "Console"):
        expect(_tiles(launcher, category)).to_have_count(0)
    expect(launcher.get_by_text("Terminal", exact=True)).to_have_count(0)
    expect(launcher.get_by_text("Text File", exact=True)).to_have_count(0)

    _expect_usable(_new_folder_button(lab), False)
    expect(_new_folder_button(lab)).to_have_attribute(
        "title", "You need the scope write:contents!path=*"
    )
    expect(_upload_button(lab)).to_have_count(1)
    expect(_upload_button(lab)).to_be_hidden()
    _expect_usable(_refused_upload_button(lab), False)
    expect(_refused_upload_button(lab)).to_have_attribute(
        "title", "You need the scope write:contents!path=*"
    )

    lab.file_item("work").click(button="right")  # the file browser's context menu
    menu = lab.page.locator(".lm-Menu").last
    for command in ("filebrowser:rename", "filebrowser:delete", "filebrowser:cut"):
        item = menu.locator(f'.lm-Menu-item[data-command="{command}"]')
        expect(item).to_have_class(re.compile(r"\blm-mod-disabled\b"))
    lab.page.keyboard.press("Escape")


def test_a_runner_gets_new_in_her_folder_only_and_a_new_role_without_a_reload(
    lab, lab_server, rbac_cli, rita
):
    lab.sign_in(rita)
    launcher = _launcher(lab)
    # at the root: consoles (no file is made), no notebook tile, no New folder, no Upload
    expect(_tiles(launcher, "Console").first).to_be_visible()
    expect(_tiles(launcher, "Notebook")).to_have_count(0)
    expect(launcher.get_by_text("Terminal", exact=True)).to_have_count(0)
    _expect_usable(_new_folder_button(lab), False)
    _expect_usable(_refused_upload_button(lab), False)

    _go_to(lab, "home", "rita")  # the Launcher follows the file browser's folder
    expect(_tiles(launcher, "Notebook").first).to_be_visible()
    expect(launcher.get_by_text("Text File", exact=True)).to_be_visible()
    _expect_usable(_new_folder_button(lab), True)
    _expect_usable(_upload_button(lab), True)
    expect(_refused_upload_button(lab)).to_have_count(0)

    # one folder up, by the breadcrumbs: hers no more
    lab.page.locator("#filebrowser .jp-BreadCrumbs-item").filter(has_text="home").click()
    expect(lab.file_item("rita")).to_be_visible()
    expect(_tiles(launcher, "Notebook")).to_have_count(0)
    _expect_usable(_new_folder_button(lab), False)
    expect(_new_folder_button(lab)).to_have_attribute(
        "title", "You need the scope write:contents!path=home/*"
    )

    rbac_cli("grant", "editor", "--user", "rita")  # writes everywhere, opens terminals
    expect(launcher.get_by_text("Terminal", exact=True)).to_be_visible(timeout=ROLE_SHOWN_TIMEOUT)
    expect(_tiles(launcher, "Notebook").first).to_be_visible()
    _expect_usable(_new_folder_button(lab), True)
    _expect_usable(_upload_button(lab), True)
