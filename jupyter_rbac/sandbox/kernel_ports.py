"""Kernels' TCP ports: five free ones of the server's range (c.RBAC.kernel_ports) for each kernel.

Every kernel the server starts listens on ports of one range, so that sandboxed code can be kept
off all of them at once (a kernel's IOPub channel needs no key: whoever connects reads its
output). The ports are noted in jupyter_client's LocalPortCache, as its own choice is, so that
two kernels of this server never get one port.
"""

from __future__ import annotations

import random
import socket

from jupyter_client.connect import LocalPortCache
from tornado import web

# A kernel manager's attributes holding its ports, as jupyter_client names them.
PORT_NAMES = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")


class KernelPortsExhausted(web.HTTPError):
    """503: no five free ports are left in c.RBAC.kernel_ports."""

    def __init__(self, first: int, last: int, found: int) -> None:
        super().__init__(
            503,
            f"no kernel can start: {found} of the 5 ports it needs are free in"
            f" c.RBAC.kernel_ports ({first}-{last}); stop a kernel, or widen the range",
        )


def free_ports(ip: str, first: int, last: int, count: int = len(PORT_NAMES)) -> list[int]:
    """`count` ports of `first`..`last` that nothing listens on and no other kernel of this
    server was given, taken in LocalPortCache; KernelPortsExhausted if too few are left."""
    cache = LocalPortCache.instance()
    found: list[int] = []
    start = random.randint(first, last)  # spreads servers sharing a range
    for port in [*range(start, last + 1), *range(first, start)]:
        if port not in cache.currently_used_ports and bindable(ip, port):
            cache.currently_used_ports.add(port)
            found.append(port)
            if len(found) == count:
                return found
    give_back(found)
    raise KernelPortsExhausted(first, last, len(found))


def give_back(ports: list[int]) -> None:
    """Return `ports`, taken by free_ports and never used, to LocalPortCache."""
    cache = LocalPortCache.instance()
    for port in ports:
        cache.return_port(port)


def bindable(ip: str, port: int) -> bool:
    """Could a kernel bind `port` on `ip` now?"""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\0" * 8)  # as jupyter_client
        try:
            probe.bind((ip, port))
        except OSError:
            return False
    return True
