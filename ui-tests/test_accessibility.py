"""Accessibility, measured by axe-core (WCAG 2.1 A and AA) in chromium against a real server:
no serious or critical violation on any tab of Access control (with its side pane open) or any
section of the Access panel, as an administrator and as a viewer. JupyterLab's own chrome around
them is JupyterLab's: axe looks at our page and our panel.

With RBAC_SCREENSHOTS set to a folder, the administrator's walk also saves each tab of the page
in the light and the dark theme there (`docs/screenshots/` is made this way)."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

from lab_page import JupyterLabPage
from playwright.sync_api import expect

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGE_TABS = ["Roles", "Users", "Groups", "Invitations", "Tokens", "Access matrix", "Audit"]
ADMIN_SECTIONS = [
    "My permissions",
    "Collaborators",
    "Roles",
    "Members",
    "Check access",
    "Access matrix",
    "Audit",
]
VIEWER_SECTIONS = ["My permissions", "Collaborators"]


def serious_violations(lab: JupyterLabPage, selector: str) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations inside `selector`, one line each
    (rule, impact, the elements and what is wrong)."""
    page = lab.page
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async ([selector, tags]) => {
            const result = await axe.run(document.querySelector(selector), {
                runOnly: { type: 'tag', values: tags },
                resultTypes: ['violations']
            });
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help}: ` +
                    v.nodes.map(n => `${n.target.join(' ')} ${n.failureSummary}`).join(' | '));
        }""",
        [selector, WCAG_21_AA],
    )
    return found


def _new_lab(browser, lab_server) -> JupyterLabPage:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    return JupyterLabPage(context.new_page(), lab_server.url)


def _invite(lab_server, token: str, username: str) -> None:
    request = urllib.request.Request(
        f"{lab_server.url}/api/rbac/invitations",
        method="POST",
        data=json.dumps({"username": username, "roles": ["viewer"]}).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def _settled(panel) -> None:
    """Wait until a tab's first answer is in (no "Loading…" left in it)."""
    expect(panel.get_by_text("Loading…", exact=True)).to_have_count(0)


def _screenshot(lab: JupyterLabPage, name: str) -> None:
    folder = os.environ.get("RBAC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        lab.access_page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _walk_the_page(lab: JupyterLabPage, theme: str, problems: dict[str, list[str]]) -> None:
    for tab in PAGE_TABS:
        panel = lab.open_access_page(tab)
        _settled(panel)
        problems[f"page tab {tab} ({theme})"] = serious_violations(lab, "#jp-rbac-access-control")
        _screenshot(lab, f"access-control-{tab.lower().replace(' ', '-')}-{theme}")


def test_axe_finds_nothing_serious_for_an_administrator_or_a_viewer(browser, lab_server):
    boss, vera = lab_server.tokens["boss"], lab_server.tokens["vera"]
    _invite(lab_server, boss, "ann")  # so that Invitations has a row
    admin = _new_lab(browser, lab_server)
    viewer = _new_lab(browser, lab_server)
    problems: dict[str, list[str]] = {}
    try:
        admin.sign_in(boss)
        _walk_the_page(admin, "light", problems)

        # the side panes: a role's editor, a user's details, the invitation form
        roles = admin.open_access_page("Roles")
        roles.get_by_role("button", name="New role").click()
        expect(roles.get_by_role("form", name="New role")).to_be_visible()
        problems["page: new role"] = serious_violations(admin, "#jp-rbac-access-control")
        admin.page.keyboard.press("Escape")
        users = admin.open_access_page("Users")
        users.get_by_role("button", name="Open user vera").click()
        expect(users.get_by_role("region", name="User vera").first).to_be_visible()
        problems["page: user details"] = serious_violations(admin, "#jp-rbac-access-control")
        admin.page.keyboard.press("Escape")
        users.get_by_role("button", name="Invite…").click()
        expect(users.get_by_role("form", name="Invite someone")).to_be_visible()
        problems["page: invitation form"] = serious_violations(admin, "#jp-rbac-access-control")
        admin.page.keyboard.press("Escape")

        for section in ADMIN_SECTIONS:
            _settled(admin.access_section(section))
            problems[f"admin panel: {section}"] = serious_violations(admin, "#jp-rbac-access")

        if os.environ.get("RBAC_SCREENSHOTS"):
            admin.run_command("Use Theme: JupyterLab Dark")
            expect(admin.page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
            _walk_the_page(admin, "dark", problems)

        viewer.sign_in(vera)
        for section in VIEWER_SECTIONS:
            _settled(viewer.access_section(section))
            problems[f"viewer panel: {section}"] = serious_violations(viewer, "#jp-rbac-access")
    finally:
        admin.page.context.close()
        viewer.page.context.close()
    found = {where: lines for where, lines in problems.items() if lines}
    assert found == {}, json.dumps(found, indent=1)
    assert len(problems) >= len(PAGE_TABS) + len(ADMIN_SECTIONS) + len(VIEWER_SECTIONS)
