"""Each person their own JupyterLab (issue 19), in a real browser: an administrator's dark theme
and open notebook stay theirs; a viewer in another browser keeps the light theme and their own
open files across reloads, and saving their layout is never refused."""

from __future__ import annotations

from lab_page import JupyterLabPage
from playwright.sync_api import expect

NOTEBOOK = "work/hello.ipynb"


def _new_lab(browser, lab_server) -> JupyterLabPage:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    return JupyterLabPage(context.new_page(), lab_server.url)


def _theme_is_dark(lab: JupyterLabPage, dark: bool) -> None:
    expect(lab.page.locator("body")).to_have_attribute(
        "data-jp-theme-light", "false" if dark else "true"
    )


def test_an_administrators_theme_and_layout_stay_theirs(browser, lab, lab_server, rbac_cli):
    boss = lab
    boss.sign_in(lab_server.tokens["boss"])
    boss.run_command("Use Theme: JupyterLab Dark")
    _theme_is_dark(boss, True)

    vera = _new_lab(browser, lab_server)
    try:
        vera_saves = vera.record_requests("PUT", "/lab/api/workspaces/")
        vera.sign_in(lab_server.tokens["vera"])
        _theme_is_dark(vera, False)  # the administrator's choice is theirs, not a default
        vera.open_notebook(NOTEBOOK)
        # JupyterLab saves the layout a moment after each change
        vera.page.wait_for_timeout(2_000)
        assert vera_saves, "JupyterLab never saved vera's layout"
        vera.page.reload()
        # her own layout, restored: the notebook open, the file browser still in its folder
        expect(vera.document_tab("hello.ipynb")).to_be_visible(timeout=60_000)
        expect(vera.file_item("hello.ipynb")).to_be_visible()
        _theme_is_dark(vera, False)

        # the administrator's own layout did not get vera's notebook, and stays dark
        boss.page.reload()
        boss.show_file_browser()
        _theme_is_dark(boss, True)
        expect(boss.document_tab("hello.ipynb")).to_have_count(0)
    finally:
        vera.page.context.close()

    # no layout or settings save of vera's was refused (the audit keeps every refusal)
    refusals = rbac_cli("audit", "--kind", "request", "--limit", "100")
    assert "/lab/api/workspaces" not in refusals, refusals
    assert "/lab/api/settings" not in refusals, refusals
