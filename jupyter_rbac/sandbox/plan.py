"""A sandbox plan: the folders one user's kernel or terminal may use, as JSON for the launcher.

The server derives a plan from the user's permissions and passes it to the launcher (`python -m
jupyter_rbac.sandbox`) in the environment variable PLAN_VARIABLE. Reading one is strict: a plan
the launcher does not fully understand is not applied, and the program does not start.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields

PLAN_VARIABLE = "JUPYTER_RBAC_SANDBOX"

_PATH_LISTS = ("read_write", "read_only", "read_execute", "files_read", "devices")
_FOLDERS = ("home", "tmp")


@dataclass
class SandboxPlan:
    """What a confined process may reach; every path is absolute and free of symbolic links.

    `read_write`: folders to work in (landlock.READ_WRITE); `read_only`: folders to read;
    `read_execute`: folders of software (read and run); `files_read`: single files to read;
    `devices`: device files or folders of them to open and set up, such as /dev/null and
    /dev/pts (landlock.DEVICE); `home` and `tmp`: the process's private HOME and TMPDIR, made
    (0700) if missing, read-write; `scope_ipc`: deny signals and abstract unix sockets to
    processes outside the sandbox (the server, other users' kernels).
    """

    read_write: list[str] = field(default_factory=list)
    read_only: list[str] = field(default_factory=list)
    read_execute: list[str] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    home: str | None = None
    tmp: str | None = None
    scope_ipc: bool = True

    def __post_init__(self) -> None:
        for name in _PATH_LISTS:
            paths = getattr(self, name)
            if not isinstance(paths, list) or not all(_is_absolute(path) for path in paths):
                raise ValueError(f"sandbox plan: {name!r} must be a list of absolute paths")
        for name in _FOLDERS:
            folder = getattr(self, name)
            if folder is not None and not _is_absolute(folder):
                raise ValueError(f"sandbox plan: {name!r} must be an absolute path or null")
        if not isinstance(self.scope_ipc, bool):
            raise ValueError("sandbox plan: 'scope_ipc' must be true or false")  # noqa: TRY004

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SandboxPlan:
        """The plan in `text`; ValueError naming the field that is missing, unknown or wrong."""
        try:
            data = json.loads(text)
        except (ValueError, TypeError) as error:
            raise ValueError(f"sandbox plan: not JSON ({error})") from None
        if not isinstance(data, dict):
            raise ValueError("sandbox plan: must be a JSON object")  # noqa: TRY004
        names = {each.name for each in fields(cls)}
        for key in data:
            if key not in names:
                raise ValueError(f"sandbox plan: unknown field {key!r}")
        missing = sorted(names - data.keys())
        if missing:
            raise ValueError(f"sandbox plan: missing field {missing[0]!r}")
        return cls(**data)


def _is_absolute(path: object) -> bool:
    return isinstance(path, str) and os.path.isabs(path) and "\0" not in path
