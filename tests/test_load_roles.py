"""`c.RBAC.load_roles` as JupyterHub users write it: a default role declared without scopes keeps them
and gains members, `admin` is given that way, nothing empties a role, and what config gave goes
when config stops giving it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from jupyter_rbac.model import Catalog
from jupyter_rbac.model.defaults import DEFAULT_ROLES
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store

from .support.servers import assert_refused_cleanly, refused_start

pytestmark = pytest.mark.slow  # a server for each test; some start one that must refuse

SHIPPED = {role.name: list(role.scopes) for role in DEFAULT_ROLES}


def started_with(load_roles: list[dict]) -> Callable[[str], None]:
    """What an earlier start with this `load_roles` left in a database (the server's own steps)."""

    def start(db_url: str) -> None:
        store = Store.open(db_url)
        try:
            service = RBACService(store, Catalog())
            service.ensure_defaults()
            service.bootstrap_first_admin("admin")
            service.load_roles(load_roles)
        finally:
            store.close()

    return start


def given_by_config_then_again_by_an_admin(db_url: str) -> None:
    """Config gave `val` the viewer role; an administrator then took it and gave it again."""
    started_with([{"name": "viewer", "users": ["val"]}])(db_url)
    store = Store.open(db_url)
    try:
        store.unassign_role("viewer", users=["val"], actor="admin")
        store.assign_role("viewer", users=["val"], actor="admin")
    finally:
        store.close()


@pytest.fixture
def earlier_start() -> Callable[[str], None] | None:
    """What happened to the database before this start (None: this is the first start)."""
    return None


@pytest.fixture
def rbac_db_url(tmp_path, earlier_start) -> str:
    url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    if earlier_start is not None:
        earlier_start(url)
    return url


def token_of(rbac, name: str) -> dict:
    _, token = rbac.store.create_token(name)
    return {"Authorization": f"token {token}"}


# -- admin, the JupyterHub way ------------------------------------------------------------------


@pytest.mark.parametrize(
    "rbac_config",
    [
        {"load_roles": [{"name": "admin", "users": ["alice"]}]},
        {
            "load_roles": [{"name": "admin", "scopes": ["all"], "users": ["alice"]}]
        },  # scopes unchanged
    ],
)
async def test_admin_is_given_as_in_jupyterhub(rbac, jp_fetch):
    admin = rbac.store.get_role("admin")
    assert admin.scopes == ["all"] and admin.managed_by is None
    assert sorted(admin.users) == ["admin", "alice"]  # the first administrator stays one
    response = await jp_fetch("api", "rbac", "users", headers=token_of(rbac, "alice"))
    assert response.code == 200


@pytest.mark.parametrize(
    "admin_role",
    [
        {"name": "admin", "scopes": ["read:lab"], "users": ["alice"]},
        {"name": "admin", "scopes": [], "users": ["alice"]},
        {"name": "admin", "scopes": ["all", "read:lab"]},
    ],
)
def test_changing_the_admin_roles_scopes_refuses_to_start(tmp_path, admin_role):
    db_url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    output = refused_start(tmp_path, {"RBAC": {"db_url": db_url, "load_roles": [admin_role]}})
    assert_refused_cleanly(output, "the 'admin' role's scopes cannot change")
    assert '{"name": "admin", "users": [...]}' in output  # and how to give it instead


# -- default roles gain members, keep their scopes ----------------------------------------------


@pytest.mark.parametrize(
    "rbac_config", [{"load_roles": [{"name": "viewer", "users": ["val"], "groups": ["readers"]}]}]
)
async def test_a_default_role_declared_without_scopes_keeps_them_and_gains_members(
    rbac, jp_fetch, jp_root_dir
):
    viewer = rbac.store.get_role("viewer")
    assert viewer.scopes == SHIPPED["viewer"]
    assert viewer.users == ["val"] and viewer.groups == ["readers"]
    assert viewer.managed_by is None  # still the administrators' to edit
    (jp_root_dir / "notes.txt").write_text("hello")
    headers = token_of(rbac, "val")
    response = await jp_fetch("api", "contents", "notes.txt", headers=headers)
    assert response.code == 200
    rbac.store.create_user("rex")
    rbac.store.add_members("readers", ["rex"])
    response = await jp_fetch("api", "contents", "notes.txt", headers=token_of(rbac, "rex"))
    assert response.code == 200


@pytest.mark.parametrize("rbac_config", [{"load_roles": [{"name": "viewer", "users": ["val"]}]}])
async def test_a_role_given_members_by_config_stays_editable_through_the_api(rbac, jp_fetch):
    body = json.dumps({"description": "Read only, for our reviewers."})
    headers = token_of(rbac, "admin")
    response = await jp_fetch(
        "api", "rbac", "roles", "viewer", method="PATCH", body=body, headers=headers
    )
    assert response.code == 200
    assert rbac.store.get_role("viewer").description == "Read only, for our reviewers."


@pytest.mark.parametrize("earlier_start", [started_with([])])
@pytest.mark.parametrize("rbac_config", [{"load_roles": [{"name": "analyst", "users": ["rita"]}]}])
def test_giving_members_keeps_the_members_given_at_runtime(rbac):
    assert "rita" in rbac.store.get_role("analyst").users
    assert rbac.store.get_role("analyst").groups == ["analyst"]  # the shipped group keeps it


# -- roles declared with scopes stay as they are today ------------------------------------------


@pytest.mark.parametrize(
    "rbac_config",
    [{"load_roles": [{"name": "viewer", "scopes": ["read:contents"], "users": ["val"]}]}],
)
def test_a_default_role_declared_with_scopes_is_redefined_by_config(rbac):
    viewer = rbac.store.get_role("viewer")
    assert viewer.scopes == ["read:contents"] and viewer.managed_by == "config"


@pytest.mark.parametrize(
    "rbac_config", [{"load_roles": [{"name": "nothing-yet", "scopes": [], "users": ["ned"]}]}]
)
def test_a_new_role_may_explicitly_grant_nothing(rbac):
    role = rbac.store.get_role("nothing-yet")
    assert role.scopes == [] and role.users == ["ned"] and role.managed_by == "config"


# -- roles declared without scopes that are not there ---------------------------------------------


def test_a_new_role_without_scopes_refuses_to_start(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    output = refused_start(
        tmp_path,
        {"RBAC": {"db_url": db_url, "load_roles": [{"name": "viewers", "users": ["val"]}]}},
    )
    assert_refused_cleanly(
        output, "role 'viewers' is declared without scopes and there is no such role"
    )


@pytest.mark.parametrize(
    "earlier_start", [started_with([{"name": "reviewer", "scopes": ["read:contents"]}])]
)
@pytest.mark.parametrize("rbac_config", [{"load_roles": [{"name": "reviewer", "users": ["rob"]}]}])
def test_an_existing_role_declared_without_scopes_keeps_them_and_gains_members(rbac):
    reviewer = rbac.store.get_role("reviewer")
    assert reviewer.scopes == ["read:contents"] and reviewer.users == ["rob"]
    assert reviewer.managed_by is None  # config no longer defines it: editable again


def test_a_description_without_scopes_refuses_to_start(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    declared = {"name": "viewer", "description": "Something else", "users": ["val"]}
    output = refused_start(tmp_path, {"RBAC": {"db_url": db_url, "load_roles": [declared]}})
    assert_refused_cleanly(
        output, "role 'viewer' is declared with a description but without scopes"
    )


def test_a_role_declared_twice_refuses_to_start(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    declared = [{"name": "viewer", "users": ["val"]}, {"name": "viewer", "users": ["vic"]}]
    output = refused_start(tmp_path, {"RBAC": {"db_url": db_url, "load_roles": declared}})
    assert_refused_cleanly(output, "role 'viewer' is declared 2 times")


def test_a_policy_file_role_without_scopes_refuses_to_start(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nroles:\n- name: viewer\n  users: [val]\n")
    db_url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    output = refused_start(tmp_path, {"RBAC": {"db_url": db_url, "policy_file": str(policy)}})
    assert_refused_cleanly(
        output, f"c.RBAC.policy_file {policy}: roles[viewer].scopes: required here"
    )


# -- what config gave, config takes back ----------------------------------------------------------


@pytest.mark.parametrize("earlier_start", [started_with([{"name": "admin", "users": ["alice"]}])])
@pytest.mark.parametrize("rbac_config", [{"load_roles": []}])
def test_a_member_config_no_longer_declares_loses_the_role(capfd, rbac):
    assert rbac.store.get_role("admin").users == ["admin"]
    said = "no longer gives role 'admin' to user 'alice', which it gave at an earlier start"
    assert said in capfd.readouterr().err  # the operator is told, at start
    # one audited change, made as an import of what configuration declares
    last = rbac.store.page_audit(actor="config", limit=1).items[0]
    assert (last.action, last.target) == ("policy.import", "c.RBAC.load_roles")
    assert last.detail["holdings"] == {"given": [], "taken": [{"role": "admin", "user": "alice"}]}
    assert rbac.store.user_exists("alice")  # the user stays, as in JupyterHub


@pytest.mark.parametrize(
    "earlier_start", [started_with([{"name": "viewer", "users": ["val"], "groups": ["readers"]}])]
)
@pytest.mark.parametrize("rbac_config", [{"load_roles": [{"name": "viewer", "users": ["val"]}]}])
def test_only_what_config_gave_is_taken_back(rbac):
    assert rbac.store.get_role("viewer").users == ["val"]
    assert rbac.store.get_role("viewer").groups == []


@pytest.mark.parametrize("earlier_start", [given_by_config_then_again_by_an_admin])
@pytest.mark.parametrize("rbac_config", [{"load_roles": []}])
def test_a_role_given_again_at_runtime_is_not_configs_to_take(rbac):
    assert rbac.store.get_role("viewer").users == ["val"]
