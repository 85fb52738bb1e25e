"""The server says what scopes mean, so the panel need not parse them: every scope of /me in
parts (`scope_parts`), what the panel's views need (`beyond_self`), and in the catalog what a
bare resource and `all` imply."""

from __future__ import annotations

import pytest

from jupyter_rbac.model import ACTIONS, IMPLIED_ACTIONS

from .support.client import Client
from .support.openapi_check import validate_response

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

RBAC = ("api", "rbac")
PANEL_KEYS = (
    "read_roles",
    "write_roles",
    "read_users",
    "write_users",
    "read_groups",
    "write_groups",
    "read_audit",
    "read_collaborators",
    "read_tokens",
    "write_tokens",
)


async def get_checked(client: Client, jp_base_url: str, *parts: str) -> dict:
    """GET /api/rbac/PARTS as `client`: 200, and as the spec documents it."""
    status, payload = await client.get(*RBAC, *parts)
    assert status == 200, payload
    url = f"{jp_base_url}api/rbac/{'/'.join(parts)}"
    validate_response("GET", url, status, payload, base_url=jp_base_url)
    return payload


def part(scope: str, action: str | None, resource: str, filter: dict | None = None) -> dict:
    """`ACTION:RESOURCE` (a bare resource for no action), filtered or not, in parts as the
    server should give it."""
    return {
        "scope": scope,
        "base": f"{action}:{resource}" if action else resource,
        "action": action,
        "resource": resource,
        "filter": filter,
        "actions": list(IMPLIED_ACTIONS[action or "execute"]),  # strongest first
        "resources": [resource],
    }


@pytest.fixture
def fay(rbac, make_user) -> Client:
    """A user with filtered, bare, aliased and template scopes (and `self`, through `user`)."""
    rbac.store.create_role(
        "mixed",
        [
            "read:contents!path=shared/**",
            "kernels",
            "custom:jupyter_server:write:contents!path=home/{user}/**",
            "read:users!group=students",
        ],
    )
    return make_user("fay", roles=["mixed"])


async def test_me_gives_each_scope_in_parts(fay, jp_base_url) -> None:
    me = await get_checked(fay, jp_base_url, "me")
    assert [p["scope"] for p in me["scope_parts"]] == me["scopes"]  # one each, in order
    parts = {p["scope"]: p for p in me["scope_parts"]}
    assert parts["read:contents!path=shared/**"] == part(
        "read:contents!path=shared/**",
        "read",
        "contents",
        {"name": "path", "value": "shared/**"},
    )
    # a bare resource: no action written, every action granted
    assert parts["kernels"] == part("kernels", None, "kernels")
    # the alias and the template are resolved by the server before the client sees them
    assert parts["write:contents!path=home/fay/**"] == part(
        "write:contents!path=home/fay/**",
        "write",
        "contents",
        {"name": "path", "value": "home/fay/**"},
    )
    # `self`, as the effective scopes list it: filtered to the user themselves
    assert parts["tokens!user=fay"] == part(
        "tokens!user=fay", None, "tokens", {"name": "user", "value": "fay"}
    )
    assert parts["read:users!user=fay"]["filter"] == {"name": "user", "value": "fay"}


async def test_beyond_self_counts_scopes_about_others_only(fay, make_user, jp_base_url) -> None:
    me = await get_checked(fay, jp_base_url, "me")
    # `read:users!group=students` is about others; `self`'s `read:users!user=fay` alone is not
    assert me["beyond_self"]["read_users"] is True
    assert {key for key in PANEL_KEYS if me["beyond_self"][key]} == {"read_users"}
    nora = make_user("nora")  # `self` only (the `user` role)
    me = await get_checked(nora, jp_base_url, "me")
    assert "read:users!user=nora" in me["scopes"]
    assert not any(me["beyond_self"][key] for key in PANEL_KEYS)


async def test_the_metascope_all(admin, jp_base_url) -> None:
    me = await get_checked(admin, jp_base_url, "me")
    everything = {p["scope"]: p for p in me["scope_parts"]}["all"]
    catalog = await get_checked(admin, jp_base_url, "scopes")
    resources = sorted(
        {e["scope"] for e in catalog["scopes"] if ":" not in e["scope"]} - {"all", "self"}
    )
    assert everything == {
        "scope": "all",
        "base": "all",
        "action": None,
        "resource": None,
        "filter": None,
        "actions": ["execute", "write", "read"],
        "resources": everything["resources"],
    }
    assert sorted(everything["resources"]) == resources  # every resource of the catalog
    assert all(me["beyond_self"][key] for key in PANEL_KEYS)


async def test_a_limited_token_gives_its_own_scopes_in_parts(
    rbac, fay, admin, jp_fetch, jp_ws_fetch, jp_base_url
) -> None:
    _, secret = rbac.store.create_token("fay", scopes=["read:contents!path=shared/**"])
    limited = Client(jp_fetch, jp_ws_fetch, "fay", secret)
    me = await get_checked(limited, jp_base_url, "me")
    assert me["token_limited"] is True
    assert me["scope_parts"] == [
        part(
            "read:contents!path=shared/**",
            "read",
            "contents",
            {"name": "path", "value": "shared/**"},
        )
    ]
    assert not any(
        me["beyond_self"][key] for key in PANEL_KEYS
    )  # fay's read:users is not the token's
    # an administrator's token limited to reading users: the Members view, and nothing to change
    _, secret = rbac.store.create_token(
        "admin", scopes=["read:users", "custom:jupyter_server:read:*"]
    )
    limited = Client(jp_fetch, jp_ws_fetch, "admin", secret)
    me = await get_checked(limited, jp_base_url, "me")
    parts = {p["scope"]: p for p in me["scope_parts"]}
    assert parts["read:users"] == part("read:users", "read", "users")
    wildcard = parts["read:*"]
    assert (wildcard["action"], wildcard["resource"], wildcard["filter"]) == ("read", "*", None)
    # `*` covers every resource but policy administration: collaborators, not roles or audit
    assert "collaborators" in wildcard["resources"] and "roles" not in wildcard["resources"]
    assert {key for key in PANEL_KEYS if me["beyond_self"][key]} == {
        "read_users",
        "read_collaborators",
    }


async def test_the_catalog_says_what_bare_resources_and_all_imply(admin, jp_base_url) -> None:
    catalog = await get_checked(admin, jp_base_url, "scopes")
    entries = {e["scope"]: e for e in catalog["scopes"]}
    resources = [name for name in entries if ":" not in name and name not in ("all", "self")]
    assert "contents" in resources and "audit" in resources
    for name in resources:
        assert entries[name]["implies"] == [f"{a}:{name}" for a in ACTIONS]
    assert sorted(entries["all"]["implies"]) == sorted(
        f"{a}:{r}" for r in resources for a in ACTIONS
    )
    assert "implies" not in entries["self"]  # it grants filtered scopes only
    assert entries["write:contents"]["implies"] == ["read:contents"]  # unchanged


async def test_permissions_give_the_effective_scopes_in_parts(admin, fay, jp_base_url) -> None:
    perms = await get_checked(admin, jp_base_url, "users", "fay", "permissions")
    assert [p["scope"] for p in perms["effective_parts"]] == perms["effective"]
    parts = {p["scope"]: p for p in perms["effective_parts"]}
    assert parts["kernels"] == part("kernels", None, "kernels")
