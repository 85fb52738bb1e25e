"""The rules every change obeys, whichever endpoint it comes through.

- nobody grants a scope they do not hold (role edits, assignments, memberships, tokens);
- the last administrator cannot be removed, and an administrator cannot demote themselves;
- roles from the server's configuration are read-only at runtime.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

ROLES = ("api", "rbac", "roles")
USERS = ("api", "rbac", "users")
GROUPS = ("api", "rbac", "groups")

# A delegated administrator: manages roles and users, but only holds contents under team/.
LEAD_SCOPES = [
    "read:roles",
    "write:roles",
    "read:users",
    "write:users",
    "read:groups",
    "write:groups",
    "tokens",
    "write:contents!path=team/**",
]


@pytest.fixture
def rbac_db_url(db_url):
    """These rules are checked inside the database's transactions: test both backends."""
    return db_url


@pytest.fixture
def lead(rbac, make_user):
    rbac.store.create_role("lead", LEAD_SCOPES)
    return make_user("lead", roles=["lead"])


async def test_a_role_may_only_hold_scopes_its_author_holds(lead):
    ok = {
        "name": "team-writer",
        "scopes": ["write:contents!path=team/project/**", "read:contents!path=team"],
    }
    assert (await lead.post(*ROLES, body=ok))[0] == 201
    for scope in (
        "write:contents",
        "write:contents!path=other/**",
        "all",
        "execute:kernels",
        "write:contents!path={user}/**",
    ):
        status, payload = await lead.post(*ROLES, body={"name": "too-much", "scopes": [scope]})
        assert status == 403, scope
        assert payload["missing_scope"] == scope
        assert "which you do not hold yourself" in payload["message"]
    status, _ = await lead.patch(*ROLES, "team-writer", body={"scopes": ["write:contents"]})
    assert status == 403
    assert (await lead.get(*ROLES, "too-much"))[0] == 404


async def test_nobody_gives_a_role_stronger_than_their_own(lead, make_user, rbac):
    make_user("ann")
    # through the role
    status, payload = await lead.patch(*ROLES, "editor", body={"users": ["ann"]})
    assert status == 403 and "giving role 'editor'" in payload["message"]
    # through the user
    status, _ = await lead.patch(*USERS, "ann", body={"roles": ["admin"]})
    assert status == 403
    # through a new user
    status, _ = await lead.post(*USERS, body={"name": "bob", "roles": ["editor"]})
    assert status == 403
    # through a group that holds it
    status, payload = await lead.patch(*GROUPS, "developer", body={"members": ["ann"]})
    assert status == 403 and "adding members to group 'developer'" in payload["message"]
    status, _ = await lead.patch(*USERS, "ann", body={"groups": ["admin"]})
    assert status == 403
    assert rbac.policy.roles_of("ann") == {"user": ["everyone"]}
    # a role they could have written themselves is fine to give
    await lead.post(*ROLES, body={"name": "team", "scopes": ["read:contents!path=team/**"]})
    assert (await lead.patch(*ROLES, "team", body={"users": ["ann"]}))[0] == 200


async def test_a_token_never_carries_more_than_its_creator_holds(lead, make_user, admin):
    make_user("ann")
    status, payload = await lead.post(*USERS, "lead", "tokens", body={"scopes": ["write:contents"]})
    assert (status, payload["missing_scope"]) == (403, "write:contents")
    assert (
        await lead.post(*USERS, "lead", "tokens", body={"scopes": ["read:contents!path=team/a"]})
    )[0] == 201
    # a token for someone else speaks with all their scopes: only if the creator holds them all
    status, _ = await lead.post(*USERS, "admin", "tokens", body={})
    assert status == 403
    # ann's own JupyterLab settings are hers: lead holds `lab` on lead only
    status, payload = await lead.post(*USERS, "ann", "tokens", body={})
    assert (status, payload["missing_scope"]) == (403, "read:lab!user=ann"), payload
    assert (await admin.post(*USERS, "ann", "tokens", body={}))[0] == 201


async def test_a_token_limited_admin_cannot_escalate_beyond_the_token(admin, jp_fetch, jp_ws_fetch):
    from tests.support.client import Client

    _, token = await admin.post(
        *USERS, "admin", "tokens", body={"scopes": ["read:roles", "write:roles"]}
    )
    limited = Client(jp_fetch, jp_ws_fetch, "admin", token["token"])
    status, payload = await limited.post(*ROLES, body={"name": "x", "scopes": ["write:contents"]})
    assert (status, payload["missing_scope"]) == (403, "write:contents")
    assert (await limited.post(*ROLES, body={"name": "y", "scopes": ["read:roles"]}))[0] == 201


