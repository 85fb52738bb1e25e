"""The sandbox as a user meets it in JupyterLab: "My permissions" says where their code runs, and
when a policy change stops a kernel of theirs, JupyterLab says so."""

from __future__ import annotations

from playwright.sync_api import expect

NOTEBOOK = "work/hello.ipynb"
STOP_WAIT_MS = 30_000  # the server looks every second; the event then crosses the event stream


def test_an_editor_sees_where_their_code_runs_and_that_a_change_stopped_their_kernel(
    lab, lab_server, rbac_cli
):
    lab.sign_in(lab_server.tokens["eddie"])
    lab.open_notebook(NOTEBOOK)
    expect(lab.status_bar_item("Python 3 (ipykernel) | Idle")).to_be_visible()
    lab.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[title='Access']").click()
    reach = lab.page.get_by_role("region", name="Where your code runs")
    expect(reach).to_contain_text(
        "Kernels and terminals you start can write in: the whole server folder"
    )

    # an administrator makes eddie a viewer: his kernel may no longer write
    rbac_cli("grant", "viewer", "--user", "eddie")
    rbac_cli("revoke", "editor", "--user", "eddie")

    expect(lab.page.get_by_text("Your access changed: your kernel")).to_be_visible(
        timeout=STOP_WAIT_MS
    )
