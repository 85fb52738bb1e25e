"""The roles and groups jupyter-rbac ships: the one place their scopes are written down.

Created on first start; editable afterwards (except `admin`); never deletable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultRole:
    name: str
    description: str
    scopes: tuple[str, ...]


# One's own JupyterLab: open it, and keep one's own settings and workspaces (layouts). Another
# user's need a scope that names them; unfiltered, everyone's and the server-wide defaults.
OWN_LAB = ("read:lab!user={user}", "write:lab!user={user}")

# Sharing what is in one's own folder (home/{user}/), as a role given on a path: nothing one does
# not hold there oneself.
OWN_SHARES = ("write:shares!path=home/{user}/**",)

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
    "read:lab!user={user}",
    "read:api",
    "read:events",
    "read:lsp",
    "read:collaborators",
)

# Nebari's analyst and developer: their own home and their groups' shared folders, nobody else's.
_OWN_FOLDERS = (
    "write:contents!path=home/{user}/**",
    "write:contents!path=shared/{group}/**",
    "read:nbconvert!path=home/{user}/**",
    "read:nbconvert!path=shared/{group}/**",
)
# What JupyterLab reads as it runs, as a viewer has it (lists, events, collaborators are filtered
# to what the user may see).
_WORKSPACE = (
    "read:kernelspecs",
    "read:config",
    "read:lab!user={user}",
    "read:api",
    "read:events",
    "read:collaborators",
)
_ANALYST = (
    _OWN_FOLDERS
    + (
        "execute:kernels!user={user}",
        "write:sessions!user={user}",
        "read:terminals!user={user}",
        "read:lsp",
    )
    + _WORKSPACE
)
_DEVELOPER = (
    _OWN_FOLDERS
    + (
        "execute:kernels!user={user}",
        "write:sessions!user={user}",
        "execute:terminals!user={user}",
        "execute:lsp",
    )
    + _WORKSPACE
)

DEFAULT_ROLES: tuple[DefaultRole, ...] = (
    DefaultRole("admin", "Everything, including administering jupyter-rbac.", ("all",)),
    DefaultRole(
        "user",
        "Held by every signed-in user: see yourself, open JupyterLab with your own settings and"
        " workspaces, see kernel types, hear of what you may read (the event stream).",
        ("self", *OWN_LAB, "read:api", "read:kernelspecs", "read:events"),
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
            *OWN_SHARES,
        ),
    ),
    DefaultRole(
        "editor",
        "Work on the server: edit and save files, run kernels and terminals, change the"
        " server's frontend configuration.",
        (
            "write:contents",
            "write:nbconvert",
            "read:kernelspecs",
            "execute:kernels",
            "write:sessions",
            "execute:terminals",
            "write:config",
            "read:api",
            "write:events",
            "execute:lsp",
            "read:collaborators",
            *OWN_SHARES,
        ),
    ),
    DefaultRole(
        "analyst",
        "Read and write your own home/{user}/ and your groups' shared/{group}/, run notebooks in"
        " your own kernels, export what you may read; other users' homes stay private, to your"
        " code too (kernels run in a sandbox of these folders).",
        _ANALYST,
    ),
    DefaultRole(
        "developer",
        "An analyst who also opens terminals and starts language servers. Kernels and terminals"
        " run in a sandbox of your folders; language servers run as the server's user"
        " (SECURITY.md).",
        _DEVELOPER,
    ),
)

DEFAULT_ROLE_NAMES = frozenset(role.name for role in DEFAULT_ROLES)
# Given to every authenticated user, whether or not the store lists them.
EVERYONE_ROLE = "user"
# The role nobody may edit: it is what keeps an administrator able to repair the policy.
FIXED_ROLE = "admin"


def redefined_field(
    scopes: Sequence[str],
    description: str,
    new_scopes: Sequence[str] | None,
    new_description: str | None,
) -> str | None:
    """What a change would redefine in a role: "scopes", then "description", or None (a new value
    None changes nothing). FIXED_ROLE is never redefined, whoever changes the policy (the API,
    `load_roles`, an import): only who holds it changes."""
    if new_scopes is not None and list(new_scopes) != list(scopes):
        return "scopes"
    if new_description is not None and new_description != description:
        return "description"
    return None


# Groups as Nebari names them, each with the role it maps to. `viewer`, `runner` and `editor` reach
# every user's files: they are for a server people share on purpose, given by an administrator.
DEFAULT_GROUPS: dict[str, tuple[str, str]] = {
    "admin": ("Administrators of this server.", "admin"),
    "developer": (
        "Developers: their own home and groups' folders, kernels, terminals.",
        "developer",
    ),
    "analyst": (
        "Analysts: their own home and groups' folders, notebooks in their own kernels.",
        "analyst",
    ),
}
# What earlier versions (up to 0.1) gave these groups: a group that still holds exactly this role
# moves to its own role at the first start that ships it (see RBACService.ensure_defaults).
EARLIER_GROUPS: dict[str, tuple[str, str]] = {
    "developer": ("Developers: edit, run and configure.", "editor"),
    "analyst": ("Analysts: read everything, run notebooks, save in their own folders.", "runner"),
}

# Descriptions earlier versions gave shipped roles that are no longer true: a role still described
# so gets the new description at the next start (see RBACService.ensure_defaults).
EARLIER_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "user": (
        "Held by every signed-in user: see yourself, open JupyterLab, see kernel types.",
        (
            "Held by every signed-in user: see yourself, open JupyterLab with your own settings"
            " and workspaces, see kernel types."
        ),
    ),
    "editor": (
        "Work on the server: edit and save files, run kernels and terminals, change settings.",
    ),
    "analyst": (
        (
            "Read and write your own home/{user}/ and your groups' shared/{group}/, run notebooks"
            " in your own kernels, export what you may read; other users' homes stay private."
            " Code in kernels runs as the server's user, not yet confined to these folders"
            " (SECURITY.md)."
        ),
    ),
    "developer": (
        (
            "An analyst who also opens terminals and starts language servers. Terminals, kernels"
            " and language servers run as the server's user: until they are sandboxed they reach"
            " every file the server can (SECURITY.md)."
        ),
    ),
}


# Scopes earlier versions gave shipped roles: a role still holding exactly one of these sets gets
# this version's scopes at the next start (see RBACService.ensure_defaults). Up to 0.1 `read:lab`
# and `write:lab` were unfiltered (JupyterLab kept one set of settings and workspaces for
# everyone); up to 0.3 nobody could share (`runner` and `editor` had no OWN_SHARES) and `user`
# had no event stream (a share's recipient with no other role heard nothing of it).
def _with_unfiltered_lab(scopes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("read:lab" if scope == "read:lab!user={user}" else scope for scope in scopes)


_BEFORE_SHARES = {
    role.name: tuple(scope for scope in role.scopes if scope not in OWN_SHARES)
    for role in DEFAULT_ROLES
}
_EDITOR = _BEFORE_SHARES["editor"]
EARLIER_SCOPES: dict[str, tuple[tuple[str, ...], ...]] = {
    "user": (
        ("self", "read:lab", "read:api", "read:kernelspecs"),
        ("self", *OWN_LAB, "read:api", "read:kernelspecs"),  # up to 0.3: no event stream
    ),
    **{
        name: (_with_unfiltered_lab(_BEFORE_SHARES[name]),)
        for name in ("viewer", "analyst", "developer")
    },
    "runner": (_with_unfiltered_lab(_BEFORE_SHARES["runner"]), _BEFORE_SHARES["runner"]),
    "editor": (
        (*_EDITOR[:6], "write:config", "write:lab", *_EDITOR[7:]),
        _EDITOR,
    ),
}
