"""The shipped roles and groups, written out: this test is their documentation."""

from __future__ import annotations

import pytest

from jupyter_rbac.model import Catalog
from jupyter_rbac.model.defaults import DEFAULT_GROUPS, DEFAULT_ROLES, EARLIER_DESCRIPTIONS
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store

from .support.client import Client

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

VIEWER = [
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
]

EXPECTED = {
    "admin": ["all"],
    # every signed-in user's own JupyterLab settings and workspaces (issue 19)
    "user": [
        "self",
        "read:lab!user={user}",
        "write:lab!user={user}",
        "read:api",
        "read:kernelspecs",
        # the event stream: a share's recipient hears that their permissions changed (issue 21)
        "read:events",
    ],
    "viewer": VIEWER,
    "runner": VIEWER
    + [
        "execute:kernels",
        "write:sessions",
        "write:contents!path=home/{user}/**",
        "write:contents!path=shared/{group}/**",
        # everyone may share what is in their own folder (issue 21)
        "write:shares!path=home/{user}/**",
    ],
    "editor": [
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
        "write:shares!path=home/{user}/**",
    ],
    # Nebari's: their own home and their groups' folders, their own kernels; nobody else's files
    "analyst": [
        "write:contents!path=home/{user}/**",
        "write:contents!path=shared/{group}/**",
        "read:nbconvert!path=home/{user}/**",
        "read:nbconvert!path=shared/{group}/**",
        "execute:kernels!user={user}",
        "write:sessions!user={user}",
        "read:terminals!user={user}",
        "read:lsp",
        "read:kernelspecs",
        "read:config",
        "read:lab!user={user}",
        "read:api",
        "read:events",
        "read:collaborators",
    ],
    "developer": [
        "write:contents!path=home/{user}/**",
        "write:contents!path=shared/{group}/**",
        "read:nbconvert!path=home/{user}/**",
        "read:nbconvert!path=shared/{group}/**",
        "execute:kernels!user={user}",
        "write:sessions!user={user}",
        "execute:terminals!user={user}",
        "execute:lsp",
        "read:kernelspecs",
        "read:config",
        "read:lab!user={user}",
        "read:api",
        "read:events",
        "read:collaborators",
    ],
}


def test_default_roles_are_exactly_these():
    assert {role.name: list(role.scopes) for role in DEFAULT_ROLES} == EXPECTED
    assert all(role.description for role in DEFAULT_ROLES)


def test_default_groups_map_as_nebari_names_them():
    assert {group: role for group, (_, role) in DEFAULT_GROUPS.items()} == {
        "admin": "admin",
        "developer": "developer",
        "analyst": "analyst",
    }


async def test_a_default_role_cannot_be_deleted(rbac):
    from jupyter_rbac.errors import Conflict
    from jupyter_rbac.services import Actor, RBACService

    with pytest.raises(Conflict):
        RBACService(rbac.store, rbac.catalog).delete_role(Actor.system(), "viewer")


# -- a policy an earlier version made --------------------------------------------------------------

UPGRADE = "jupyter-rbac upgrade"
# What versions up to 0.1 shipped: three groups, two of them on roles that reach every home.
EARLIER_ROLES = ("admin", "user", "viewer", "runner", "editor")
EARLIER_GROUPS = {
    "admin": ("Administrators of this server.", "admin"),
    "developer": ("Developers: edit, run and configure.", "editor"),
    "analyst": ("Analysts: read everything, run notebooks, save in their own folders.", "runner"),
}


def made_by_an_earlier_version(url: str, then=None) -> None:
    """The database an earlier version's first start left (its own steps, in its order), with an
    analyst `ann`, a developer `dev`, and `bob`; `then(store)` is what its administrator did."""
    store = Store.open(url)
    try:
        for role in DEFAULT_ROLES:
            if role.name in EARLIER_ROLES:
                store.create_role(role.name, role.scopes, role.description, builtin=True)
        for group, (description, role) in EARLIER_GROUPS.items():
            store.create_group(group, description)
            store.assign_role(role, groups=[group])
        store.create_user("admin", roles=["admin"])
        store.create_user("ann", groups=["analyst"])
        store.create_user("dev", groups=["developer"])
        store.create_user("bob")
        if then is not None:
            then(store)
    finally:
        store.close()


def made_by_an_earlier_version_then_changed(url: str) -> None:
    """Its administrator gave the developers `viewer` as well."""
    made_by_an_earlier_version(
        url, lambda store: store.assign_role("viewer", groups=["developer"], actor="admin")
    )


@pytest.fixture
def earlier_policy():
    """made_by_an_earlier_version, or what its administrator did after it (None: a new database)."""


@pytest.fixture
def rbac_db_url(tmp_path, earlier_policy) -> str:
    url = f"sqlite:///{tmp_path / 'rbac.sqlite'}"
    if earlier_policy is not None:
        earlier_policy(url)
    return url


def upgrade_rows(store: Store) -> list:
    return store.page_audit(actor=UPGRADE).items


def startup_log(capfd) -> str:
    return capfd.readouterr().err


def start_again(url: str) -> None:
    """What the next start (or `jupyter rbac`) does to the policy."""
    store = Store.open(url)
    try:
        RBACService(store, Catalog()).ensure_defaults()
    finally:
        store.close()


