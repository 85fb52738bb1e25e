"""readable_workspace: a workspace without the documents its reader may not read, its layout
kept whole (split areas, the current tab, the panels at the side)."""

from __future__ import annotations

import pytest

from jupyter_rbac.labstate import PathReader, readable_workspace
from jupyter_rbac.model import Catalog, compile_permissions


@pytest.fixture
def may_read(tmp_path) -> PathReader:
    """A reader of a.ipynb and other/, not of secret/ (which holds b.py), on a real folder."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "b.py").write_text("")
    (tmp_path / "a.ipynb").write_text("{}")
    scopes = ["read:contents!path=a.ipynb", "read:contents!path=other/**"]
    permissions = compile_permissions(Catalog(), scopes, "reader", ())
    return PathReader(permissions, str(tmp_path))


def test_documents_and_their_tabs_go_and_the_layout_stays_whole(may_read):
    workspace = {
        "metadata": {"id": "default"},
        "data": {
            "notebook:a.ipynb": {"data": {"path": "a.ipynb", "factory": "Notebook"}},
            "editor:secret/b.py": {"data": {"path": "secret/b.py", "factory": "Editor"}},
            "notebook:secret/c.ipynb": {"data": {"path": "secret/c.ipynb", "factory": "Notebook"}},
            "file-browser-filebrowser:cwd": {"path": "secret"},
            "terminal:1": {"data": {"name": "1"}},
            "layout-restorer:data": {
                "main": {
                    "dock": {
                        "type": "split-area",
                        "orientation": "horizontal",
                        "sizes": [0.5, 0.5],
                        "children": [
                            {
                                "type": "tab-area",
                                "currentIndex": 1,
                                "widgets": ["notebook:a.ipynb", "editor:secret/b.py"],
                            },
                            {
                                "type": "tab-area",
                                "currentIndex": 0,
                                "widgets": ["notebook:secret/c.ipynb"],
                            },
                        ],
                    },
                    "current": "editor:secret/b.py",
                },
                "left": {"collapsed": False, "visible": True, "widgets": ["filebrowser"]},
            },
        },
    }
    shown = readable_workspace(workspace, may_read)
    data = shown["data"]
    assert set(data) == {"notebook:a.ipynb", "terminal:1", "layout-restorer:data"}
    main = data["layout-restorer:data"]["main"]
    assert main["current"] is None
    assert main["dock"]["children"] == [
        {"type": "tab-area", "currentIndex": 0, "widgets": ["notebook:a.ipynb"]}
    ]
    assert main["dock"]["sizes"] == [0.5]
    assert data["layout-restorer:data"]["left"]["widgets"] == ["filebrowser"]
    # the stored workspace is not changed: only what is served
    assert "editor:secret/b.py" in workspace["data"]


def test_a_workspace_with_nothing_to_hide_is_served_as_it_is(may_read):
    workspace = {
        "metadata": {"id": "x"},
        "data": {"notebook:a.ipynb": {"data": {"path": "a.ipynb"}}},
    }
    assert readable_workspace(workspace, may_read) is workspace
    assert readable_workspace({"metadata": {"id": "y"}}, may_read) == {"metadata": {"id": "y"}}
