"""Roles declared in config (`c.RBAC.load_roles`), as JupyterHub's `load_roles`."""

from __future__ import annotations

import pytest
from traitlets import TraitError

from jupyter_rbac.config import RBAC
from jupyter_rbac.errors import InvalidInput
from jupyter_rbac.model import Catalog
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store

LOAD_ROLES = [
    {
        "name": "course-staff",
        "description": "Teaching assistants",
        "scopes": ["write:contents!path=course/**", "read:contents"],
        "users": ["ta1"],
        "groups": ["tas"],
    }
]


@pytest.fixture
def rbac_config():
    return {"load_roles": LOAD_ROLES}


async def test_load_roles_creates_roles_users_and_groups(rbac, jp_fetch):
    role = rbac.store.get_role("course-staff")
    assert role.scopes == LOAD_ROLES[0]["scopes"]
    assert role.users == ["ta1"] and role.groups == ["tas"]
    _, token = rbac.store.create_token("ta1")
    headers = {"Authorization": f"token {token}"}
    response = await jp_fetch(
        "api", "contents", "course", method="PUT", body='{"type": "directory"}', headers=headers
    )
    assert response.code == 201


def test_load_roles_updates_an_existing_role(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'p.sqlite'}")
    service = RBACService(store, Catalog())
    service.ensure_defaults()
    service.load_roles(LOAD_ROLES)
    service.load_roles([{**LOAD_ROLES[0], "scopes": ["read:contents"]}])
    assert store.get_role("course-staff").scopes == ["read:contents"]
    store.close()


@pytest.mark.parametrize(
    "roles,problem",
    [
        ([{"scopes": []}], "at least a 'name'"),
        ([{"name": "x", "scopes": ["read:nope"]}], "unknown resource 'nope'"),
        ([{"name": "x", "scopes": "read:contents"}], "must be a list"),
        ([{"name": "x", "colour": "red"}], "unknown keys ['colour']"),
        ([{"name": "admin", "scopes": ["read:lab"]}], "the 'admin' role's scopes cannot change"),
        ([{"name": "nope", "users": ["ann"]}], "declared without scopes and there is no such role"),
        ([{"name": "bad name", "scopes": []}], "invalid role name"),
    ],
)
def test_bad_load_roles_fail_with_a_clear_message(tmp_path, roles, problem):
    store = Store.open(f"sqlite:///{tmp_path / 'p.sqlite'}")
    service = RBACService(store, Catalog())
    service.ensure_defaults()
    version = store.version()
    with pytest.raises(InvalidInput) as error:
        service.load_roles(roles)
    assert problem in error.value.message
    assert store.version() == version  # nothing half-applied
    store.close()


def test_admin_role_is_restored_if_tampered_with(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'p.sqlite'}")
    service = RBACService(store, Catalog())
    service.ensure_defaults()
    store.update_role("admin", scopes=["read:lab"])
    service.ensure_defaults()
    assert store.get_role("admin").scopes == ["all"]
    store.close()


@pytest.mark.parametrize("seconds", [0, -1])
def test_websockets_must_be_judged_again_some_time(seconds):
    with pytest.raises(TraitError, match="websocket_recheck_seconds must be more than 0"):
        RBAC(websocket_recheck_seconds=seconds)
    assert RBAC(websocket_recheck_seconds=0.5).websocket_recheck_seconds == 0.5