@pytest.mark.parametrize("earlier_policy", [made_by_an_earlier_version])
async def test_an_earlier_policy_moves_its_shipped_groups_to_their_own_roles(
    capfd, rbac, jp_fetch, jp_ws_fetch, jp_root_dir
):
    groups = {name: rbac.store.get_group(name) for name in EARLIER_GROUPS}
    assert {name: group.roles for name, group in groups.items()} == {
        "admin": ["admin"],
        "developer": ["developer"],
        "analyst": ["analyst"],
    }
    assert groups["analyst"].description == DEFAULT_GROUPS["analyst"][0]
    assert groups["analyst"].members == ["ann"] and groups["developer"].members == ["dev"]
    rows = sorted(upgrade_rows(rbac.store), key=lambda row: row.target)
    assert [(row.action, row.target, row.detail["roles"]) for row in rows] == [
        ("group.update", "analyst", {"added": ["analyst"], "removed": ["runner"]}),
        ("group.update", "developer", {"added": ["developer"], "removed": ["editor"]}),
    ]
    log = startup_log(capfd)
    assert "group 'analyst' now holds the shipped role 'analyst' instead of 'runner'" in log
    # and so an analyst of the earlier policy no longer reads bob's home
    (jp_root_dir / "home" / "bob").mkdir(parents=True)
    (jp_root_dir / "home" / "bob" / "his.txt").write_text("bob's")
    _, token = rbac.store.create_token("ann")
    ann = Client(jp_fetch, jp_ws_fetch, "ann", token)
    assert (await ann.get("api", "contents", "home", "bob", "his.txt"))[0] == 403


@pytest.mark.parametrize("earlier_policy", [made_by_an_earlier_version])
async def test_the_move_happens_once(rbac, rbac_db_url, caplog):
    version, rows = rbac.store.version(), len(upgrade_rows(rbac.store))
    assert rows == 2  # this start moved both groups
    start_again(rbac_db_url)
    assert (rbac.store.version(), len(upgrade_rows(rbac.store))) == (version, rows)
    # an administrator who gives the developers `editor` again is not overruled at the next start
    rbac.store.update_group("developer", roles=["editor"], actor="admin")
    start_again(rbac_db_url)
    assert rbac.store.get_group("developer").roles == ["editor"]
    assert len(upgrade_rows(rbac.store)) == rows
    assert not [r for r in caplog.records if r.getMessage().startswith("jupyter-rbac: group")]


@pytest.mark.parametrize("earlier_policy", [made_by_an_earlier_version_then_changed])
async def test_a_group_its_administrator_changed_keeps_its_roles_and_the_start_says_so(capfd, rbac):
    assert sorted(rbac.store.get_group("developer").roles) == ["editor", "viewer"]
    assert rbac.store.get_group("analyst").roles == ["analyst"]  # the unchanged group moves
    assert [row.target for row in upgrade_rows(rbac.store)] == ["analyst"]
    log = startup_log(capfd)
    assert "group 'developer' keeps its roles" in log and "'developer' is there to give it" in log


async def test_a_new_policy_moves_nothing(rbac):
    assert rbac.store.get_group("developer").roles == ["developer"]
    assert upgrade_rows(rbac.store) == []


def test_a_shipped_group_an_administrator_deleted_stays_deleted(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'rbac.sqlite'}")
    try:
        service = RBACService(store, Catalog())
        service.ensure_defaults()
        store.delete_group("analyst", actor="alice")
        service.ensure_defaults()  # the next start
        assert not store.group_exists("analyst") and store.group_exists("developer")
    finally:
        store.close()


def test_no_group_is_shipped_where_the_hub_keeps_the_groups(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'rbac.sqlite'}")
    try:
        RBACService(store, Catalog()).ensure_defaults(groups=False)
        assert not any(store.group_exists(name) for name in DEFAULT_GROUPS)
        assert {"analyst", "developer"} <= {role.name for role in store.list_roles()}
    finally:
        store.close()


def test_words_an_earlier_version_shipped_that_are_no_longer_true_are_replaced(tmp_path):
    """analyst and developer said their code was not yet confined: once it is, a start gives
    them the new words; a description an administrator wrote stays."""
    store = Store.open(f"sqlite:///{tmp_path / 'rbac.sqlite'}")
    try:
        service = RBACService(store, Catalog())
        service.ensure_defaults()
        store.update_role("analyst", description=EARLIER_DESCRIPTIONS["analyst"][0], actor="v0.1")
        store.update_role("developer", description="Our own words.", actor="alice")
        service.ensure_defaults()  # the next start
        shipped = {role.name: role.description for role in DEFAULT_ROLES}
        assert store.get_role("analyst").description == shipped["analyst"]
        assert "sandbox" in shipped["analyst"] and "not yet confined" not in shipped["analyst"]
        assert store.get_role("developer").description == "Our own words."
    finally:
        store.close()


async def test_shipped_roles_of_the_last_version_gain_sharing_and_the_event_stream(rbac):
    from jupyter_rbac.model.defaults import EARLIER_SCOPES

    for name in ("user", "runner", "editor"):
        rbac.store.update_role(name, scopes=list(EARLIER_SCOPES[name][-1]), actor="v0.3")
    rbac.store.update_role("viewer", scopes=[*VIEWER, "read:audit"], actor="admin")  # their own
    rbac.service.ensure_defaults()
    roles = {role.name: role.scopes for role in rbac.store.list_roles()}
    assert roles["user"] == EXPECTED["user"]
    assert roles["runner"] == EXPECTED["runner"] and roles["editor"] == EXPECTED["editor"]
    assert roles["viewer"] == [*VIEWER, "read:audit"]  # an administrator's choice stays
    upgraded = {row.target for row in rbac.store.page_audit(actor=UPGRADE).items}
    assert {"user", "runner", "editor"} <= upgraded and "viewer" not in upgraded
