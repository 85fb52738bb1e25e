"""Stops what runs in a sandbox its user has outgrown: on the server's timer, after a policy change.

A Landlock sandbox cannot be narrowed from outside: a kernel or terminal whose user lost a folder
it was started with would keep it. So it is stopped (within `c.RBAC.websocket_recheck_seconds`),
with a `sandbox.stopped` audit row and event, which its user's JupyterLab shows; restarting it
starts it under the policy of now.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from .folders import CodeFolders
from .sandboxes import Confined, Sandboxes

ACTOR = "system"
# How long a launcher is given to end its kernel and what it started before it is killed.
LAUNCHER_GRACE = 2.0


class SandboxWatch:
    def __init__(
        self, sandboxes: Sandboxes, policy: Any, store: Any, settings: dict, log: logging.Logger
    ) -> None:
        self.sandboxes = sandboxes
        self.policy = policy
        self.store = store
        self._settings = settings  # the server's: its kernel and terminal managers
        self.log = log
        self._seen = policy.generation
        self._running: asyncio.Task | None = None

    def check(self) -> None:
        """After a policy change (the timer refreshed the policy), stop what lost its reach."""
        if self.policy.generation == self._seen or (self._running and not self._running.done()):
            return
        try:
            lost = self.sandboxes.lost_reach()
        except SQLAlchemyError:
            return  # the database is away: the next tick tries again
        self._seen = self.policy.generation
        if lost:
            self._running = asyncio.ensure_future(self._stop_all(lost))

    async def _stop_all(self, lost: list[tuple[Confined, CodeFolders]]) -> None:
        for confined, reach in lost:
            try:
                await self._stop(confined)
            except Exception:  # one that cannot be stopped must not keep the others running
                self.log.exception(
                    "jupyter-rbac: could not stop %s %s", confined.kind, confined.name
                )
                continue
            self.sandboxes.ended(confined.kind, confined.name)
            self.store.record_event(
                ACTOR,
                "sandbox.stopped",
                f"{confined.kind} {confined.name}",
                user=confined.launch.username,
                kind=confined.kind,
                name=confined.name,
                started_with=confined.folders.to_json(),
                reach_now=reach.to_json(),
            )
            self.log.warning(
                "jupyter-rbac: %s %s of %s stopped: its user no longer reaches all it was started"
                " with (restarting it starts it under the current policy)",
                confined.kind,
                confined.name,
                confined.launch.username,
            )

    async def _stop(self, confined: Confined) -> None:
        if confined.kind == "kernel":
            kernels = self._settings.get("kernel_manager")
            if kernels is not None and confined.name in kernels:
                await _end_kernel(kernels, confined.name)
        else:
            terminals = self._settings.get("terminal_manager")
            if terminals is not None and confined.name in terminals.terminals:
                # SIGHUP to the launcher first, which ends all the terminal started
                await terminals.terminate(confined.name, force=True)


async def _end_kernel(kernels: Any, kernel_id: str) -> None:
    """End a kernel now, and all it started: SIGTERM to its launcher, which ends the kernel and
    every process it started (see reaper.py), then the kernel manager's own shutdown. Not a
    shutdown request (a kernel may ignore it for seconds), nor a SIGKILL first (the launcher
    must live to end the daemons)."""
    provisioner = getattr(kernels.get_kernel(kernel_id), "provisioner", None)
    if provisioner is not None and provisioner.has_process:
        await provisioner.send_signal(signal.SIGTERM)
        deadline = asyncio.get_running_loop().time() + LAUNCHER_GRACE
        while await provisioner.poll() is None and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
    await kernels.shutdown_kernel(kernel_id, now=True)
