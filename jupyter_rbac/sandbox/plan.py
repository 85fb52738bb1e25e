"""A sandbox plan: the folders one user's kernel or terminal may use, and the TCP ports it may not
connect to, as JSON for the launcher.

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
MAX_PORT = 65535


@dataclass
class SandboxPlan:
    """What a confined process may reach; every path is absolute and free of symbolic links.

    `read_write`: folders to work in (landlock.READ_WRITE); `read_only`: folders to read;
    `read_execute`: folders of software (read and run); `files_read`: single files to read;
    `devices`: device files or folders of them to open and set up, such as /dev/null and
    /dev/pts (landlock.DEVICE); `home` and `tmp`: the process's private HOME and TMPDIR, made
    (0700) if missing, read-write; `scope_ipc`: deny signals and abstract unix sockets to
    processes outside the sandbox (the server, other users' kernels); `tcp_denied`:
    [first, last] ranges of TCP ports it may not connect to (other kernels' ZeroMQ ports).
    """

    read_write: list[str] = field(default_factory=list)
    read_only: list[str] = field(default_factory=list)
    read_execute: list[str] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    home: str | None = None
    tmp: str | None = None
    scope_ipc: bool = True
    tcp_denied: list[list[int]] = field(default_factory=list)

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
        ranges = self.tcp_denied
        if not isinstance(ranges, list) or not all(_is_port_range(each) for each in ranges):
            raise ValueError("sandbox plan: 'tcp_denied' must be a list of [first, last] TCP ports")

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


def port_range(text: str) -> tuple[int, int] | None:
    """The ports of a "FIRST-LAST" setting (c.RBAC.kernel_ports, checked there); None for ""."""
    if not text.strip():
        return None
    first, last = (int(part) for part in text.split("-"))
    if not 0 < first <= last <= MAX_PORT:
        raise ValueError(f"not a range of TCP ports: {text!r}")
    return first, last


def without_ports(ranges: list[list[int]], ports: set[int]) -> list[list[int]]:
    """`ranges` of ports with `ports` taken out (a range is split around each)."""
    kept = []
    for first, last in ranges:
        start = first
        for port in sorted(each for each in ports if first <= each <= last):
            if start < port:
                kept.append([start, port - 1])
            start = port + 1
        if start <= last:
            kept.append([start, last])
    return kept


def _is_port_range(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(type(port) is int for port in value)  # not a bool
        and 0 <= value[0] <= value[1] <= MAX_PORT
    )


def _is_absolute(path: object) -> bool:
    return isinstance(path, str) and os.path.isabs(path) and "\0" not in path
