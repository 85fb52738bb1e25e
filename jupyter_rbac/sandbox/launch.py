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

from ..enforcement.contents_check import CURRENT, Launch
from .environment import EnvironmentRule, off_the_import_path
from .plan import PLAN_VARIABLE
from .provisioner import PROVISIONER_NAME, provisioner_of
from .sandboxes import LAUNCHER, Sandboxes

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


class OtherProvisioner(web.HTTPError):
    """400: a kernel type that starts through another provisioner cannot be sandboxed."""

    def __init__(self, kernel_name: str, provisioner: str) -> None:
        super().__init__(
            400,
            f"kernel type {kernel_name!r} starts through the provisioner {provisioner!r}, which"
            " jupyter-rbac cannot confine: only holders of `all` may start it",
        )


def current_launch(starting_a_kernel: bool) -> Launch | None:
    """Who starts a process now, with what: as the Authorizer judged this request, or None
    outside requests. Raises KernelStartRefused for a kernel in a request not judged for it."""
    judged = CURRENT.get()
    if judged is None:
        return None
    if starting_a_kernel and judged.answering and not judged.starts_kernels:
        raise KernelStartRefused()
    return judged.launch


def current_starter(starting_a_kernel: bool) -> str | None:
    """The name of whoever starts a process now (see current_launch)."""
    launch = current_launch(starting_a_kernel)
    return launch.username if launch is not None else None


class KernelLaunch:
    """Mixed in before the server's kernel manager class (see `install_on_kernels`)."""

    rbac_environment: EnvironmentRule
    rbac_sandboxes: Sandboxes

    async def start_kernel(
        self, *, kernel_id: str | None = None, path: str | None = None, **kwargs: Any
    ) -> str:
        if kernel_id is not None and kernel_id in self:  # type: ignore[operator]  # no start
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)  # type: ignore[misc]
        launch = current_launch(starting_a_kernel=True)
        kwargs, confined = self._launch_arguments(launch, kwargs)
        kernel_id = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)  # type: ignore[misc]
        self.rbac_sandboxes.starters[kernel_id] = launch.username if launch else None
        if confined is not None and launch is not None:
            self.rbac_sandboxes.started("kernel", kernel_id, launch, confined)
        return kernel_id

    def update_env(self, *, kernel_id: str, env: dict[str, str]) -> None:
        """jupyter_server hands a kernel the server's whole environment again when its session
        moves (for its next restart): by the rules of whoever started it, as at its start, and
        never a sandbox plan of its own."""
        starter = self.rbac_sandboxes.starters.get(kernel_id)
        env = self.rbac_environment.environment(env, starter)
        env.pop(PLAN_VARIABLE, None)
        super().update_env(kernel_id=kernel_id, env=env)  # type: ignore[misc]

    async def restart_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> Any:
        launch = current_launch(starting_a_kernel=True)
        if launch is not None:  # a user restarts it: under the policy of now
            self._sandbox_again(kernel_id, launch)
        return await super().restart_kernel(kernel_id, *args, **kwargs)  # type: ignore[misc]

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)  # type: ignore[misc]
        finally:
            self.rbac_sandboxes.ended("kernel", kernel_id)
            self.rbac_sandboxes.starters.pop(kernel_id, None)

    def _launch_arguments(
        self, launch: Launch | None, kwargs: dict[str, Any]
    ) -> tuple[dict[str, Any], Any]:
        """The start's arguments with the environment, extra arguments and sandbox of the rules,
        and the folders the sandbox gives (None: unconfined)."""
        name = kwargs.get("kernel_name") or self.default_kernel_name  # type: ignore[attr-defined]
        kernel_spec = self.kernel_spec_manager.get_kernel_spec(name)  # type: ignore[attr-defined]
        inherited = kwargs.get("env")
        starter = launch.username if launch is not None else None
        environment = self.rbac_environment.environment(
            os.environ if inherited is None else inherited, starter
        )
        extra = off_the_import_path(
            kernel_spec, environment, list(kwargs.get("extra_arguments") or [])
        )
        sandbox = self.rbac_sandboxes.plan_for(launch, "starting a kernel")
        environment.pop(PLAN_VARIABLE, None)  # only ours: never one the request brought
        confined = None
        if sandbox is not None:
            _refuse_other_provisioners(name, kernel_spec, self.parent)  # type: ignore[attr-defined]
            plan, confined = sandbox
            environment[PLAN_VARIABLE] = plan.to_json()
        arguments = {**kwargs, "env": environment}
        if extra:
            arguments["extra_arguments"] = extra
        return arguments, confined

    def _sandbox_again(self, kernel_id: str, launch: Launch) -> None:
        """Before a user's restart: the kernel's sandbox as the policy is now."""
        manager = self.get_kernel(kernel_id)  # type: ignore[attr-defined]
        arguments = getattr(manager, "_launch_args", None)  # jupyter_client restarts with these
        if not isinstance(arguments, dict):
            return
        environment = dict(arguments.get("env") or {})
        environment.pop(PLAN_VARIABLE, None)
        sandbox = self.rbac_sandboxes.plan_for(launch, "restarting a kernel")
        self.rbac_sandboxes.ended("kernel", kernel_id)
        if sandbox is not None:
            plan, confined = sandbox
            environment[PLAN_VARIABLE] = plan.to_json()
            self.rbac_sandboxes.started("kernel", kernel_id, launch, confined)
        arguments["env"] = environment


