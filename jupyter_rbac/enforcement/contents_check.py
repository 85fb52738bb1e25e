"""Defence in depth under the policy: the contents manager checks that every file it is about to
touch is the path the Authorizer judged for this request.

The Authorizer judges API paths; jupyter_server's file managers turn each API path into a disk
path in `_get_os_path`. Should the two ever read a path differently (the backslash once was
such a case), a request would be allowed for one file and act on another. So, inside a request,
every disk path a file manager computes must (1) be the API path as the policy reads it and (2)
lie on, above or below a path the Authorizer allowed in this request (a folder's entries, a
notebook's folder for its kernel). Otherwise the request is refused and the disagreement logged
as a bug of jupyter-rbac. Outside requests (the server's own work), nothing is checked.

The request is known through a context variable: the guard opens a `JudgedRequest` for every
HTTP request (not websockets, whose tasks outlive them) and closes it when the request finishes;
the Authorizer notes each path it allows, and whom it let start a kernel or a terminal (read by
the kernel and terminal managers, see sandbox.launch).
"""

from __future__ import annotations

import functools
import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from tornado import web
from tornado.log import app_log

from ..model.paths import PathError, normalize_path


@dataclass
class JudgedRequest:
    """The paths the Authorizer allowed in one request, while it is being answered."""

    paths: set[str] = field(default_factory=set)
    answering: bool = True  # until the response is finished
    # API paths already found to be what was judged, with their disk paths: a folder listing asks
    # for each entry's disk path several times
    checked: dict[str, str] = field(default_factory=dict)
    # whom the Authorizer let start processes in this request, and whether it judged the request
    # for `execute:kernels` (a kernel may start then)
    launcher: str | None = None
    starts_kernels: bool = False
    # how: the request's permissions, token scopes and outside grants (the sandbox's rules come
    # from them, and are checked against the policy again while the process runs)
    launch: Launch | None = None


@dataclass(frozen=True)
class Launch:
    """Who starts a process, with what: what the sandbox builds its rules from."""

    username: str
    permissions: Any  # Permissions or TokenLimitedPermissions, as the Authorizer judged
    token_scopes: tuple[str, ...] | None = None
    external: Any = None  # policy.ExternalGrants


CURRENT: ContextVar[JudgedRequest | None] = ContextVar("jupyter_rbac_judged_request", default=None)


def begin_request() -> JudgedRequest:
    """Start collecting judged paths for the request running in this context."""
    request = JudgedRequest()
    CURRENT.set(request)
    return request


def note_judged(path: str | None) -> None:
    """The Authorizer allowed `path` (normalised) in the current request."""
    request = CURRENT.get()
    if request is not None and path is not None:
        request.paths.add(path)


def note_launch(launch: Launch, starts_kernels: bool) -> None:
    """The Authorizer allowed `launch.username` this request, which may start a terminal, or a
    kernel if it was judged for `execute:kernels`."""
    request = CURRENT.get()
    if request is not None:
        request.launcher, request.starts_kernels = launch.username, starts_kernels
        request.launch = launch


class Disagreement(web.HTTPError):
    """403: the file manager would touch another file than the one the policy judged."""

    def __init__(self, api_path: str, disk_path: str):
        super().__init__(
            403, f"jupyter-rbac refuses {api_path!r}: it cannot judge the file it leads to"
        )
        self.api_path = api_path
        self.disk_path = disk_path


def check_touched(api_path: str, os_path: str, root: str) -> None:
    """Raise Disagreement unless `os_path` is the file the policy judged for `api_path`."""
    request = CURRENT.get()
    if request is None or not request.answering or request.checked.get(api_path) == os_path:
        return
    on_disk = _relative(os_path, root)
    try:
        as_judged = normalize_path(api_path)
    except PathError:
        as_judged = None  # the Authorizer refuses such paths: reaching here is a bug
    near = on_disk is not None and (
        not request.paths or any(_related(on_disk, p) for p in request.paths)
    )
    if as_judged != on_disk or not near:
        app_log.error(
            "jupyter-rbac bug: the policy judged %r (allowed: %s) but the contents manager would touch "
            "%r; refused. Please report it (SECURITY.md).",
            api_path,
            sorted(request.paths) or "no path",
            os_path,
        )
        raise Disagreement(api_path, os_path)
    request.checked[api_path] = os_path


def _relative(os_path: str, root: str) -> str | None:
    """`os_path` relative to `root`, '/'-separated; None if it is not under the root."""
    prefix = _folder_prefix(root)
    if not os_path.startswith(prefix):  # file managers give absolute, normalised paths: rarely
        os_path = os.path.abspath(os_path)
    if os_path == prefix[:-1]:
        return ""
    if not os_path.startswith(prefix):
        return None
    return os_path[len(prefix) :].replace(os.sep, "/")


@functools.lru_cache(maxsize=16)
def _folder_prefix(root: str) -> str:
    """The absolute root with one trailing separator."""
    return os.path.abspath(root).rstrip(os.sep) + os.sep


def _related(path: str, judged: str) -> bool:
    """`path` is `judged`, a folder above it or anything below it."""
    return (
        path == judged
        or not judged
        or not path
        or path.startswith(judged + "/")
        or judged.startswith(path + "/")
    )


class RealPathCheck:
    """Mixed in before a file manager's class (see `install`): checks each disk path it computes."""

    def _get_os_path(self, path: str) -> str:
        os_path = super()._get_os_path(path)  # type: ignore[misc]
        check_touched(path, os_path, self.root_dir)  # type: ignore[attr-defined]
        return os_path


def install(contents_manager: Any) -> bool:
    """Make `contents_manager` check its disk paths; False if it has none (not files on a disk)."""
    cls = type(contents_manager)
    if isinstance(contents_manager, RealPathCheck):
        return True
    if not callable(getattr(cls, "_get_os_path", None)) or not getattr(
        contents_manager, "root_dir", None
    ):
        return False
    checked = type(
        cls.__name__, (RealPathCheck, cls), {"__module__": cls.__module__, "__doc__": cls.__doc__}
    )
    contents_manager.__class__ = checked
    return True
