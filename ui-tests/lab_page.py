"""JupyterLab as a user sees it: a page object so the tests read as a user's steps.

Every wait is one of Playwright's auto-waiting locators or `expect` assertions, never a sleep.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, Response, expect

# The first load builds the whole application; later steps use the context's default timeout.
APP_LOAD_TIMEOUT = 30_000


class JupyterLabPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url

    # --- signing in -----------------------------------------------------------------------

    def sign_in(self, token: str) -> None:
        """Open JupyterLab with a token link (it sets the login cookie); wait until the file
        browser lists the server's root folder."""
        self.page.goto(f"{self.base_url}/lab?token={token}")
        self.show_file_browser()

    def show_file_browser(self) -> None:
        """Wait for JupyterLab; show the file browser if the user's restored layout hid it."""
        listing = self.page.locator("#filebrowser .jp-DirListing-itemText").first
        expect(listing).to_be_attached(timeout=APP_LOAD_TIMEOUT)
        try:
            expect(self.file_item("work")).to_be_visible(timeout=5_000)
        except AssertionError:
            self.page.keyboard.press("Control+Shift+f")  # activates (never toggles) the browser
            expect(self.file_item("work")).to_be_visible()

    def accept_invitation(self, link: str, password: str) -> None:
        """Open an invitation link, choose a password, press Join; wait for JupyterLab."""
        self.page.goto(link)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_label("Password again").fill(password)
        self.page.get_by_role("button", name="Join").click()
        expect(self.file_item("work")).to_be_visible(timeout=APP_LOAD_TIMEOUT)

    def sign_in_with_password(self, username: str, password: str) -> None:
        """The login page, as a person uses it; wait until JupyterLab shows the file browser."""
        self.page.goto(f"{self.base_url}/login?next=%2Flab")
        self.page.get_by_label("User name").fill(username)
        self.page.get_by_label("Password or token").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.file_item("work")).to_be_visible(timeout=APP_LOAD_TIMEOUT)

    def sign_out(self) -> None:
        self.page.goto(f"{self.base_url}/logout")
        expect(self.page.get_by_text("Successfully logged out")).to_be_visible()

    # --- the file browser -----------------------------------------------------------------

    def file_item(self, name: str) -> Locator:
        return self.page.locator("#filebrowser .jp-DirListing-itemText").get_by_text(
            name, exact=True
        )

    def open_notebook(self, path: str) -> None:
        """Double-click through the file browser to a notebook, wait until its first cell shows."""
        *folders, name = path.split("/")
        for folder in folders:
            self.file_item(folder).dblclick()
        self.file_item(name).dblclick()
        expect(self.notebook_tab(name)).to_be_visible()
        expect(self.cell_editor(0)).to_be_visible()

    def open_file(self, path: str) -> None:
        """Double-click through the file browser to a text file; wait until its editor shows."""
        *folders, name = path.split("/")
        self.page.locator("#filebrowser .jp-BreadCrumbs-home").click()
        for folder in folders:
            self.file_item(folder).dblclick()
        self.file_item(name).dblclick()
        expect(self.document_tab(name)).to_be_visible()
        expect(self.text_editor).to_be_visible()

    @property
    def text_editor(self) -> Locator:
        return self.page.locator("#jp-main-dock-panel .jp-FileEditor:visible .cm-content")

    def try_typing_in_text_editor(self, text: str) -> None:
        self.text_editor.click()
        self.page.keyboard.press("Control+End")
        self.page.keyboard.type(text)

    def type_in_text_editor(self, text: str) -> None:
        self.text_editor.click()
        self.page.keyboard.press("Control+End")
        self.page.keyboard.type(text)
        expect(self.text_editor).to_contain_text(text)

    # --- the Access panel -----------------------------------------------------------------

    @property
    def access_panel(self) -> Locator:
        return self.page.locator("#jp-rbac-access")

    def open_access_panel(self) -> Locator:
        """Open the Access panel from its shield in the left sidebar (if it is not open)."""
        if not self.access_panel.is_visible():
            self.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[title='Access']").click()
        expect(self.access_panel).to_be_visible()
        return self.access_panel

    def access_section(self, label: str) -> Locator:
        """Expand a section of the Access panel ("Roles", "Members", ...) by its title; returns
        the section's body."""
        panel = self.open_access_panel()
        title = panel.locator(f"[aria-label='{label} Section']")
        if title.get_attribute("aria-expanded") != "true":
            title.click()
        expect(title).to_have_attribute("aria-expanded", "true")
        return panel.locator(f"#{title.get_attribute('aria-controls')}")

    # --- the Access control page -----------------------------------------------------------

    @property
    def access_page(self) -> Locator:
        return self.page.locator("#jp-rbac-access-control")

    def open_access_page(self, tab: str) -> Locator:
        """Open Access control from the palette; open `tab` ("Tokens", ...); returns its panel."""
        if not self.access_page.is_visible():
            self.run_command("Access: Open access control")
        expect(self.access_page).to_be_visible()
        self.access_page.get_by_role("tab", name=tab, exact=True).click()
        return self.access_page.get_by_role("tabpanel", name=tab, exact=True)

    def run_command(self, label: str) -> None:
        """Run a command from the command palette, by its label, with the keyboard."""
        self.page.keyboard.press("Control+Shift+c")
        self.page.keyboard.type(label)
        self.page.keyboard.press("Enter")

    # --- the notebook ---------------------------------------------------------------------

    def notebook_tab(self, name: str) -> Locator:
        return self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").filter(
            has_text=name
        )

    @property
    def notebook(self) -> Locator:
        return self.page.locator("#jp-main-dock-panel .jp-NotebookPanel:visible")

    def cell_editor(self, index: int) -> Locator:
        return self.notebook.locator(".jp-Cell").nth(index).locator(".cm-content")

    def try_typing_in_first_cell(self, text: str) -> None:
        """Click into the first cell and type, when it is expected to refuse the keys."""
        self.cell_editor(0).click()
        self.page.keyboard.press("Control+End")
        self.page.keyboard.type(text)

    def type_in_first_cell(self, text: str) -> None:
        """Click into the first cell and type at the end of its text."""
        self.cell_editor(0).click()
        self.page.keyboard.press("Control+End")
        self.page.keyboard.type(text)
        expect(self.cell_editor(0)).to_contain_text(text)

    def save(self) -> Response:
        """Ctrl+S; returns the server's answer to the save (the contents PUT)."""
        with self.page.expect_response(
            lambda r: r.request.method == "PUT" and "/api/contents/" in r.url
        ) as saved:
            self.page.keyboard.press("Control+s")
        return saved.value

    def record_requests(self, method: str, path_part: str) -> list[str]:
        """A list that fills with the URLs of the page's requests matching method and path."""
        seen: list[str] = []
        self.page.on(
            "request",
            lambda request: (
                seen.append(request.url)
                if request.method == method and path_part in request.url
                else None
            ),
        )
        return seen

    def press_save(self) -> list[str]:
        """Ctrl+S when JupyterLab will not send the save; returns the contents writes it sent."""
        writes: list[str] = []

        def record(request) -> None:
            if request.method in ("PUT", "PATCH", "POST") and "/api/contents/" in request.url:
                writes.append(f"{request.method} {request.url}")

        self.page.on("request", record)
        self.page.keyboard.press("Control+s")
        return writes

    @property
    def read_only_indicator(self) -> Locator:
        """The badge JupyterLab puts in a document's toolbar when the server says it is not writable."""
        return self.notebook.locator(".jp-Toolbar").get_by_text("notebook is read-only")

    def notification(self, text: str | re.Pattern) -> Locator:
        return self.page.locator(".jp-Notification-Toast, .Toastify__toast").filter(has_text=text)

    def put_contents_as_this_browser(self, path: str, model: dict) -> Response:
        """A save sent straight to the server with this browser's login cookie (and XSRF token),
        as a user bypassing JupyterLab's read-only view would send it."""
        xsrf = next(c["value"] for c in self.page.context.cookies() if c["name"] == "_xsrf")
        return self.page.request.put(
            f"{self.base_url}/api/contents/{path}", data=model, headers={"X-XSRFToken": xsrf}
        )

    def document_tab(self, name: str) -> Locator:
        return self.page.locator("#jp-main-dock-panel .lm-TabBar-tab").filter(has_text=name)

    def expect_saved(self, name: str) -> None:
        """The document's tab no longer shows the unsaved-changes dot."""
        expect(self.document_tab(name)).not_to_have_class(re.compile(r"\bjp-mod-dirty\b"))

    def expect_unsaved(self, name: str) -> None:
        """The document's tab shows the unsaved-changes dot."""
        expect(self.document_tab(name)).to_have_class(re.compile(r"\bjp-mod-dirty\b"))

    # --- dialogs --------------------------------------------------------------------------

    @property
    def dialog(self) -> Locator:
        return self.page.locator(".jp-Dialog")

    def dialog_title(self) -> str:
        expect(self.dialog).to_be_visible()
        return self.dialog.locator(".jp-Dialog-header").inner_text().strip()

    def dialog_text(self) -> str:
        expect(self.dialog).to_be_visible()
        return self.dialog.locator(".jp-Dialog-body").inner_text().strip()

    def expect_dialog(self, title: str) -> None:
        expect(self.dialog.locator(".jp-Dialog-header")).to_have_text(title)

    def close_dialog(self, button: str) -> None:
        """Press a button of the dialog shown; wait until that dialog is gone (another one may
        follow it)."""
        title = self.dialog_title()
        shown = self.dialog.filter(
            has=self.page.locator(".jp-Dialog-header").get_by_text(title, exact=True)
        )
        shown.get_by_role("button", name=button, exact=True).click()
        expect(shown).to_have_count(0)

    def expect_no_dialog(self) -> None:
        expect(self.dialog).to_have_count(0)

    # --- the status bar -------------------------------------------------------------------

    def status_bar_item(self, text: str | re.Pattern) -> Locator:
        return self.page.locator("#jp-main-statusbar").get_by_text(text)
