"""Run by IPython at the start of every ipykernel the server starts (`IPKernelApp.exec_files`):
the kernel's debugger listens on the port the server reserved for it, inside
c.RBAC.kernel_ports.

ipykernel would start debugpy on a random port. Its adapter lets the first client that attaches
debug the kernel, and so run code in it: anyone on the machine who found the port (it shows in
the adapter's command line) could take over another user's kernel the moment they turned the
debugger on (outside tester, round 3). Inside the kernels' range, sandboxed code may not connect
to it; the kernel itself may, as to its other ports.

A file IPython runs, not a module it imports: it runs in the kernel's namespace, where it leaves
nothing, and needs no import path (an editable install may not be on the kernel's). Standard
library only; nothing happens in a kernel without a debugger.
"""


def _jupyter_rbac_debugger_port() -> None:
    import os

    port = os.environ.pop("JUPYTER_RBAC_DEBUG_PORT", "")
    shell = get_ipython()  # type: ignore[name-defined]  # noqa: F821  # IPython's, where this runs
    kernel = getattr(shell, "kernel", None)
    client = getattr(getattr(kernel, "debugger", None), "debugpy_client", None)
    if client is None or not port.isdigit():
        return  # no debugger (debugpy is not installed), or not started by the server
    if not hasattr(client, "debugpy_port"):  # an ipykernel that chooses its port differently
        kernel.debugger = None  # no debugger rather than one anybody may attach to
        return
    client.debugpy_port = port  # as ipykernel keeps it: the text of the port


_jupyter_rbac_debugger_port()
del _jupyter_rbac_debugger_port
