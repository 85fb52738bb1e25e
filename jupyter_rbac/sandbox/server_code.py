"""The served folder is data, never the server's own code.

The server runs unconfined, as its OS user. Whatever it loads from a folder users may write runs
with its rights, whoever wrote it: so nothing inside the served folder is on its import path, nor
where nbconvert looks for templates. Both happen by default when the server is started inside the
served folder (`jupyter lab` in a home folder): `python -m` puts the working folder first on the
import path, and nbconvert's `TemplateExporter.extra_template_basedirs` is the working folder (a
`lab/index.html.j2` written there was rendered, with Jinja's access to `os`, by any export).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any


def keep_the_served_folder_out(serverapp: Any, log: logging.Logger) -> None:
    """Take the served folder off the server's import path and nbconvert's template search."""
    root = os.path.realpath(serverapp.root_dir)
    if _within(os.path.realpath(os.getcwd()), root):
        log.warning(
            "jupyter-rbac: the server was started inside the folder it serves (%s): nothing there"
            " is imported or used as a template (a user may write it); start it elsewhere with"
            " --ServerApp.root_dir to keep the two apart",
            root,
        )
    removed = [entry for entry in sys.path if _within(os.path.realpath(entry or "."), root)]
    if removed:
        sys.path[:] = [entry for entry in sys.path if entry not in removed]
        log.warning("jupyter-rbac: off the import path, inside the served folder: %s", removed)
    exporter = serverapp.config.TemplateExporter
    for setting in ("extra_template_basedirs", "extra_template_paths"):
        configured = exporter.get(setting)
        if setting == "extra_template_basedirs" and not isinstance(configured, list):
            exporter[setting] = []  # nbconvert's default is the working folder
            continue
        if isinstance(configured, list):
            kept = [path for path in configured if not _within(os.path.realpath(path), root)]
            if kept != configured:
                log.warning(
                    "jupyter-rbac: c.TemplateExporter.%s inside the served folder ignored: %s",
                    setting,
                    [path for path in configured if path not in kept],
                )
                exporter[setting] = kept


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
