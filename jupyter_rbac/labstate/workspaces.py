"""A workspace as its reader may see it: no trace of a document they may not read.

A JupyterLab workspace keeps, for each open document, an entry `namespace:path` whose data names
the file (`{"data": {"path": ..., "factory": ...}}`), the file browser's folder
(`{"path": ...}`), and the layout (`layout-restorer:data`), which lists the entries' ids in its
dock areas. Served, entries for paths the reader may not read are dropped, and so are their ids
in the layout: a workspace saved before a role was taken away shows nothing of what it named.

Extensions store paths in shapes of their own (a list, a `Path` key, a plain string, a widget
id with no entry), so knowing JupyterLab's shapes is not enough: after them, every string left
anywhere in the workspace, key or value, that names a file or folder the reader may not read goes
too, with the entry or item holding it. A string names a path however it is spelt: itself, after
a `namespace:` prefix, as a word of a sentence, as a link (`/files/...`, `/lab/tree/...`, a query
or fragment after it, percent-encoded), or as an absolute path on the server's disk. Whether the
path exists is asked only of its first folder (and of a name at the root), so that saving a
workspace and reading it back does not tell which files exist where the reader may not look.
"""

from __future__ import annotations

import copy
import os
from typing import Any
from urllib.parse import unquote

from ..enforcement.locations import may_read_path
from ..model.paths import PathError, normalize_path

LAYOUT = "layout-restorer:data"
MAX_PATH_TEXT = 4096  # longer text names no file (PATH_MAX)
MAX_WORDS = 64  # the words of a sentence looked at, each a path it may name
LINK_MARKERS = ("/files/", "/tree/", "/edit/", "/view/", "/notebooks/")


class PathReader:
    """What one reader may read of the server's files (where links lead, too), and which text
    in a workspace names a file or folder they may not read."""

    def __init__(self, permissions: Any, root: str | None) -> None:
        self.permissions = permissions
        self.root = root
        self._refused: dict[str, bool] = {}

    def may_read(self, path: str) -> bool:
        return may_read_path(self.permissions, self.root, path)

    def refuses(self, text: str) -> bool:
        """Does `text` name, however spelt, a path the reader may not read?"""
        known = self._refused.get(text)
        if known is None:
            known = self.root is not None and any(
                self._names_unreadable(each) for each in _spellings(text)
            )
            if len(self._refused) < 100_000:  # bounded by the workspace's size anyway
                self._refused[text] = known
        return known

    def _names_unreadable(self, text: str) -> bool:
        if len(text) > MAX_PATH_TEXT:
            return False
        if text.startswith("/"):
            real_root = os.path.realpath(self.root)
            if text != real_root and not text.startswith(real_root + "/"):
                # a path elsewhere on the machine: only `all` reads there
                top = text.lstrip("/").split("/", 1)[0]
                return bool(top) and os.path.lexists("/" + top) and not self.permissions.is_all
            text = text[len(real_root) :]
        try:
            path = normalize_path(text.lstrip("/"))
        except PathError:
            return False
        top = path.split("/", 1)[0]
        if not path or not os.path.lexists(os.path.join(self.root, top)):
            return False  # names nothing here, whatever follows
        return not self.may_read(path)


def _spellings(text: str) -> set[str]:
    """The paths `text` may spell: itself and its words, each as written, after a `namespace:`
    prefix, and as a link (after `/files/` and the like, without its query or fragment,
    percent-decoded)."""
    found: set[str] = set()
    for piece in [text, *text.split()[:MAX_WORDS]]:
        piece = piece.strip().strip("\x00").rstrip(".,;:…")
        for variant in (piece, piece.partition(":")[2]):
            variant = unquote(variant.split("#", 1)[0].split("?", 1)[0])
            for marker in LINK_MARKERS:
                if marker in variant:
                    variant = variant.split(marker, 1)[1]
            if variant:
                found.add(variant)
    return found


def readable_workspace(workspace: dict, reader: PathReader) -> dict:
    """`workspace` without what names a path `reader` may not read (a copy if anything goes)."""
    data = workspace.get("data")
    if not isinstance(data, dict):
        return workspace
    may_read = reader.may_read
    dropped = {key for key, value in data.items() if _refused(value, may_read)}
    named = _refused_texts(workspace, reader)
    dropped |= {key for key in data if key in named}
    kept = {
        key: value if key == LAYOUT else _listed(value, may_read)
        for key, value in data.items()
        if key not in dropped
    }
    if isinstance(kept.get(LAYOUT), dict) and (dropped or named):
        kept[LAYOUT] = _without(copy.deepcopy(kept[LAYOUT]), dropped | named)
    if named:
        kept = _scrubbed(kept, named)
        metadata = workspace.get("metadata")
        if isinstance(metadata, dict):  # its id names the workspace itself: kept
            scrubbed = _scrubbed({k: v for k, v in metadata.items() if k != "id"}, named)
            metadata = {**scrubbed, **({"id": metadata["id"]} if "id" in metadata else {})}
        return {**workspace, "data": kept, "metadata": metadata}
    if not dropped and all(kept[key] is data[key] for key in kept):
        return workspace
    return {**workspace, "data": kept}


def _refused_texts(value: Any, reader: PathReader) -> set[str]:
    """Every string in `value` (keys and values, at any depth) naming what `reader` may not
    read. Walked without recursion: a workspace may nest as deep as JSON allows."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and reader.refuses(key):
                    found.add(key)
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and reader.refuses(item):
            found.add(item)
    return found


def _scrubbed(value: Any, named: set[str]) -> Any:
    """`value` without the entries and items holding a string of `named`."""
    if isinstance(value, dict):
        return {
            key: _scrubbed(inner, named)
            for key, inner in value.items()
            if key not in named and not (isinstance(inner, str) and inner in named)
        }
    if isinstance(value, list):
        return [
            _scrubbed(item, named)
            for item in value
            if not (isinstance(item, str) and item in named)
        ]
    return value


def _listed(value: Any, may_read) -> Any:
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


def _refused(value: Any, may_read) -> bool:
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