async def test_a_limited_token_mints_no_token_for_its_owner(editor, jp_fetch, jp_ws_fetch):
    """Not a wider one, and (issue 15) not a narrower one either: managing your own tokens needs
    a browser session or an unlimited token of your own, whatever the limited token's scopes."""
    from tests.support.client import Client

    body = {"scopes": ["tokens!user=eddie", "read:contents"]}
    _, token = await editor.post(*USERS, "eddie", "tokens", body=body)
    limited = Client(jp_fetch, jp_ws_fetch, "eddie", token["token"])
    for scopes in (None, ["read:contents"], ["write:contents"]):
        status, payload = await limited.post(*USERS, "eddie", "tokens", body={"scopes": scopes})
        assert status == 403, (scopes, payload)
        assert "an unlimited token of your own" in payload["message"], (scopes, payload)


async def test_the_last_administrator_cannot_go(admin, rbac):
    for method, parts, body in [
        ("patch", (*USERS, "admin"), {"roles": []}),
        ("patch", (*ROLES, "admin"), {"users": []}),
        ("delete", (*USERS, "admin"), None),
    ]:
        status, payload = await getattr(admin, method)(*parts, body=body)
        assert status == 409, (method, parts)
        assert "admin" in payload["message"], payload
    assert rbac.policy.roles_of("admin")["admin"] == ["direct"]


async def test_an_administrator_cannot_demote_themselves_but_another_can(
    admin, make_user, jp_fetch, jp_ws_fetch
):
    second = make_user("root2", roles=["admin"])
    status, payload = await admin.patch(*USERS, "admin", body={"roles": []})
    assert status == 409 and "your own 'admin' role" in payload["message"]
    status, payload = await admin.delete(*USERS, "admin")
    assert status == 409
    # not through a group either
    assert (await admin.patch(*GROUPS, "admin", body={"members": ["admin"]}))[0] == 200
    status, _ = await admin.patch(*ROLES, "admin", body={"users": ["root2"]})
    assert status == 200  # still admin through the group
    status, payload = await admin.patch(*GROUPS, "admin", body={"members": []})
    assert status == 409
    # another administrator may
    assert (await second.patch(*GROUPS, "admin", body={"members": []}))[0] == 200
    assert (await admin.get(*ROLES))[0] == 403


@pytest.fixture
def rbac_config():
    return {
        "load_roles": [
            {
                "name": "course",
                "description": "From config",
                "scopes": ["read:contents"],
                "users": ["teacher"],
            }
        ]
    }


async def test_roles_from_config_are_read_only_at_runtime(admin, rbac):
    status, role = await admin.get(*ROLES, "course")
    assert status == 200
    assert role["managed_by"] == "config" and not role["editable"] and not role["deletable"]
    for method, body in [("patch", {"scopes": ["all"]}), ("put", {"scopes": []}), ("delete", None)]:
        status, payload = await getattr(admin, method)(*ROLES, "course", body=body)
        assert status == 409 and "managed by the server's configuration" in payload["message"]
    assert rbac.store.get_role("course").scopes == ["read:contents"]
    # who holds it may change at runtime, as for `admin`
    status, role = await admin.patch(*ROLES, "course", body={"users": ["teacher", "admin"]})
    assert status == 200 and role["users"] == ["admin", "teacher"]
    # runtime roles live beside them
    assert (await admin.post(*ROLES, body={"name": "runtime", "scopes": []}))[0] == 201


def test_a_role_dropped_from_config_becomes_a_runtime_role_and_runtime_roles_stay(tmp_path):
    from jupyter_rbac.model import Catalog
    from jupyter_rbac.services import RBACService
    from jupyter_rbac.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'p.sqlite'}")
    try:
        service = RBACService(store, Catalog())
        service.ensure_defaults()
        service.load_roles([{"name": "course", "scopes": ["read:contents"]}])
        assert store.get_role("course").managed_by == "config"
        store.create_role("runtime", ["read:kernels"], actor="admin")
        service.load_roles([])  # the next start, with the role removed from config
        assert store.get_role("course").managed_by is None
        assert store.get_role("runtime").scopes == [
            "read:kernels"
        ]  # runtime roles survive restarts
    finally:
        store.close()
