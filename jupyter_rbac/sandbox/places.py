"""Where a running server keeps what code must never reach: found once, at start.

Jupyter's data, runtime and config folders (the cookie secret, every kernel's connection file,
the file-id and collaboration databases, every config file, which may hold a PostgreSQL
password), the folders the server read its config from, and the policy database with its
journal files. Each user's HOME and TMPDIR live in the data folder, beneath `rbac-sandbox/`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jupyter_core.paths import (
    jupyter_config_path,
    jupyter_data_dir,
    jupyter_runtime_dir,
)

from .rules import ServerPlaces, interpreter_software

# Files beside a SQLite database that hold parts of it.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def places_of_server(serverapp: Any, database_file: str | None) -> ServerPlaces:
    """The places of `serverapp` (a jupyter_server ServerApp) whose policy database is
    `database_file` (a SQLite file; None for a database elsewhere)."""
    root = getattr(serverapp.contents_manager, "root_dir", None) or serverapp.root_dir
    data = jupyter_data_dir()
    protected = [
        data,
        jupyter_runtime_dir(),
        serverapp.runtime_dir,
        serverapp.config_dir,
        *jupyter_config_path(),
        *_config_files(serverapp),
        serverapp.cookie_secret_file,
        getattr(serverapp.kernel_manager, "connection_dir", None),
    ]
    if database_file:
        protected.extend(database_file + suffix for suffix in SQLITE_COMPANIONS)
    return ServerPlaces(
        root=os.path.realpath(root),
        protected=_absolute(protected),
        homes=str(Path(data) / "rbac-sandbox"),
        software=interpreter_software(),
    )


def _config_files(serverapp: Any) -> list[str]:
    """The config files the server read (`--config`, and those found on its search path, which
    includes the folder it started in: the files, never that folder)."""
    found = list(getattr(serverapp, "_loaded_config_files", None) or [])
    config_file = getattr(serverapp, "config_file", None)
    if config_file:
        found.append(config_file)
    return [path for path in found if path and os.path.isfile(path)]


def _absolute(paths: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({os.path.realpath(path) for path in paths if path}))
