"""Where the server starts processes: who starts them, and the rules they start under.

The Authorizer notes, in the request's context (contents_check.JudgedRequest), whom it let
start a kernel or a terminal (`note_launch`). The server's kernel manager and terminal manager
get a mixin (swapped onto their classes, as contents_check does for the file manager) that reads
that note:

- a kernel starts or restarts inside a request only if the Authorizer judged that request for
  `execute:kernels` (a route that asks less, an extension's say, is refused: fail closed);
- a kernel starts with the environment its starter may have (`EnvironmentRule`) and with its
  working folder off the import path (PYTHONSAFEPATH, IPython's `ignore_cwd`); a restart reuses
  what the start chose;
- a terminal starts with the environment its starter may have.

Outside requests (the server's own work, e.g. restarting a kernel that died) nothing is refused,
and a process whose starter is not known is started as anyone's but the owner's.
"""

from __future__ import annotations

import os
from typing import Any

from tornado import web

from ..enforcement.contents_check import CURRENT
from .environment import EnvironmentRule, off_the_import_path

KERNELS_SCOPE = "execute:kernels"


class KernelStartRefused(web.HTTPError):
    """403: a kernel would start in a request that was not judged for `execute:kernels`."""

    missing_scope = KERNELS_SCOPE

    def __init__(self) -> None:
        super().__init__(
            403,
            "jupyter-rbac refuses to start a kernel in a request not judged for execute:kernels "
            "(map its route with actions {'POST': 'execute'} in c.RBAC.extra_routes)",
        )


def current_starter(starting_a_kernel: bool) -> str | None:
    """Who starts a process now: the user the Authorizer judged in this request, or None
    outside requests. Raises KernelStartRefused for a kernel in a request not judged for it."""
    judged = CURRENT.get()
    if judged is None:
        return None
    if starting_a_kernel and judged.answering and not judged.starts_kernels:
        raise KernelStartRefused()
    return judged.launcher


class KernelLaunch:
    """Mixed in before the server's kernel manager class (see `install_on_kernels`)."""

    rbac_environment: EnvironmentRule

    async def start_kernel(
        self, *, kernel_id: str | None = None, path: str | None = None, **kwargs: Any
    ) -> str:
        if kernel_id is None or kernel_id not in self:  # type: ignore[operator]  # else: no start
            starter = current_starter(starting_a_kernel=True)
            kwargs = self._launch_arguments(starter, kwargs)
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)  # type: ignore[misc]

    async def restart_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> Any:
        current_starter(starting_a_kernel=True)
        return await super().restart_kernel(kernel_id, *args, **kwargs)  # type: ignore[misc]

    def _launch_arguments(self, starter: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The start's arguments with the environment and extra arguments of the rules."""
        name = kwargs.get("kernel_name") or self.default_kernel_name  # type: ignore[attr-defined]
        kernel_spec = self.kernel_spec_manager.get_kernel_spec(name)  # type: ignore[attr-defined]
        inherited = kwargs.get("env")
        environment = self.rbac_environment.environment(
            os.environ if inherited is None else inherited, starter
        )
        extra = off_the_import_path(
            kernel_spec, environment, list(kwargs.get("extra_arguments") or [])
        )
        launch = {**kwargs, "env": environment}
        if extra:
            launch["extra_arguments"] = extra
        return launch


class TerminalLaunch:
    """Mixed in before the terminal manager's class (see `install_on_terminals`)."""

    rbac_environment: EnvironmentRule

    def make_term_env(self, *args: Any, **kwargs: Any) -> dict[str, str]:
        environment = super().make_term_env(*args, **kwargs)  # type: ignore[misc]
        return self.rbac_environment.environment(
            environment, current_starter(starting_a_kernel=False)
        )


def _with_mixin(cls: type, mixin: type, rule: EnvironmentRule) -> type:
    attributes = {"__module__": cls.__module__, "__doc__": cls.__doc__, "rbac_environment": rule}
    return type(cls.__name__, (mixin, cls), attributes)


def install_on_kernels(kernel_manager: Any, rule: EnvironmentRule) -> bool:
    """Start the server's kernels by the rules; False if they do not start here (a gateway's)."""
    if isinstance(kernel_manager, KernelLaunch):
        return True
    spec_manager = getattr(kernel_manager, "kernel_spec_manager", None)
    if type(kernel_manager).__module__.startswith("jupyter_server.gateway") or spec_manager is None:
        return False
    kernel_manager.__class__ = _with_mixin(type(kernel_manager), KernelLaunch, rule)
    return True


def install_on_terminals(terminals_app: Any, rule: EnvironmentRule) -> bool:
    """Start terminals by the rules: on the terminal manager if it exists, else on the class the
    terminals extension will make it of. False without terminals."""
    manager = getattr(terminals_app, "terminal_manager", None)
    if manager is not None:
        if not isinstance(manager, TerminalLaunch):
            manager.__class__ = _with_mixin(type(manager), TerminalLaunch, rule)
        return True
    cls = getattr(terminals_app, "terminal_manager_class", None)
    if not isinstance(cls, type) or not callable(getattr(cls, "make_term_env", None)):
        return False
    if not issubclass(cls, TerminalLaunch):
        terminals_app.terminal_manager_class = _with_mixin(cls, TerminalLaunch, rule)
    return True
