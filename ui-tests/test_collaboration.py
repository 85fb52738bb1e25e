"""Real-time collaboration in two browsers: eddie (editor) and vera (viewer) in the same notebook.
Each sees the other in the Collaborators view, as the server verified them; eddie's typing
reaches vera live; vera cannot change the notebook, and the file holds only eddie's text."""

from __future__ import annotations

import re

import pytest
from lab_page import JupyterLabPage
from playwright.sync_api import expect

NOTEBOOK = "work/hello.ipynb"
ORIGINAL = 'print("hello")'


@pytest.fixture
def collaboration() -> bool:
    return True


def _new_lab(browser, lab_server) -> JupyterLabPage:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    return JupyterLabPage(context.new_page(), lab_server.url)


def test_an_editor_and_a_viewer_collaborate(browser, lab_server, tmp_path):
    eddie = _new_lab(browser, lab_server)
    vera = _new_lab(browser, lab_server)
    try:
        eddie.sign_in(lab_server.tokens["eddie"])
        vera.sign_in(lab_server.tokens["vera"])
        eddie.open_notebook(NOTEBOOK)
        vera.open_notebook(NOTEBOOK)
        expect(vera.read_only_indicator).to_be_visible()

        # Each sees both, with the color the server gave each user.
        colors = {
            name: lab.page.request.get(f"{lab_server.url}/api/rbac/me").json()["color"]
            for name, lab in (("eddie", eddie), ("vera", vera))
        }
        for lab in (eddie, vera):
            people = lab.access_section("Collaborators").get_by_role("list", name="Collaborators")
            for name, mode in (("eddie", "editor"), ("vera", "viewer")):
                person = people.get_by_role("listitem", name=name, exact=True)
                expect(person.get_by_role("list", name=f"Documents {name} has open")).to_have_text(
                    re.compile(rf"^{re.escape(NOTEBOOK)} {mode} since \d")
                )
                avatar = person.locator(".jp-RBAC-Avatar")
                expect(avatar).to_have_attribute("style", re.compile(re.escape(colors[name])))
        eddie.page.screenshot(path=str(tmp_path / "collaborators-eddie.png"))

        # eddie types; vera sees it live
        edit = "  # eddie was here"
        eddie.type_in_first_cell(edit)
        expect(vera.cell_editor(0)).to_have_text(ORIGINAL + edit)

        # vera cannot change the cell
        vera.cell_editor(0).click()
        vera.page.keyboard.press("Control+End")
        vera.page.keyboard.type("  # vera")
        expect(vera.cell_editor(0)).to_have_text(ORIGINAL + edit)

        # the room saves eddie's text, and only it; a reload shows the same
        _wait_for_disk(lab_server, [ORIGINAL + edit])
        vera.page.goto(f"{lab_server.url}/lab/tree/{NOTEBOOK}")  # a fresh page, the same notebook
        expect(vera.cell_editor(0)).to_have_text(ORIGINAL + edit, timeout=30_000)
        assert lab_server.cells_on_disk(NOTEBOOK) == [ORIGINAL + edit]
    finally:
        eddie.page.context.close()
        vera.page.context.close()


def _wait_for_disk(lab_server, cells: list[str]) -> None:
    """The room saves after its save delay; read the file until it holds `cells` (15 s at most)."""
    import time

    deadline = time.monotonic() + 15
    while lab_server.cells_on_disk(NOTEBOOK) != cells:
        assert time.monotonic() < deadline, lab_server.cells_on_disk(NOTEBOOK)
        time.sleep(0.1)  # polling a file another process writes
