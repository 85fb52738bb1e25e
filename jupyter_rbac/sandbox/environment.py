"""Environment scrubbing and the import rule: what a kernel or terminal starts with.

Kernels and terminals run as the server's OS user and inherit its environment, which may hold
the server's secrets: under JupyterHub the owner's Hub token (JUPYTERHUB_API_TOKEN, and
JPY_API_TOKEN, its older name), with which anyone acts on the Hub as the owner; a server token
(JUPYTER_TOKEN); a database URL with its password. Only the owner's own kernels and terminals
keep them (under JupyterHub: JUPYTERHUB_USER). Everyone else's start without:
- the Hub's variables, but those that name places rather than grant anything (HUB_PLACES:
  whose server this is, where the Hub is), so that tools still know whose server this is;
- JUPYTER_TOKEN;
- any variable whose value is a URL with a password in it (postgresql://user:secret@db/...);
- the names and patterns an operator adds (`c.RBAC.kernel_environment_deny`).

A Python kernel imports before it runs anything: `python -m ipykernel_launcher` looks for the
launcher in its working folder first, and IPython then puts that folder on `sys.path`. A file
planted there (by anyone who may write the folder) would run as the kernel. Python kernels start
with PYTHONSAFEPATH=1 (Python 3.11+: neither the working folder nor a script's folder goes on
`sys.path`) and IPython kernels with `ignore_cwd`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The credentials JupyterHub's Spawner.get_env gives a single-user server, and a server token.
HUB_SECRETS: tuple[str, ...] = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN", "JUPYTER_TOKEN")
# The Hub's variables that name places, not rights: everyone's processes keep them.
HUB_PLACES = frozenset(
    {
        "JUPYTERHUB_USER",
        "JUPYTERHUB_SERVER_NAME",
        "JUPYTERHUB_BASE_URL",
        "JUPYTERHUB_SERVICE_PREFIX",
        "JUPYTERHUB_SERVICE_URL",
        "JUPYTERHUB_HOST",
        "JUPYTERHUB_API_URL",
        "JUPYTERHUB_ACTIVITY_URL",
    }
)
# A URL with a password in it: scheme://user:password@host...
_URL_WITH_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@")
# IPython adds the working folder to sys.path unless told not to (InteractiveShellApp.init_path).
IPYTHON_IGNORE_CWD = "--IPKernelApp.ignore_cwd=True"


@dataclass(frozen=True)
class EnvironmentRule:
    """What the processes of one server inherit, by who starts them.

    owner: the server's owner under JupyterHub (JUPYTERHUB_USER), "" elsewhere.
    secrets: the variables only the owner's processes inherit.
    """

    owner: str = ""
    secrets: tuple[str, ...] = HUB_SECRETS
    denied: tuple[str, ...] = ()  # names or fnmatch patterns an operator adds

    def keeps_secrets(self, starter: str | None) -> bool:
        """Whether a process started by `starter` (None: not known) inherits the secrets."""
        return bool(self.owner) and starter == self.owner

    def environment(self, inherited: Mapping[str, str], starter: str | None) -> dict[str, str]:
        """The environment of a process `starter` starts, from the one it would inherit."""
        if self.keeps_secrets(starter):
            return dict(inherited)
        return {name: value for name, value in inherited.items() if not self.is_secret(name, value)}

    def is_secret(self, name: str, value: str) -> bool:
        if name in self.secrets or any(fnmatch.fnmatchcase(name, rule) for rule in self.denied):
            return True
        if name.startswith("JUPYTERHUB_") and name not in HUB_PLACES:
            return True
        return _URL_WITH_PASSWORD.search(value) is not None


def is_python(kernel_spec: Any) -> bool:
    language = getattr(kernel_spec, "language", "") or ""
    return language.lower().startswith("python")


def is_ipykernel(kernel_spec: Any) -> bool:
    """An IPython kernel (`python -m ipykernel_launcher`, `-m ipykernel`): it takes IPython's options."""
    argv = getattr(kernel_spec, "argv", None) or []
    return is_python(kernel_spec) and any(
        part in ("ipykernel_launcher", "ipykernel") for part in argv
    )


def off_the_import_path(
    kernel_spec: Any, environment: dict[str, str], extra_arguments: list[str]
) -> list[str]:
    """Launch `kernel_spec` with its working folder off the import path: sets PYTHONSAFEPATH in
    `environment` for a Python kernel; returns the extra arguments (IPython's `ignore_cwd`).

    Other languages are launched as their kernel spec says (see SECURITY.md: R reads `.Rprofile`
    from its working folder, which the Contents API, hiding dot files by default, does not write).
    """
    if not is_python(kernel_spec):
        return extra_arguments
    environment["PYTHONSAFEPATH"] = "1"
    if is_ipykernel(kernel_spec) and IPYTHON_IGNORE_CWD not in extra_arguments:
        return [*extra_arguments, IPYTHON_IGNORE_CWD]
    return extra_arguments
