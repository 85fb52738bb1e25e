"""jupyter-rbac: Role Based Access Control for Jupyter Server."""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0.dev0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyter-rbac"}]


def _jupyter_server_extension_points():
    from .app import RBACExtension

    return [{"module": "jupyter_rbac", "app": RBACExtension}]