def _refuse_other_provisioners(kernel_name: str, kernel_spec: Any, parent: Any) -> None:
    """A confined kernel starts through our provisioner, or not at all."""
    name = provisioner_of(kernel_spec, parent)
    if name != PROVISIONER_NAME:
        raise OtherProvisioner(kernel_name, name or "(none installed)")


class TerminalLaunch:
    """Mixed in before the terminal manager's class (see `install_on_terminals`)."""

    rbac_environment: EnvironmentRule
    rbac_sandboxes: Sandboxes

    def new_named_terminal(self, **kwargs: Any) -> tuple[str, Any]:
        launch = current_launch(starting_a_kernel=False)
        sandbox = self.rbac_sandboxes.plan_for(launch, "opening a terminal")
        extra_env = dict(kwargs.get("extra_env") or {})
        extra_env.pop(PLAN_VARIABLE, None)
        if sandbox is not None:
            # jupyter_server_terminals passes the request's body here: a user must not choose the
            # environment the launcher starts in (PYTHONPATH's sitecustomize would run unconfined)
            extra_env = {}
            command = kwargs.get("shell_command") or self.shell_command  # type: ignore[attr-defined]
            kwargs["shell_command"] = [*LAUNCHER, *command]
            extra_env[PLAN_VARIABLE] = sandbox[0].to_json()
        kwargs["extra_env"] = extra_env
        name, terminal = super().new_named_terminal(**kwargs)  # type: ignore[misc]
        if sandbox is not None and launch is not None:
            self.rbac_sandboxes.started("terminal", name, launch, sandbox[1])
        return name, terminal

    def make_term_env(self, *args: Any, **kwargs: Any) -> dict[str, str]:
        environment = super().make_term_env(*args, **kwargs)  # type: ignore[misc]
        return self.rbac_environment.environment(
            environment, current_starter(starting_a_kernel=False)
        )

    async def terminate(self, name: str, *args: Any, **kwargs: Any) -> None:
        try:
            await super().terminate(name, *args, **kwargs)  # type: ignore[misc]
        finally:
            self.rbac_sandboxes.ended("terminal", name)


def _with_mixin(cls: type, mixin: type, rule: EnvironmentRule, sandboxes: Sandboxes) -> type:
    attributes = {
        "__module__": cls.__module__,
        "__doc__": cls.__doc__,
        "rbac_environment": rule,
        "rbac_sandboxes": sandboxes,
    }
    return type(cls.__name__, (mixin, cls), attributes)


def install_on_kernels(kernel_manager: Any, rule: EnvironmentRule, sandboxes: Sandboxes) -> bool:
    """Start the server's kernels by the rules; False if they do not start here (a gateway's)."""
    if isinstance(kernel_manager, KernelLaunch):
        return True
    spec_manager = getattr(kernel_manager, "kernel_spec_manager", None)
    if type(kernel_manager).__module__.startswith("jupyter_server.gateway") or spec_manager is None:
        return False
    kernel_manager.__class__ = _with_mixin(type(kernel_manager), KernelLaunch, rule, sandboxes)
    return True


def install_on_terminals(terminals_app: Any, rule: EnvironmentRule, sandboxes: Sandboxes) -> bool:
    """Start terminals by the rules: on the terminal manager if it exists, else on the class the
    terminals extension will make it of. False without terminals."""
    manager = getattr(terminals_app, "terminal_manager", None)
    if manager is not None:
        if not isinstance(manager, TerminalLaunch):
            manager.__class__ = _with_mixin(type(manager), TerminalLaunch, rule, sandboxes)
        return True
    cls = getattr(terminals_app, "terminal_manager_class", None)
    if not isinstance(cls, type) or not callable(getattr(cls, "make_term_env", None)):
        return False
    if not issubclass(cls, TerminalLaunch):
        terminals_app.terminal_manager_class = _with_mixin(cls, TerminalLaunch, rule, sandboxes)
    return True
