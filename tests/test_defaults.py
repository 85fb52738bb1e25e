"""The shipped roles and groups, written out: this test is their documentation."""

from __future__ import annotations

from jupyter_rbac.defaults import DEFAULT_GROUPS, DEFAULT_ROLES

VIEWER = [
    "read:contents", "read:nbconvert", "read:kernelspecs", "read:kernels", "read:sessions",
    "read:terminals", "read:config", "read:lab", "read:api", "read:events", "read:lsp",
    "read:collaborators",
]

EXPECTED = {
    "admin": ["all"],
    "user": ["self", "read:lab", "read:api", "read:kernelspecs"],
    "viewer": VIEWER,
    "runner": VIEWER
    + [
        "execute:kernels",
        "write:sessions",
        "write:contents!path=home/{user}/**",
        "write:contents!path=shared/{group}/**",
    ],
    "editor": [
        "write:contents", "write:nbconvert", "read:kernelspecs", "execute:kernels", "write:sessions",
        "execute:terminals", "write:config", "write:lab", "read:api", "write:events", "execute:lsp",
        "read:collaborators",
    ],
}


def test_default_roles_are_exactly_these():
    assert {role.name: list(role.scopes) for role in DEFAULT_ROLES} == EXPECTED
    assert all(role.description for role in DEFAULT_ROLES)


def test_default_groups_map_as_nebari_names_them():
    assert {group: role for group, (_, role) in DEFAULT_GROUPS.items()} == {
        "admin": "admin",
        "developer": "editor",
        "analyst": "runner",
    }


async def test_a_default_role_cannot_be_deleted(rbac):
    import pytest

    from jupyter_rbac.errors import Conflict
    from jupyter_rbac.service import Actor, RBACService

    with pytest.raises(Conflict):
        RBACService(rbac.store, rbac.catalog).delete_role(Actor.system(), "viewer")
