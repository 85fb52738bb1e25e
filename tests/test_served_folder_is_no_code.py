"""The served folder is data, never the server's code, even when the server was started inside it
(`jupyter lab` in a home folder): a file a user writes there is not a template nbconvert renders
with the server's rights (an outside tester got admin with `lab/index.html.j2`), nor a module the
server imports."""

from __future__ import annotations

import json
import sys

import pytest

pytestmark = pytest.mark.slow  # a server for each test

NOTEBOOK = {
    "type": "notebook",
    "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
}


@pytest.fixture
def started_in_the_served_folder(monkeypatch, jp_root_dir):
    """The server's working folder, and its import path's first entry, are the served folder
    (as `python -m jupyterlab` run there makes them). Set before the server starts."""
    monkeypatch.chdir(jp_root_dir)
    monkeypatch.setattr(sys, "path", [str(jp_root_dir), "", *sys.path])


@pytest.mark.usefixtures("started_in_the_served_folder")
async def test_a_template_in_the_served_folder_is_never_rendered(editor, jp_root_dir, tmp_path):
    marker = tmp_path / "ran.txt"
    payload = f"{{{{ lipsum.__globals__['os'].system('touch {marker}') }}}}PLANTED"
    assert (await editor.put("api", "contents", "lab", body={"type": "directory"}))[0] == 201
    template = {"type": "file", "format": "text", "content": payload}
    assert (await editor.put("api", "contents", "lab", "index.html.j2", body=template))[0] == 201
    assert (await editor.put("api", "contents", "n.ipynb", body=NOTEBOOK))[0] == 201
    status, page = await editor.get("nbconvert", "html", "n.ipynb")
    assert status == 200
    assert "PLANTED" not in json.dumps(page) and not marker.exists()


@pytest.mark.usefixtures("started_in_the_served_folder")
def test_the_served_folder_is_not_on_the_servers_import_path(jp_serverapp, jp_root_dir):
    assert str(jp_root_dir) not in sys.path and "" not in sys.path
