"""The kernel provisioner that starts a kernel inside its sandbox.

jupyter_client's provisioners decide how a kernel process starts; this one is jupyter_client's
LocalProvisioner, except that a kernel whose start carries a sandbox plan (put in its
environment by sandbox.launch.KernelLaunch) starts through the launcher, which applies the plan
and then runs the kernel's own command: the kernel and everything it starts are inside. The
plan gains what only the provisioner knows: the kernel's connection file (read only, nothing
beside it) and its kernel spec's folder.

The server makes it the default provisioner (`KernelProvisionerFactory.default_provisioner_name`);
a kernel spec that names another provisioner is refused to users whose code is confined.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner

from .plan import PLAN_VARIABLE, SandboxPlan

# The name it is registered under (the `jupyter_client.kernel_provisioners` entry point).
PROVISIONER_NAME = "rbac-sandbox-provisioner"


class SandboxProvisioner(LocalProvisioner):  # type: ignore[misc]
    """LocalProvisioner, through the sandbox launcher when the start carries a plan."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = await super().pre_launch(**kwargs)
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
        environment[PLAN_VARIABLE] = plan.to_json()
        kwargs["env"] = environment
        kwargs["cmd"] = [*LAUNCHER, *kwargs["cmd"]]
        return kwargs


def use_the_sandbox_provisioner(serverapp: Any, log: Any) -> None:
    """Make this provisioner the server's default, unless its operator chose another one (then
    kernels of users whose code is confined are refused: see `provisioner_of`)."""
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
