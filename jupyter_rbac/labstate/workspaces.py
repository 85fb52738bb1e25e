"""A workspace as its reader may see it: no trace of a document they may not read.

A JupyterLab workspace keeps, for each open document, an entry `namespace:path` whose data names
the file (`{"data": {"path": ..., "factory": ...}}`), the file browser's folder
(`{"path": ...}`), and the layout (`layout-restorer:data`), which lists the entries' ids in its
dock areas. Served, entries for paths the reader may not read are dropped, and so are their ids
in the layout: a workspace saved before a role was taken away shows nothing of what it named.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

LAYOUT = "layout-restorer:data"


def readable_workspace(workspace: dict, may_read: Callable[[str], bool]) -> dict:
    """`workspace` without the entries naming a path `may_read` refuses (a copy if any go)."""
    data = workspace.get("data")
    if not isinstance(data, dict):
        return workspace
    dropped = {key for key, value in data.items() if _refused(value, may_read)}
    kept = {
        key: value if key == LAYOUT else _listed(value, may_read)
        for key, value in data.items()
        if key not in dropped
    }
    if isinstance(kept.get(LAYOUT), dict) and dropped:
        kept[LAYOUT] = _without(copy.deepcopy(kept[LAYOUT]), dropped)
    if not dropped and all(kept[key] is data[key] for key in kept):
        return workspace
    return {**workspace, "data": kept}


def _listed(value: Any, may_read: Callable[[str], bool]) -> Any:
    """`value` without the documents its lists name that `may_read` refuses (JupyterLab's recent
    documents: `docmanager:recents`, `{"opened": [{"path": ...}], "closed": [...]}`): the same
    object if nothing goes."""
    if isinstance(value, list):
        items = [_listed(item, may_read) for item in value if not _refused(item, may_read)]
        same = len(items) == len(value) and all(a is b for a, b in zip(items, value))
        return value if same else items
    if isinstance(value, dict):
        inner = {key: _listed(item, may_read) for key, item in value.items()}
        return value if all(inner[key] is value[key] for key in value) else inner
    return value


def _refused(value: Any, may_read: Callable[[str], bool]) -> bool:
    if not isinstance(value, dict):
        return False
    inner = value.get("data")
    path = value.get("path")
    if not isinstance(path, str) and isinstance(inner, dict):
        path = inner.get("path")
    return isinstance(path, str) and not may_read(path)


def _without(area: Any, dropped: set[str]) -> Any:
    """A layout area (and everything it holds) without the widget ids in `dropped`."""
    if isinstance(area, list):
        return [_without(item, dropped) for item in area]
    if not isinstance(area, dict):
        return area
    for key, value in list(area.items()):
        if key == "widgets" and isinstance(value, list):
            shown = value[area["currentIndex"]] if _valid_index(area, value) else None
            area[key] = [w for w in value if not (isinstance(w, str) and w in dropped)]
            if "currentIndex" in area:
                index = next((i for i, w in enumerate(area[key]) if w is shown), None)
                area["currentIndex"] = index if index is not None else 0
        elif key == "current" and isinstance(value, str) and value in dropped:
            area[key] = None
        elif key == "children" and isinstance(value, list):
            children = [_without(child, dropped) for child in value]
            sizes = area.get("sizes")
            keep = [index for index, child in enumerate(children) if not _empty(child)]
            area[key] = [children[index] for index in keep]
            if isinstance(sizes, list) and len(sizes) == len(children):
                area["sizes"] = [sizes[index] for index in keep]
        else:
            area[key] = _without(value, dropped)
    return area


def _valid_index(area: dict, widgets: list) -> bool:
    index = area.get("currentIndex")
    return isinstance(index, int) and 0 <= index < len(widgets)


def _empty(area: Any) -> bool:
    """A tab area with no widget left, or a split area with no child left."""
    if not isinstance(area, dict):
        return False
    if area.get("type") == "tab-area":
        return not area.get("widgets")
    if area.get("type") == "split-area":
        return not area.get("children")
    return False
