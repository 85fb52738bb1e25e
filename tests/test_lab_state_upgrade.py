"""A server that ran JupyterLab with one set of settings for everyone, upgraded: at its first
start with jupyter-rbac's per-user settings, what everyone shared becomes the server-wide
defaults (issue 19), once; nobody's layout is handed to anyone."""

from __future__ import annotations

import pytest

from .test_lab_state import DARK, THEMES, theme_of

pytestmark = pytest.mark.slow

SHARED = """{
    // written by JupyterLab's settings editor, comments and all (JSON5)
    "theme": "JupyterLab Dark",
}
"""


@pytest.fixture
def shared_settings(tmp_path):
    folder = tmp_path / "shared-user-settings"
    (folder / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (folder / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings").write_text(
        SHARED
    )
    (folder / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (folder / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        "{oops"
    )
    return folder


@pytest.fixture
def jp_server_config(jp_server_config, shared_settings):
    return {**jp_server_config, "LabApp": {"user_settings_dir": str(shared_settings)}}


async def test_the_settings_everyone_shared_become_the_defaults(viewer, runner, admin, rbac):
    assert await theme_of(viewer) == (DARK, "")
    assert await theme_of(runner) == (DARK, "")
    status, answer = await admin.get("api", "rbac", "lab", "defaults")
    assert status == 200 and answer["defaults"] == {THEMES: {"theme": "JupyterLab Dark"}}
    # once: an administrator's later change is not undone by the old file at the next start
    assert (await admin.delete("api", "rbac", "lab", "defaults", THEMES))[0] == 204
    assert rbac.lab_state.adopt_shared_settings(str(rbac.lab_state.root)) is None
    assert await theme_of(viewer) == ("JupyterLab Light", "")
