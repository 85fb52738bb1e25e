"""What a viewer and an editor see in JupyterLab under jupyter-rbac (a real server and chromium)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

NOTEBOOK = "work/hello.ipynb"
ORIGINAL = 'print("hello")'


def test_viewer_opens_a_notebook_but_saving_is_refused(lab, lab_server):
    edit = "  # edited by vera"
    lab.sign_in(lab_server.tokens["vera"])
    kernel_starts = lab.record_requests("POST", "/api/sessions")
    lab.open_notebook(NOTEBOOK)

    # A viewer may not start kernels: the notebook opens without one, and without asking.
    expect(lab.status_bar_item("No Kernel")).to_be_visible()

    # The server tells JupyterLab the notebook is not writable for vera: it opens read-only.
    expect(lab.read_only_indicator).to_be_visible()
    expect(lab.cell_editor(0)).to_have_text(ORIGINAL)
    lab.try_typing_in_first_cell(edit)  # the cells are read-only: the keys change nothing
    expect(lab.cell_editor(0)).to_have_text(ORIGINAL)
    writes = lab.press_save()
    expect(lab.notification(f"{NOTEBOOK} is read-only")).to_be_visible()
    assert writes == []
    lab.expect_no_dialog()
    assert kernel_starts == []  # JupyterLab never asked for the kernel the server would refuse

    # Bypassing JupyterLab does not help: the server refuses the save from vera's browser.
    refused = lab.put_contents_as_this_browser(
        NOTEBOOK,
        {
            "type": "notebook",
            "format": "json",
            "content": lab_server.notebook_with(ORIGINAL + edit),
        },
    )
    assert refused.status == 403
    assert refused.json()["missing_scope"] == "write:contents"

    # Nothing reached the disk, and the server still serves the original.
    assert lab_server.cells_on_disk(NOTEBOOK) == [ORIGINAL]
    assert lab_server.cells_served(NOTEBOOK, lab_server.tokens["eddie"]) == [ORIGINAL]


def test_editor_saves_the_same_notebook(lab, lab_server):
    edit = "  # edited by eddie"
    lab.sign_in(lab_server.tokens["eddie"])
    lab.open_notebook(NOTEBOOK)
    # An editor's notebook gets its kernel (and no dialog); wait for it as a user would.
    expect(lab.status_bar_item("Python 3 (ipykernel) | Idle")).to_be_visible()

    expect(lab.cell_editor(0)).to_have_text(ORIGINAL)
    lab.type_in_first_cell(edit)
    saved = lab.save()

    assert saved.status == 200
    lab.expect_saved("hello.ipynb")
    lab.expect_no_dialog()
    assert lab_server.cells_on_disk(NOTEBOOK) == [ORIGINAL + edit]
    assert lab_server.cells_served(NOTEBOOK, lab_server.tokens["vera"]) == [ORIGINAL + edit]


def test_viewer_sees_who_they_are_in_the_status_bar(lab, lab_server):
    lab.sign_in(lab_server.tokens["vera"])

    expect(lab.status_bar_item(re.compile(r"\bvera\b.*\bviewer\b"))).to_be_visible()


def test_every_user_sees_their_permissions_in_the_access_panel(lab, lab_server, tmp_path):
    lab.sign_in(lab_server.tokens["vera"])
    lab.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[title='Access']").click()
    panel = lab.page.locator("#jp-rbac-access")
    expect(panel.get_by_role("list", name="My roles")).to_contain_text("viewer (given to you)")
    expect(panel.get_by_role("list", name="What I may do")).to_contain_text(
        "List folders and open files and notebooks."
    )
    lab.page.screenshot(path=str(tmp_path / "access-my-permissions.png"))
    # the command palette's "Access: My permissions" opens the same view
    lab.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[title='Access']").click()  # close it
    expect(panel).to_be_hidden()
    lab.page.keyboard.press("Control+Shift+c")
    lab.page.keyboard.type("Access: My permissions")
    lab.page.keyboard.press("Enter")
    expect(panel.get_by_role("list", name="My roles")).to_be_visible()


def test_an_administrator_checks_access_in_the_panel(lab, lab_server):
    lab.sign_in(lab_server.tokens["boss"])
    form = lab.access_section("Check access").get_by_role("form", name="Check access")
    form.get_by_label("User", exact=True).fill("vera")
    form.get_by_label("Action", exact=True).select_option("write")
    form.get_by_label("Path (optional)").fill("work/hello.ipynb")
    form.get_by_label("Path (optional)").press("Enter")  # the keyboard submits the form
    expect(form.get_by_role("status")).to_have_text(
        "Refused: it needs the scope write:contents!path=work/hello.ipynb."
    )
    form.get_by_label("Action", exact=True).select_option("read")
    form.get_by_role("button", name="Check").scroll_into_view_if_needed()
    form.get_by_role("button", name="Check").click()
    expect(form.get_by_role("status")).to_have_text(
        re.compile(r"Allowed: role viewer grants read:contents")
    )


def test_the_administration_views_are_not_rendered_for_others(lab, lab_server):
    lab.sign_in(lab_server.tokens["vera"])
    lab.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[title='Access']").click()
    expect(lab.page.locator("#jp-rbac-access").get_by_role("list", name="My roles")).to_be_visible()
    expect(lab.page.get_by_role("form", name="Check access")).to_have_count(0)
    for section in ("Roles", "Members", "Check access", "Access matrix", "Audit"):
        expect(lab.page.locator(f"[aria-label='{section} Section']")).to_have_count(0)
