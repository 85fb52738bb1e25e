"""The sandbox: what the kernels and terminals of a user start with, derived from who starts them.

`environment` decides what a process inherits from the server's environment (no Hub credentials
for anyone but the server's owner) and how Python kernels are launched (their working folder is
never on the import path). `launch` applies it where the server starts processes: a mixin on the
server's kernel manager and one on the terminal manager, which also refuse a kernel start that the
Authorizer did not judge for `execute:kernels`.
"""

from __future__ import annotations

from .environment import HUB_SECRETS, EnvironmentRule
from .launch import KernelStartRefused, install_on_kernels, install_on_terminals

__all__ = [
    "HUB_SECRETS",
    "EnvironmentRule",
    "KernelStartRefused",
    "install_on_kernels",
    "install_on_terminals",
]
