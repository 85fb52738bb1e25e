"""Run by IPython at the start of every ipykernel the server starts (`IPKernelApp.exec_files`):
the kernel offers no debugger.

ipykernel's debugger starts debugpy, whose adapter and endpoints listen on random local ports
and accept the first client that connects, with the access token on the adapter's command line
(which every process may read). Another user's code, sandboxed or not, took over a kernel the
moment its user turned the debugger on and ran code in it as that user; an administrator's
kernel runs outside any sandbox (outside testers, rounds 3 and 4: giving one of those ports a
place in the kernels' range left the two others). Until all of them can be confined, kernels on
a server with jupyter-rbac have no debugger: the kernel does not announce one (JupyterLab shows
none) and ignores debug requests.

A file IPython runs, not a module it imports: it runs in the kernel's namespace, where it leaves
nothing, and needs no import path (an editable install may not be on a kernel's).
"""


def _jupyter_rbac_no_debugger() -> None:
    import sys

    debugger = sys.modules.get("ipykernel.debugger")
    if debugger is not None:
        debugger._is_debugpy_available = False  # what ipykernel asks before anything debugs
    kernel = getattr(get_ipython(), "kernel", None)  # type: ignore[name-defined]  # noqa: F821
    if kernel is not None and getattr(kernel, "debugger", None) is not None:
        kernel.debugger = None


_jupyter_rbac_no_debugger()
del _jupyter_rbac_no_debugger
