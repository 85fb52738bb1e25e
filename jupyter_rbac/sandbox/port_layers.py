"""TCP layers built ahead: the Landlock port rules of the next confined kernel, made before it
starts.

A confined kernel may not connect to, nor bind, the ports of other kernels (c.RBAC.kernel_ports),
and Landlock knows allowed ports only, one rule each: its domain needs a rule for every other
port, ~64,500 of them, and adding them costs ~0.1 s of the kernel's own time, a seventh of a
kernel's start. So the server keeps one layer ready: it reserves the next kernel's five ports
and builds, on a thread of its own, a ruleset that allows every port but the rest of the range.
The next confined kernel takes the ports and the layer; its launcher inherits the ruleset's
descriptor, and the kernel enters it around the launcher's domain of folders (Landlock stacks
layers, and each must allow an access; this one also scopes the kernel's signals: see
landlock.program_layer). Then the next layer is built. A start that finds none ready (starts in a
burst, a restart, which keeps its ports) is as before: its launcher adds the rules itself.

Each layer is used once: its ruleset may be changed by whoever holds its descriptor, and only
the launcher that enters it, and the server, ever do.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from .kernel_ports import PORT_NAMES, KernelPortsExhausted, bindable, free_ports, give_back
from .landlock import program_layer
from .plan import without_ports

log = logging.getLogger(__name__)


@dataclass
class PortLayer:
    """A kernel's five ports (in PORT_NAMES' order) and the descriptor of the ruleset that lets
    its code use them and no other port of the range."""

    ip: str
    ports: list[int]
    ruleset: int
    closed: bool = False

    def close(self) -> None:
        """Close the descriptor (the launcher has its own copy) and keep the ports."""
        if not self.closed:
            self.closed = True
            os.close(self.ruleset)

    def discard(self) -> None:
        """Close the descriptor and give the ports back: the layer was not used."""
        self.close()
        give_back(self.ports)


class PortLayers:
    """Keeps one PortLayer ready for kernels on `ip` with ports of `first`..`last`."""

    def __init__(self, ip: str, first: int, last: int) -> None:
        self.ip = ip
        self.range = (first, last)
        self._ready: PortLayer | None = None
        self._building: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def ready(self) -> PortLayer | None:
        """The layer the next confined kernel would take, if built."""
        return self._ready

    def prepare(self) -> None:
        """Start building the next layer, unless one is ready or on its way. On the server's
        thread: the ports are reserved here, where kernels take theirs."""
        if self._closed or self._ready is not None:
            return
        if self._building is not None and self._building.is_alive():
            return
        try:
            ports = free_ports(self.ip, *self.range, len(PORT_NAMES))
        except KernelPortsExhausted:
            return  # a kernel's start will say so
        self._building = threading.Thread(
            target=self._build, args=(ports,), name="jupyter-rbac port layer", daemon=True
        )
        self._building.start()

    def _build(self, ports: list[int]) -> None:
        denied = [tuple(each) for each in without_ports([list(self.range)], set(ports))]
        try:
            ruleset = program_layer(denied, scope_signals=True).ruleset
        except OSError as error:  # kernels still start: their launchers build the rules
            log.warning("jupyter-rbac: cannot build a kernel's TCP rules ahead: %s", error)
            give_back(ports)
            return
        if ruleset is None:  # an ABI without TCP rules: the server builds no layers there
            give_back(ports)
            return
        layer = PortLayer(self.ip, ports, ruleset)
        with self._lock:
            if not self._closed:
                self._ready = layer
                return
        layer.discard()

    def take(self, ip: str, first: int, last: int) -> PortLayer | None:
        """The ready layer, for a kernel on `ip` with ports of `first`..`last`, now the
        caller's (it closes it once the kernel started); None if there is none, or it no longer
        fits (another range, or a port someone took meanwhile)."""
        with self._lock:
            layer, self._ready = self._ready, None
        self.ip = ip  # where the next layer's ports must be free
        if layer is None:
            return None
        if (ip, (first, last)) != (layer.ip, self.range) or not all(
            bindable(ip, port) for port in layer.ports
        ):
            layer.discard()
            return None
        return layer

    def close(self) -> None:
        """The server stops: drop the ready layer; one being built is dropped when done."""
        with self._lock:
            self._closed = True
            layer, self._ready = self._ready, None
        if layer is not None:
            layer.discard()
