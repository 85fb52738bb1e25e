"""Collaboration rooms and the documents behind them: jupyter-collaboration names a room
"json:notebook:<file id>", and the file id manager knows the document's path now."""

from __future__ import annotations

from typing import Any

GLOBAL_AWARENESS_ROOM = "JupyterLab:globalAwareness"


def is_document_room(room_id: str) -> bool:
    """Does the room id name a document ("json:notebook:<file id>"), not presence alone?"""
    return str(room_id).count(":") >= 2


def document_of_room(settings: Any, room_id: str) -> str | None:
    """The document behind a collaboration room id ("json:notebook:<file id>"), as the file id
    manager knows it now; None for a room that is no document (global awareness) or unknown."""
    parts = str(room_id).split(":", 2)
    manager = settings.get("file_id_manager")
    if len(parts) != 3 or manager is None:
        return None
    return manager.get_path(parts[2]) or None
