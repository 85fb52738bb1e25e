"""Each user's own JupyterLab: their settings and workspaces, kept apart from everyone else's,
over the server-wide defaults an administrator keeps (JupyterLab's overrides semantics)."""

from .state import LabState, LabUnavailable
from .workspaces import PathReader, readable_workspace

__all__ = ["LabState", "LabUnavailable", "PathReader", "readable_workspace"]
