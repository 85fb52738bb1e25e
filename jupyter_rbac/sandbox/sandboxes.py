"""The server's sandboxes: whether code is confined here, the plan of each process a user starts,
and which running processes their users no longer may run as they were started.

A Landlock domain cannot be widened or narrowed from outside once a process runs in it. So a
process whose user loses some of what it was started with (a role taken away, a folder no
longer theirs) is stopped (`lost_reach`), and a restart starts it under the policy of then.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.localinterfaces import localhost
from tornado import web

from ..enforcement.contents_check import Launch
from .folders import CodeFolders, code_folders
from .landlock import NET_ABI, abi_version
from .plan import SandboxPlan, port_range
from .port_layers import PortLayers
from .rules import ServerPlaces, rules_for

LANDLOCK, OFF = "landlock", "off"
# The most Landlock ABI the server uses, if set: "0" makes it behave as on a machine without
# Landlock (to see that it refuses), a number pins an older kernel's behaviour.
ABI_CAP_VARIABLE = "JUPYTER_RBAC_LANDLOCK_ABI"
# The launcher a confined process starts through: it applies the plan, then runs the program. It
# runs before the sandbox does, so isolated (-I: no PYTHON* variables, no user site, no working
# folder on the import path), finding this package where the server found it: nothing a user could
# plant or set runs in it.
_PACKAGES = str(Path(__file__).resolve().parents[2])
_RUN_LAUNCHER = (
    f"import sys; sys.path.insert(0, {_PACKAGES!r});"
    " from jupyter_rbac.sandbox.__main__ import main; sys.exit(main(sys.argv[1:]))"
)
# -S as well: no site-packages' .pth files run (nor cost their time); this package is found by path
LAUNCHER = (sys.executable, "-I", "-S", "-c", _RUN_LAUNCHER, "--")


class NoSandbox(web.HTTPError):
    """403: code would run unconfined on a server that cannot confine it."""

    missing_scope = "all"

    def __init__(self, what: str) -> None:
        # the guard's JSON answer says this rather than only naming the scope
        self.rbac_message = (
            f"this server cannot confine code (Landlock is not available here), so {what} is"
            " for holders of `all` only; an administrator may set c.RBAC.sandbox = 'off' to run"
            " code unconfined, giving everyone who runs code everything the server can do"
        )
        super().__init__(403, self.rbac_message)


@dataclass
class Confined:
    """A running process in a sandbox: who started it, with what, and what it may reach."""

    kind: str  # "kernel" or "terminal"
    name: str  # the kernel's id, the terminal's name
    launch: Launch
    folders: CodeFolders


class Sandboxes:
    """The sandboxes of one server (c.RBAC.sandbox: "landlock" or "off")."""

    def __init__(
        self,
        mode: str,
        places: ServerPlaces,
        policy: Any,
        abi: int | None = None,
        kernel_ports: str = "",
    ):
        self.mode = mode
        # c.RBAC.kernel_ports: where every kernel's ports lie, and where sandboxed code may not
        # connect (None: anywhere, as jupyter_client chooses)
        self.kernel_ports = port_range(kernel_ports)
        self.places = places
        self.policy = policy
        self.abi = abi_version() if abi is None else abi
        cap = os.environ.get(ABI_CAP_VARIABLE, "").strip()
        if cap.isdigit():  # the most this server uses (0: as on a machine without Landlock)
            self.abi = min(self.abi, int(cap))
        self.running: dict[tuple[str, str], Confined] = {}
        # who started each kernel (None: the server itself), confined or not: its environment
        # follows its starter's rules whenever jupyter_server hands it a new one
        self.starters: dict[str, str | None] = {}

    @property
    def confines(self) -> bool:
        """Does code run confined here (those without `all`)?"""
        return self.mode == LANDLOCK and self.abi > 0

    def describe(self) -> str:
        """One line for the start log and for users."""
        if self.mode == OFF:
            return (
                "kernels and terminals run unconfined (c.RBAC.sandbox = 'off'): running code"
                " grants everything the server can do"
            )
        if not self.confines:
            return (
                "Landlock is not available on this machine: only holders of `all` may start"
                " kernels and terminals (c.RBAC.sandbox = 'off' runs code unconfined)"
            )
        return f"kernels and terminals run in a Landlock sandbox (ABI {self.abi}) built from their user's scopes"

    def port_layers(self) -> PortLayers | None:
        """The TCP layers to build ahead for confined kernels (port_layers.py), if their code is
        kept off the kernels' ports here; the first is on its way."""
        if not self.confines or self.abi < NET_ABI or self.kernel_ports is None:
            return None
        layers = PortLayers(localhost(), *self.kernel_ports)
        layers.prepare()
        return layers

    def reach_of(self, permissions: Any) -> dict:
        """What the code of someone with `permissions` may reach, as /api/rbac/me shows it:
        `sandbox` ("landlock", "off", "unavailable"), `confined`, `may_run_code` (as far as the
        sandbox goes; their scopes decide too), and the folders (API paths, "" the served folder)
        their code may write and read, with the globs no code is given (`left_out`)."""
        reach = {"sandbox": self.mode if self.confines or self.mode == OFF else "unavailable"}
        if self.mode == OFF or permissions.is_all:
            return {**reach, "confined": False, "may_run_code": True, **CodeFolders().to_json()}
        if not self.confines:
            return {**reach, "confined": False, "may_run_code": False, **CodeFolders().to_json()}
        return {
            **reach,
            "confined": True,
            "may_run_code": True,
            **code_folders(permissions).to_json(),
        }

    def plan_for(
        self,
        launch: Launch | None,
        what: str,
        read_also: tuple[str, ...] = (),
        files_read_also: tuple[str, ...] = (),
    ) -> tuple[SandboxPlan, CodeFolders] | None:
        """The plan of a process `launch` starts (`what`: "a kernel", "a terminal"), or None to
        run it unconfined: a holder of `all`, the server's own work, or sandboxes switched off.
        Raises NoSandbox where code must be confined and cannot be."""
        if launch is None or self.mode == OFF or launch.permissions is None:
            return None
        if launch.permissions.is_all:
            return None
        if not self.confines:
            raise NoSandbox(what)
        folders = code_folders(launch.permissions)
        record_key = self.policy.store.record_key_of(launch.username)
        try:
            rules = rules_for(
                self.places, folders, launch.username, read_also, files_read_also, record_key
            )
        except OSError as error:  # a folder changed under the look (a link swapped in and out)
            raise web.HTTPError(
                409,
                f"the folders of this sandbox changed while it was being built; try again ({error.strerror})",
            ) from error
        plan = SandboxPlan(
            read_write=list(rules.read_write),
            read_only=list(rules.read_only),
            read_execute=list(rules.read_execute),
            files_read=list(rules.files_read),
            files_write=list(rules.files_write),
            devices=list(rules.devices),
            home=rules.home,
            tmp=rules.tmp,
            scope_ipc=True,
            tcp_denied=[list(self.kernel_ports)] if self.kernel_ports else [],
        )
        return plan, folders

    def started(self, kind: str, name: str, launch: Launch, folders: CodeFolders) -> None:
        self.running[(kind, name)] = Confined(kind, name, launch, folders)

    def ended(self, kind: str, name: str) -> None:
        self.running.pop((kind, name), None)

    def lost_reach(self) -> list[tuple[Confined, CodeFolders]]:
        """The running processes whose user no longer may reach all they were started with,
        each with what the user's code may reach now."""
        lost = []
        for confined in list(self.running.values()):
            launch = confined.launch
            if launch.token_scopes is None:
                now = self.policy.permissions(launch.username, launch.external)
            else:
                now = self.policy.token_permissions(
                    launch.username, launch.token_scopes, launch.external
                )
            if now.is_all:
                continue
            reach = code_folders(now)
            if not reach.covers(confined.folders):
                lost.append((confined, reach))
        return lost
