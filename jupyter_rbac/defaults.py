"""The roles and groups jupyter-rbac ships: the one place their scopes are written down.

Created on first start; editable afterwards (except `admin`); never deletable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultRole:
    name: str
    description: str
    scopes: tuple[str, ...]


# Read-only use of the server: browse and open, export, see what runs (JupyterLab polls these
# lists, the event stream and the language servers' status) and who else is here. No saving, no
# kernels.
_VIEWER = (
    "read:contents",
    "read:nbconvert",
    "read:kernelspecs",
    "read:kernels",
    "read:sessions",
    "read:terminals",
    "read:config",
    "read:lab",
    "read:api",
    "read:events",
    "read:lsp",
    "read:collaborators",
)

DEFAULT_ROLES: tuple[DefaultRole, ...] = (
    DefaultRole("admin", "Everything, including administering jupyter-rbac.", ("all",)),
    DefaultRole(
        "user",
        "Held by every signed-in user: see yourself, open JupyterLab, see kernel types.",
        ("self", "read:lab", "read:api", "read:kernelspecs"),
    ),
    DefaultRole("viewer", "Browse, open and export files and notebooks; change nothing.", _VIEWER),
    DefaultRole(
        "runner",
        "Everything a viewer does, plus running notebooks in kernels; saves only in "
        "home/{user}/ and shared/{group}/.",
        _VIEWER
        + (
            "execute:kernels",
            "write:sessions",
            "write:contents!path=home/{user}/**",
            "write:contents!path=shared/{group}/**",
        ),
    ),
    DefaultRole(
        "editor",
        "Work on the server: edit and save files, run kernels and terminals, change settings.",
        (
            "write:contents",
            "write:nbconvert",
            "read:kernelspecs",
            "execute:kernels",
            "write:sessions",
            "execute:terminals",
            "write:config",
            "write:lab",
            "read:api",
            "write:events",
            "execute:lsp",
            "read:collaborators",
        ),
    ),
)

DEFAULT_ROLE_NAMES = frozenset(role.name for role in DEFAULT_ROLES)
# Given to every authenticated user, whether or not the store lists them.
EVERYONE_ROLE = "user"
# The role nobody may edit: it is what keeps an administrator able to repair the policy.
FIXED_ROLE = "admin"

# Groups as Nebari names them, each with the role it maps to.
DEFAULT_GROUPS: dict[str, tuple[str, str]] = {
    "admin": ("Administrators of this server.", "admin"),
    "developer": ("Developers: edit, run and configure.", "editor"),
    "analyst": ("Analysts: read everything, run notebooks, save in their own folders.", "runner"),
}
