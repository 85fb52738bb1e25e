"""The kernel provisioner that starts a kernel inside its sandbox.

jupyter_client's provisioners decide how a kernel process starts; this one is jupyter_client's
LocalProvisioner, except that a kernel whose start carries a sandbox plan (put in its
environment by sandbox.launch.KernelLaunch) starts through the launcher, which applies the plan
and then runs the kernel's own command: the kernel and everything it starts are inside. The
plan gains what only the provisioner knows: the kernel's connection file (read only, nothing
beside it) and its kernel spec's folder.

It also gives every kernel it starts, confined or not, its five TCP ports from the server's
range (c.RBAC.kernel_ports), which sandboxed code may not connect to: a kernel's IOPub channel
needs no key, so anyone who connects reads its output. A confined kernel may still connect to its
own ports. Every ipykernel it starts runs kernel_debugger.py first: no debugger. Its port rules are the costly
part of its sandbox: the server builds them ahead (port_layers.py), and a confined kernel that
finds them ready takes their ports and passes their descriptor to its launcher.

The server makes it the default provisioner (`KernelProvisionerFactory.default_provisioner_name`);
a kernel spec that names another provisioner is refused to users whose code is confined.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from jupyter_client.localinterfaces import is_local_ip
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner

from .kernel_ports import PORT_NAMES, free_ports
from .plan import PLAN_VARIABLE, SandboxPlan, without_ports
from .port_layers import PortLayer, PortLayers

# The name it is registered under (the `jupyter_client.kernel_provisioners` entry point).
PROVISIONER_NAME = "rbac-sandbox-provisioner"
# What an ipykernel runs at its start: no debugger (see kernel_debugger.py).
NO_DEBUGGER = f"--IPKernelApp.exec_files={Path(__file__).with_name('kernel_debugger.py')}"


class SandboxProvisioner(LocalProvisioner):  # type: ignore[misc]
    """LocalProvisioner, with ports from the server's range, and through the sandbox launcher
    when the start carries a plan."""

    # c.RBAC.kernel_ports, (first, last), set by the server; None: jupyter_client's random ports
    kernel_ports: ClassVar[tuple[int, int] | None] = None
    # the server's TCP layers built ahead for confined kernels, if it builds them
    port_layers: ClassVar[PortLayers | None] = None
    _layer: PortLayer | None = None  # the one this kernel's start took, until it started

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        confined = PLAN_VARIABLE in (kwargs.get("env") or {})
        self._ports_in_the_range(confined)
        kwargs = await super().pre_launch(**kwargs)
        command = kwargs.get("cmd") or []
        if any("ipykernel" in part for part in command[:4]):  # no debugger: kernel_debugger.py
            kwargs["cmd"] = [*command, NO_DEBUGGER]
        environment = kwargs.get("env") or {}  # the base provisioner's copy: ours to change
        text = environment.get(PLAN_VARIABLE)
        if text is None:
            return kwargs
        from .sandboxes import LAUNCHER  # the launcher's command, with this Python

        plan = SandboxPlan.from_json(text)
        connection_file = getattr(self.parent, "connection_file", None)
        if connection_file:
            plan.files_read.append(os.path.realpath(connection_file))
        resources = getattr(self.kernel_spec, "resource_dir", None)
        if resources:
            plan.read_only.append(os.path.realpath(resources))
        if self._layer is not None and plan.tcp_denied and plan.scope_ipc:  # as it was built
            plan.tcp_denied = []
            plan.tcp_layer = self._layer.ruleset
            kwargs["pass_fds"] = (self._layer.ruleset,)
        else:
            own = {getattr(self.parent, name, 0) for name in PORT_NAMES}
            plan.tcp_denied = without_ports(plan.tcp_denied, own)
        environment[PLAN_VARIABLE] = plan.to_json()
        kwargs["env"] = environment
        kwargs["cmd"] = [*LAUNCHER, *kwargs["cmd"]]
        return kwargs

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        try:
            return await super().launch_kernel(cmd, **kwargs)
        finally:
            self._done_with_layer()

    async def cleanup(self, restart: bool = False) -> None:
        self._done_with_layer()  # a start that failed before its launch
        await super().cleanup(restart=restart)

    def _ports_in_the_range(self, confined: bool) -> None:
        """Before the connection file is written, the first time: the kernel's five ports, free
        ones of the range (as jupyter_client's own choice, noted in its LocalPortCache so that
        two kernels never get one port, and kept across restarts). A confined kernel takes the
        ports of the TCP layer built ahead for it, if one is ready, and the next is built."""
        manager = self.parent
        if self.kernel_ports is None or manager is None or self.ports_cached:
            return
        if manager.transport != "tcp" or not is_local_ip(manager.ip):
            return  # ipc has no ports; a remote address is refused by the base class
        layers = self.port_layers if confined else None
        self._layer = layers.take(manager.ip, *self.kernel_ports) if layers else None
        if layers is not None:
            layers.prepare()
        if self._layer is not None:
            ports = self._layer.ports
        else:
            ports = free_ports(manager.ip, *self.kernel_ports, len(PORT_NAMES))
        for name, port in zip(PORT_NAMES, ports):
            setattr(manager, name, port)
        self.ports_cached = True  # the base class takes no others, and gives these back

    def _done_with_layer(self) -> None:
        """The launcher has the layer's descriptor (or never will): close the server's."""
        if self._layer is not None:
            self._layer.close()
            self._layer = None


def use_the_sandbox_provisioner(
    serverapp: Any,
    log: Any,
    kernel_ports: tuple[int, int] | None = None,
    port_layers: PortLayers | None = None,
) -> None:
    """Make this provisioner the server's default, unless its operator chose another one (then
    kernels of users whose code is confined are refused: see `provisioner_of`), and give the
    kernels it starts their ports from `kernel_ports` (first, last; None: anywhere), confined
    ones with the TCP layers `port_layers` builds ahead, if given."""
    SandboxProvisioner.kernel_ports = kernel_ports
    SandboxProvisioner.port_layers = port_layers
    factory = KernelProvisionerFactory.instance(parent=serverapp)
    chosen = serverapp.config.get("KernelProvisionerFactory", {}).get("default_provisioner_name")
    if chosen and chosen != PROVISIONER_NAME:
        log.warning(
            "jupyter-rbac: kernels start through the provisioner %r (c.KernelProvisionerFactory):"
            " only holders of `all` may start them, since their code would not be confined",
            chosen,
        )
        return
    if PROVISIONER_NAME not in factory.provisioners:  # found through its entry point
        log.error(
            "jupyter-rbac: the kernel provisioner %r is not installed (reinstall jupyter-rbac):"
            " only holders of `all` may start kernels",
            PROVISIONER_NAME,
        )
        return
    factory.default_provisioner_name = PROVISIONER_NAME


def provisioner_of(kernel_spec: Any, parent: Any) -> str:
    """The name of the provisioner a kernel of `kernel_spec` would start through (as
    jupyter_client chooses: the kernel spec's own stanza, else the factory's default)."""
    metadata = getattr(kernel_spec, "metadata", None) or {}
    stanza = metadata.get("kernel_provisioner") or {}
    name = stanza.get("provisioner_name") if isinstance(stanza, dict) else None
    if name:
        return str(name)
    factory = KernelProvisionerFactory.instance(parent=parent)
    if factory.default_provisioner_name not in factory.provisioners:
        return ""  # not installed: jupyter_client would refuse it too
    return factory.default_provisioner_name
