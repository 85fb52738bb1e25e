"""A sandbox plan: the folders one user's kernel or terminal may use, and the TCP ports it may not
connect to, as JSON for the launcher.

The server derives a plan from the user's permissions and passes it to the launcher (`python -m
jupyter_rbac.sandbox`) in the environment variable PLAN_VARIABLE. Reading one is strict: a plan
the launcher does not fully understand is not applied, and the program does not start.
"""

from __future__ import annotations

import json
import os

PLAN_VARIABLE = "JUPYTER_RBAC_SANDBOX"

_PATH_LISTS = ("read_write", "read_only", "read_execute", "files_read", "files_write", "devices")
_FOLDERS = ("home", "tmp")
MAX_PORT = 65535


class SandboxPlan:
    """What a confined process may reach; every path is absolute and free of symbolic links.

    `read_write`: folders to work in (landlock.READ_WRITE); `read_only`: folders to read;
    `read_execute`: folders of software (read and run); `files_read`: single files to read;
    `files_write`: single files to read and write (not to remove or rename: their folder's);
    `devices`: device files or folders of them to open and set up, such as /dev/null and
    /dev/pts (landlock.DEVICE); `home` and `tmp`: the process's private HOME and TMPDIR, made
    (0700) if missing, read-write; `scope_ipc`: deny signals and abstract unix sockets to
    processes outside the sandbox (the server, other users' kernels); `tcp_denied`:
    [first, last] ranges of TCP ports it may not connect to (other kernels' ZeroMQ ports);
    `tcp_layer`: the number of an inherited descriptor of a Landlock ruleset the server built
    ahead (port_layers.py), entered as a layer of its own, or null.
    """

    # Not a dataclass: the launcher reads plans before every kernel, and `dataclasses` (with the
    # `inspect` it imports) would be a third of its start.
    FIELDS = (*_PATH_LISTS, *_FOLDERS, "scope_ipc", "tcp_denied", "tcp_layer")

    def __init__(
        self,
        read_write: list[str] | None = None,
        read_only: list[str] | None = None,
        read_execute: list[str] | None = None,
        files_read: list[str] | None = None,
        files_write: list[str] | None = None,
        devices: list[str] | None = None,
        home: str | None = None,
        tmp: str | None = None,
        scope_ipc: bool = True,
        tcp_denied: list[list[int]] | None = None,
        tcp_layer: int | None = None,
    ) -> None:
        self.read_write = [] if read_write is None else read_write
        self.read_only = [] if read_only is None else read_only
        self.read_execute = [] if read_execute is None else read_execute
        self.files_read = [] if files_read is None else files_read
        self.files_write = [] if files_write is None else files_write
        self.devices = [] if devices is None else devices
        self.home = home
        self.tmp = tmp
        self.scope_ipc = scope_ipc
        self.tcp_denied = [] if tcp_denied is None else tcp_denied
        self.tcp_layer = tcp_layer
        self._check()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SandboxPlan) and self.to_dict() == other.to_dict()

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}

    def _check(self) -> None:
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
        layer = self.tcp_layer
        if layer is not None and (type(layer) is not int or layer < 3):  # not stdin, out, err
            raise ValueError(
                "sandbox plan: 'tcp_layer' must be a descriptor's number (3 or more) or null"
            )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SandboxPlan:
        """The plan in `text`; ValueError naming the field that is missing, unknown or wrong."""
        try:
            data = json.loads(text)
        except (ValueError, TypeError) as error:
            raise ValueError(f"sandbox plan: not JSON ({error})") from None
        if not isinstance(data, dict):
            raise ValueError("sandbox plan: must be a JSON object")  # noqa: TRY004
        names = set(cls.FIELDS)
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
