"""jupyter_rbac/openapi.yaml stays true: every answer of a tour through the whole API (successes and
every documented error) matches it, and the tour must meet every status the spec documents. (The
spec against the code: test_openapi_spec.py.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

import jupyter_rbac

from .support.api_tour import Caller, Tour
from .support.client import Client
from .support.openapi_check import (
    documented_answers,
    validate_response,
    validate_schema,
)

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

RBAC = ("api", "rbac")


@pytest.fixture
def rbac_config() -> dict:
    # a role declared in configuration, for the "read-only here" 409s
    return {
        "load_roles": [{"name": "ops", "scopes": ["read:kernels"], "users": ["olga"]}],
        # users may not change their picture here, for the "not editable" 403
        "user_editable_fields": ["display_name", "color"],
    }


@pytest.fixture
def jp_server_config(jp_server_config, tmp_path):
    """JupyterLab finds jupyter-rbac's own labextension (and its settings schema), as an
    installed one: pytest-jupyter's isolated paths leave the installed extensions out."""
    built = Path(jupyter_rbac.__file__).parent / "labextension"
    extensions = tmp_path / "labextensions"
    extensions.mkdir()
    (extensions / "jupyter-rbac").symlink_to(built, target_is_directory=True)
    return {**jp_server_config, "LabApp": {"extra_labextensions_path": [str(extensions)]}}


# -- the tour ---------------------------------------------------------------------------------------


@pytest.fixture
def tour(admin, nobody, editor, make_user, jp_fetch, jp_ws_fetch, jp_base_url) -> Tour:
    seen: set[tuple[str, str, int]] = set()
    caller: Callable[[Client], Caller] = lambda client: Caller(client, jp_base_url, seen)
    rolf = make_user("rolf")
    anonymous = Client(jp_fetch, jp_ws_fetch, "anonymous", "")
    anonymous.headers = {}
    return Tour(
        admin=caller(admin),
        nobody=caller(nobody),
        editor=caller(editor),
        role_admin=caller(rolf),
        anonymous=caller(anonymous),
        seen=seen,
    )


async def test_every_answer_of_the_api_matches_the_spec(
    tour: Tour, jp_fetch, jp_ws_fetch, jp_root_dir: Path
) -> None:
    await _setup(tour, jp_fetch, jp_ws_fetch)
    await _me_and_scopes(tour)
    await _roles(tour)
    await _users(tour)
    await _permissions(tour)
    await _tokens(tour)
    await _groups(tour)
    await _check(tour)
    await _audit(tour)
    await _account(tour)
    await _invitations(tour)
    await _shares(tour, jp_root_dir)
    await _collaborators(tour)
    await _lab(tour, jp_fetch, jp_ws_fetch)
    missing = sorted(documented_answers() - tour.seen)
    assert missing == [], "documented answers the tour never met (untested or wrong in the spec)"


async def _collaborators(tour: Tour) -> None:
    answer = await tour.editor.get("collaborators")  # the editor role may see who is here
    people = {person["name"]: person for person in answer["collaborators"]}
    assert {"admin", "eddie", "nora"} <= set(people), people  # all made requests just now
    await tour.nobody.denied("GET", "collaborators", "read:collaborators")

    # The stream is a websocket: its answers are checked by hand against the spec.
    template = "/api/rbac/collaborators/stream"
    stream = await tour.admin.client.websocket(*RBAC, "collaborators", "stream")
    validate_schema("Collaborators", json.loads(await stream.read_message()))
    stream.close()
    tour.seen.add(("GET", template, 101))
    with pytest.raises(HTTPClientError) as refused:
        await tour.nobody.client.websocket(*RBAC, "collaborators", "stream")
    assert refused.value.code == 403
    tour.seen.add(("GET", template, 403))


async def _setup(tour: Tour, jp_fetch, jp_ws_fetch) -> None:
    """rolf administers roles; nora gets a token limited to read:lab on herself."""
    role = {"name": "role-admin", "scopes": ["roles", "read:users"], "users": ["rolf"]}
    await tour.admin.post("roles", role)
    token = await tour.nobody.post(
        "users/nora/tokens", {"note": "lab only", "scopes": ["read:lab!user=nora"]}
    )
    limited = Client(jp_fetch, jp_ws_fetch, "nora", token["token"])
    tour.limited = Caller(limited, tour.admin.base_url, tour.seen)


async def _me_and_scopes(tour: Tour) -> None:
    me = await tour.admin.get("me")
    assert me["name"] == "admin" and "all" in me["scopes"] and not me["token_limited"]
    assert (await tour.limited.get("me"))["token_limited"]
    await tour.nobody.revalidate("me")
    await tour.anonymous.get("me", 403)

    catalog = await tour.nobody.get("scopes")
    assert {"all", "self", "read:roles", "write:users"} <= {
        entry["scope"] for entry in catalog["scopes"]
    }
    await tour.nobody.revalidate("scopes")
    await tour.anonymous.get("scopes", 403)

    drafts = [("scope", "read:contents!path=shared/**"), ("scope", "write:nope")]
    answer = await tour.nobody.get("scopes/parts", params=drafts)
    assert [part["error"] for part in answer["parts"]] == [
        None,
        "invalid scope 'write:nope': unknown resource 'nope'",
    ]
    await tour.nobody.revalidate("scopes/parts", params=drafts)
    await tour.limited.get("scopes/parts", params=drafts)  # any credential, as the catalog
    await tour.anonymous.get("scopes/parts", 403, params=drafts)
    assert "scope" in (await tour.nobody.get("scopes/parts", 400))["message"]
    # the bounds are said in words only (the spec says why)
    many = [("scope", "read:lab")] * 501
    answer = await tour.nobody.get("scopes/parts", 400, params=many)
    assert answer["message"] == "scope: at most 500 scopes"
    long = [("scope", "read:contents!path=" + "x" * 4096)]
    answer = await tour.nobody.get("scopes/parts", 400, params=long)
    assert answer["message"] == "scope: at most 4096 characters each"


async def _roles(tour: Tour) -> None:
    await _list_roles(tour)
    created = await _create_role(tour)
    await _read_role(tour, created)
    replaced = await _replace_role(tour, created)
    patched = await _patch_role(tour, replaced)
    await _delete_role(tour, created, patched)


async def _list_roles(tour: Tour) -> None:
    page = await tour.admin.get(
        "roles", params={"limit": "2", "offset": "1", "sort": "-name", "q": "e"}
    )
    assert (page["limit"], page["offset"]) == (2, 1) and len(page["items"]) == 2
    await tour.admin.revalidate("roles")
    await tour.admin.bad_params("roles", {"sort": "scopes"}, "cannot sort roles")
    await tour.admin.bad_params("roles", {"limit": "0"}, "limit: must be between 1 and 1000")
    await tour.nobody.denied("GET", "roles", "read:roles")


async def _create_role(tour: Tour) -> dict:
    admin = tour.admin
    body = {
        "name": "dev",
        "description": "Developers",
        "scopes": ["write:contents!path=dev/**"],
        "users": ["eddie"],
    }
    role = await admin.post("roles", body)
    assert admin.header("Location").endswith("/api/rbac/roles/dev")
    assert admin.header("ETag") == role["etag"] and role["editable"] and role["deletable"]
    await admin.bad_body("POST", "roles", {"name": "x", "colour": "red"}, "unknown field(s) colour")
    await admin.bad_body(
        "POST", "roles", {"name": "x", "scopes": ["read:nope"]}, "unknown resource", semantic=True
    )
    await admin.bad_body("POST", "roles", {"scopes": []}, "missing field(s) name")
    await admin.bad_body("POST", "roles", [1], "must be a JSON object")
    await admin.bad_body("POST", "roles", "{not json", "not valid JSON")
    await admin.post("roles", {"name": "dev"}, 409)
    await tour.editor.denied("POST", "roles", "write:roles", body={"name": "x"})
    # no escalation: rolf administers roles but holds no scope on contents
    await tour.role_admin.denied(
        "POST", "roles", "write:contents", body={"name": "x", "scopes": ["write:contents"]}
    )
    return role


async def _read_role(tour: Tour, created: dict) -> None:
    role = await tour.admin.get("roles/dev")
    assert role == created and tour.admin.header("ETag") == created["etag"]
    await tour.admin.get("roles/dev", 304, headers={"If-None-Match": created["etag"]})
    await tour.admin.get("roles/nope", 404)
    await tour.nobody.denied("GET", "roles/dev", "read:roles")


async def _replace_role(tour: Tour, created: dict) -> dict:
    admin = tour.admin
    body = {"name": "dev", "scopes": ["read:contents"], "description": "Readers"}
    role = await admin.put("roles/dev", body, headers={"If-Match": created["etag"]})
    assert role["users"] == [] and role["scopes"] == ["read:contents"]  # left out: emptied
    await admin.put("roles/dev", {"scopes": []}, 412, headers={"If-Match": created["etag"]})
    await admin.bad_body(
        "PUT", "roles/dev", {"description": "no scopes"}, "missing field(s) scopes"
    )
    await admin.bad_body(
        "PUT", "roles/dev", {"name": "other", "scopes": []}, "cannot be renamed", semantic=True
    )
    await admin.put("roles/nope", {"scopes": []}, 404)
    await admin.put(
        "roles/admin", {"scopes": ["all"], "users": ["admin"], "groups": ["admin"]}, 409
    )
    await tour.role_admin.denied("PUT", "roles/dev", "all", body={"scopes": ["all"]})
    await tour.nobody.denied("PUT", "roles/dev", body={"scopes": []})
    return role


async def _patch_role(tour: Tour, replaced: dict) -> dict:
    admin = tour.admin
    role = await admin.patch(
        "roles/dev", {"users": ["eddie"]}, headers={"If-Match": replaced["etag"]}
    )
    assert role["users"] == ["eddie"] and role["description"] == "Readers"
    await admin.patch("roles/dev", {"users": []}, 412, headers={"If-Match": replaced["etag"]})
    await admin.bad_body("PATCH", "roles/dev", {"groups": "analyst"}, "groups: a list of names")
    await admin.bad_body("PATCH", "roles/dev", {"name": "dev"}, "unknown field(s) name")
    await admin.patch("roles/nope", {}, 404)
    await admin.patch("roles/ops", {"scopes": ["read:terminals"]}, 409)  # managed by configuration
    ops = await admin.patch("roles/ops", {"users": []})  # who holds it may change
    assert ops["managed_by"] == "config" and not ops["editable"]
    await admin.patch("roles/admin", {"users": [], "groups": []}, 409)  # somebody keeps admin
    await tour.nobody.denied("PATCH", "roles/dev", body={})
    return role


async def _delete_role(tour: Tour, created: dict, current: dict) -> None:
    admin = tour.admin
    await admin.delete("roles/dev", 412, headers={"If-Match": created["etag"]})
    await tour.nobody.denied("DELETE", "roles/dev")
    await admin.delete("roles/dev", headers={"If-Match": current["etag"]})
    await admin.delete("roles/dev", 404)
    await admin.delete("roles/viewer", 409)  # a default role
    await admin.delete("roles/ops", 409)  # managed by configuration


async def _users(tour: Tour) -> None:
    await _list_users(tour)
    created = await _create_user(tour)
    await _read_user(tour, created)
    changed = await _patch_user(tour, created)
    await _delete_user(tour, created, changed)


async def _list_users(tour: Tour) -> None:
    page = await tour.admin.get(
        "users", params={"role": "editor", "sort": "-display_name", "q": "ed"}
    )
    assert [user["name"] for user in page["items"]] == ["eddie"]
    await tour.admin.revalidate("users", params={"group": "analyst"})
    await tour.admin.bad_params("users", {"sort": "roles"}, "cannot sort users")
    await tour.admin.bad_params("users", {"q": "x" * 201}, "q: at most 200 characters")
    mine = await tour.nobody.get("users")  # `self` covers only nora herself
    assert [user["name"] for user in mine["items"]] == ["nora"]
    await tour.limited.denied("GET", "users", "read:users")


async def _create_user(tour: Tour) -> dict:
    admin = tour.admin
    body = {"name": "ann", "display_name": "Ann", "roles": ["viewer"], "groups": ["analyst"]}
    user = await admin.post("users", body)
    assert (
        admin.header("Location").endswith("/api/rbac/users/ann")
        and admin.header("ETag") == user["etag"]
    )
    await admin.bad_body("POST", "users", {"name": "bad name"}, "invalid user name")
    await admin.bad_body(
        "POST",
        "users",
        {"name": "x", "roles": ["ghost"]},
        "roles: no role named 'ghost'",
        semantic=True,
    )
    await admin.bad_body(
        "POST", "users", {"name": "x", "email": "x@example.org"}, "unknown field(s) email"
    )
    await admin.bad_body(
        "POST", "users", {"name": "x", "display_name": "two\nlines"}, "display_name"
    )
    await admin.post("users", {"name": "ann"}, 409)
    await tour.nobody.denied("POST", "users", "write:users", body={"name": "x"})
    return user


async def _read_user(tour: Tour, created: dict) -> None:
    assert await tour.admin.get("users/ann") == created
    await tour.admin.get("users/ann", 304, headers={"If-None-Match": created["etag"]})
    await tour.admin.get("users/ghost", 404)
    await tour.nobody.get("users/ann", 404)  # a read scope for herself only: others do not exist
    await tour.limited.denied("GET", "users/ann", "read:users")


async def _patch_user(tour: Tour, created: dict) -> dict:
    admin = tour.admin
    user = await admin.patch(
        "users/ann", {"display_name": "Ann B.", "roles": []}, headers={"If-Match": created["etag"]}
    )
    assert (
        user["display_name"] == "Ann B." and user["roles"] == [] and user["groups"] == ["analyst"]
    )
    await admin.patch("users/ann", {"groups": []}, 412, headers={"If-Match": created["etag"]})
    await admin.bad_body("PATCH", "users/ann", {"name": "bob"}, "unknown field(s) name")
    await admin.bad_body(
        "PATCH", "users/ann", {"groups": ["ghost"]}, "no group named 'ghost'", semantic=True
    )
    await admin.patch("users/ghost", {}, 404)
    await admin.patch("users/admin", {"roles": []}, 409)  # the last administrator
    await tour.nobody.denied(
        "PATCH", "users/nora", "write:users!user=nora", body={"display_name": "N"}
    )
    await admin.delete("users/ann/sessions")  # signed out of every browser (a new revision)
    await tour.nobody.delete("users/ann/sessions", 404)  # nora may not see ann
    await tour.nobody.denied("DELETE", "users/nora/sessions", "write:users!user=nora")
    return await admin.get("users/ann")


async def _delete_user(tour: Tour, created: dict, current: dict) -> None:
    admin = tour.admin
    await admin.delete("users/ann", 412, headers={"If-Match": created["etag"]})
    await admin.delete("users/ann", headers={"If-Match": current["etag"]})
    await admin.delete("users/ann", 404)
    await admin.delete("users/admin", 409)  # yourself
    await tour.nobody.denied("DELETE", "users/nora", "write:users!user=nora")


async def _permissions(tour: Tour) -> None:
    permissions = await tour.admin.get("users/eddie/permissions")
    assert {"name": "editor", "via": ["direct"]} in permissions["roles"]
    await tour.nobody.revalidate("users/nora/permissions")
    await tour.admin.get("users/ghost/permissions", 404)
    await tour.limited.denied("GET", "users/nora/permissions", "read:users")


async def _tokens(tour: Tour) -> None:
    admin, nobody = tour.admin, tour.nobody
    listed = await nobody.get("users/nora/tokens")
    assert listed["total"] == len(listed["items"]) >= 2
    await nobody.revalidate("users/nora/tokens")
    await nobody.get("users/admin/tokens", 404)  # admin is hidden from nora: as missing as ghost
    await tour.limited.denied(
        "GET", "users/admin/tokens", "read:tokens!user=admin"
    )  # no tokens scope
    await admin.get("users/ghost/tokens", 404)

    token = await nobody.post(
        "users/nora/tokens", {"note": "ci", "scopes": ["self"], "expires_in": 3600}
    )
    assert nobody.header("Location").endswith(f"/api/rbac/users/nora/tokens/{token['id']}")
    await nobody.bad_body("POST", "users/nora/tokens", {"expires_in": "soon"}, "expires_in")
    await nobody.bad_body("POST", "users/nora/tokens", {"secret": "x"}, "unknown field(s) secret")
    await nobody.denied(
        "POST", "users/nora/tokens", "write:contents", body={"scopes": ["write:contents"]}
    )
    await nobody.post("users/admin/tokens", {}, 404)
    await tour.limited.denied("POST", "users/admin/tokens", "write:tokens!user=admin", body={})
    await admin.post("users/ghost/tokens", {}, 404)

    admins = (await admin.get("users/admin/tokens"))["items"]
    await _one_token(tour, token["id"], admins[0]["id"])
    await _all_tokens(tour)


async def _all_tokens(tour: Tour) -> None:
    everyone = await tour.admin.get("tokens", params={"sort": "-last_used_at", "q": "nor"})
    assert {t["username"] for t in everyone["items"]} == {"nora"}
    await tour.admin.revalidate("tokens", params={"user": "nora"})
    await tour.admin.bad_params("tokens", {"sort": "secret"}, "cannot sort tokens")
    mine = await tour.nobody.get("tokens")  # `self` covers only nora's own
    assert {t["username"] for t in mine["items"]} == {"nora"}
    await tour.limited.denied("GET", "tokens", "read:tokens")


async def _one_token(tour: Tour, token_id: int, admins_token_id: int) -> None:
    admin, nobody = tour.admin, tour.nobody
    token = await nobody.get(f"users/nora/tokens/{token_id}")
    assert token["scopes"] == ["self"] and token["expires_at"] is not None
    await nobody.revalidate(f"users/nora/tokens/{token_id}")
    await admin.bad_path("GET", "users/nora/tokens/abc", "not a token id")
    await admin.get("users/nora/tokens/999999", 404)
    await admin.get(f"users/eddie/tokens/{token_id}", 404)  # another user's token id
    await nobody.get(f"users/admin/tokens/{admins_token_id}", 404)
    await tour.limited.denied(
        "GET", f"users/admin/tokens/{admins_token_id}", "read:tokens!user=admin"
    )

    await nobody.delete(f"users/nora/tokens/{token_id}")
    await nobody.delete(f"users/nora/tokens/{token_id}", 404)
    await admin.bad_path("DELETE", "users/nora/tokens/abc", "not a token id")
    await nobody.delete(f"users/admin/tokens/{admins_token_id}", 404)
    await tour.limited.denied(
        "DELETE", f"users/admin/tokens/{admins_token_id}", "write:tokens!user=admin"
    )


async def _groups(tour: Tour) -> None:
    await _list_groups(tour)
    created = await _create_group(tour)
    await _read_group(tour, created)
    changed = await _patch_group(tour, created)
    await _delete_group(tour, created, changed)
    await _last_admin_group(tour)


async def _list_groups(tour: Tour) -> None:
    page = await tour.admin.get("groups", params={"sort": "-created_at", "limit": "1", "q": "a"})
    assert len(page["items"]) == 1 and page["total"] >= 2
    await tour.admin.revalidate("groups")
    await tour.admin.bad_params("groups", {"offset": "-1"}, "offset: must be between 0 and")
    await tour.nobody.denied("GET", "groups", "read:groups")


async def _create_group(tour: Tour) -> dict:
    admin = tour.admin
    body = {"name": "team", "description": "The team", "members": ["eddie"], "roles": ["viewer"]}
    group = await admin.post("groups", body)
    assert (
        admin.header("Location").endswith("/api/rbac/groups/team")
        and admin.header("ETag") == group["etag"]
    )
    await admin.bad_body(
        "POST",
        "groups",
        {"name": "x", "members": ["ghost"]},
        "no user named 'ghost'",
        semantic=True,
    )
    await admin.bad_body("POST", "groups", {"name": "x", "users": []}, "unknown field(s) users")
    await admin.bad_body("POST", "groups", {"name": "x", "description": 5}, "description")
    await admin.post("groups", {"name": "team"}, 409)
    await tour.nobody.denied("POST", "groups", "write:groups!group=x", body={"name": "x"})
    return group


async def _read_group(tour: Tour, created: dict) -> None:
    assert await tour.admin.get("groups/team") == created
    await tour.admin.get("groups/team", 304, headers={"If-None-Match": created["etag"]})
    await tour.admin.get("groups/nope", 404)
    await tour.nobody.denied("GET", "groups/team", "read:groups")


async def _patch_group(tour: Tour, created: dict) -> dict:
    admin = tour.admin
    group = await admin.patch(
        "groups/team", {"members": ["eddie", "nora"]}, headers={"If-Match": created["etag"]}
    )
    assert group["members"] == ["eddie", "nora"] and group["roles"] == ["viewer"]
    await admin.patch("groups/team", {"members": []}, 412, headers={"If-Match": created["etag"]})
    await admin.bad_body(
        "PATCH", "groups/team", {"roles": ["ghost"]}, "no role named 'ghost'", semantic=True
    )
    await admin.bad_body("PATCH", "groups/team", {"name": "x"}, "unknown field(s) name")
    await admin.patch("groups/nope", {}, 404)
    await tour.nobody.denied("PATCH", "groups/team", body={})
    return group


async def _delete_group(tour: Tour, created: dict, current: dict) -> None:
    admin = tour.admin
    await admin.delete("groups/team", 412, headers={"If-Match": created["etag"]})
    await tour.nobody.denied("DELETE", "groups/team")
    await admin.delete("groups/team", headers={"If-Match": current["etag"]})
    await admin.delete("groups/team", 404)


async def _last_admin_group(tour: Tour) -> None:
    """With `admin` held only through the admin group, the group must keep its administrator."""
    admin = tour.admin
    await admin.patch("groups/admin", {"members": ["admin"]})
    await admin.patch("users/admin", {"roles": []})
    await admin.patch("groups/admin", {"members": []}, 409)
    await admin.delete("groups/admin", 409)
    await admin.patch("users/admin", {"roles": ["admin"]})


async def _check(tour: Tour) -> None:
    admin = tour.admin
    allowed = await admin.post(
        "check", {"user": "eddie", "action": "write", "resource": "contents", "path": "a.txt"}, 200
    )
    assert allowed["allowed"] and allowed["granted_by"]["role"] == "editor"
    question = {"user": "nora", "action": "write", "resource": "kernels", "owner": "nora"}
    assert await tour.nobody.post("check", question, 200) == {
        "allowed": False,
        "granted_by": None,
        "missing_scope": "write:kernels!user=nora",
    }
    await admin.bad_body(
        "POST", "check", {"user": "nora", "action": "fly", "resource": "contents"}, "action"
    )
    await admin.bad_body(
        "POST", "check", {"user": "nora", "action": "read"}, "missing field(s) resource"
    )
    await admin.bad_body(
        "POST",
        "check",
        {"user": "nora", "action": "read", "resource": "x", "why": 1},
        "unknown field",
    )
    await admin.post("check", {"user": "ghost", "action": "read", "resource": "contents"}, 404)
    await tour.nobody.post(
        "check", {"user": "eddie", "action": "read", "resource": "contents"}, 404
    )
    await tour.limited.denied(
        "POST", "check", "read:users", body={"user": "nora", "action": "read", "resource": "lab"}
    )


async def _audit(tour: Tour) -> None:
    admin = tour.admin
    page = await admin.get("audit", params={"limit": "2"})
    assert len(page["items"]) == 2 and page["next_cursor"] == page["items"][-1]["id"]
    older = await admin.get("audit", params={"limit": "2", "before": str(page["next_cursor"])})
    assert all(event["id"] < page["next_cursor"] for event in older["items"])
    since = page["items"][-1]["at"]
    filters = {
        "kind": "role",
        "action": "role.create",
        "actor": "admin",
        "target": "dev",
        "since": "2000-01-01T00:00:00Z",
    }
    created = await admin.get("audit", params={**filters, "until": "2100-01-01T00:00:00+01:00"})
    assert [event["target"] for event in created["items"]] == ["dev"]
    assert created["next_cursor"] is None  # not a full page
    await admin.revalidate("audit", params={"since": since})
    await admin.bad_params("audit", {"since": "2026-01-01T00:00:00"}, "give a time zone")
    await admin.bad_params("audit", {"limit": "1001"}, "limit: must be between 1 and 1000")
    await tour.nobody.denied("GET", "audit", "read:audit")
    exported = await admin.get("audit/export", params={**filters, "format": "jsonl"})
    assert exported["target"] == "dev"  # one event: one line
    await admin.bad_params("audit/export", {"format": "xlsx"}, "format: 'xlsx'")
    await tour.nobody.denied("GET", "audit/export", "read:audit")


async def _account(tour: Tour) -> None:
    """nora changes her profile and password, and signs out everywhere."""
    nora = tour.nobody
    me = await nora.patch("me", {"display_name": "Nora Batty", "color": "#336699"})
    assert me["initials"] == "NB" and me["color"] == "#336699"
    assert me["account"] == {
        "editable": ["display_name", "color"],
        "passwords": True,
        "password_set": False,
    }
    await nora.bad_body("PATCH", "me", {"color": "red; x: y"}, "color")
    await nora.bad_body("PATCH", "me", {"name": "x"}, "unknown field(s) name")
    await nora.call("PATCH", "me", 403, body={"avatar_url": "https://pics.example/n.png"})
    await tour.anonymous.call("PATCH", "me", 403, body={"color": "red"})

    await nora.put("me/password", {"new_password": "correct horse"}, 204)
    assert (await nora.get("me"))["account"]["password_set"] is True
    await nora.call(
        "PUT",
        "me/password",
        403,
        body={"current_password": "wrong", "new_password": "battery staple"},
    )
    await nora.put(
        "me/password", {"current_password": "correct horse", "new_password": "battery staple"}, 204
    )
    await nora.bad_body(
        "PUT",
        "me/password",
        {"current_password": "battery staple", "new_password": "short"},
        "between 8",
    )
    await nora.bad_body(
        "PUT",
        "me/password",
        {"current_password": "battery staple"},
        "missing field(s) new_password",
    )

    await nora.delete("me/sessions")
    await tour.anonymous.call("DELETE", "me/sessions", 403)

    # wrong current passwords count as failed sign-ins (5 by default), then 429 (issue 15)
    wrong = {"current_password": "wrong", "new_password": "battery staple"}
    for _ in range(5):
        await nora.call("PUT", "me/password", 403, body=wrong)
    await nora.call("PUT", "me/password", 429, body=wrong)


async def _invitations(tour: Tour) -> None:
    admin = tour.admin
    invitation = await admin.post(
        "invitations",
        {"username": "ivan", "display_name": "Ivan", "roles": ["viewer"], "expires_in": 3600},
    )
    assert invitation["state"] == "pending" and "/rbac/invite?code=rbacinv_" in invitation["path"]
    assert admin.header("Location").endswith(f"/api/rbac/invitations/{invitation['id']}")
    await admin.post("invitations", {"username": "ivan"}, 409)
    await admin.bad_body("POST", "invitations", {"username": "x", "expires_in": 5}, "expires_in")
    await admin.bad_body(
        "POST", "invitations", {"username": "x", "roles": ["nope"]}, "no role named", semantic=True
    )
    await admin.bad_body("POST", "invitations", {"display_name": "x"}, "missing field(s) username")
    await tour.editor.denied("POST", "invitations", "write:users", body={"username": "x"})

    listed = await admin.get("invitations")
    assert [i["username"] for i in listed["items"]] == ["ivan"]
    assert (await admin.get("invitations", params={"all": "true"}))["total"] == 1
    await admin.revalidate("invitations")
    await admin.bad_params("invitations", {"all": "yes"}, "all: true or false")
    await tour.anonymous.get("invitations", 403)

    # rolf reads users but may not write them: invitations are not his to see or withdraw
    assert (await tour.role_admin.get("invitations"))["total"] == 0
    await tour.role_admin.denied("DELETE", f"invitations/{invitation['id']}", "write:users")
    await admin.delete(f"invitations/{invitation['id']}")
    await admin.delete(f"invitations/{invitation['id']}", 404)
    await admin.bad_path("DELETE", "invitations/abc", "not an invitation id")

    # a sign-in link, for a user who exists
    link = await admin.post("invitations", {"username": "nora", "sign_in": True})
    assert link["sign_in"] is True and link["roles"] == []
    await admin.post("invitations", {"username": "ghost", "sign_in": True}, 404)
    await admin.bad_body("POST", "invitations", {"username": "x", "sign_in": "yes"}, "sign_in")
    await admin.delete(f"invitations/{link['id']}")

    # what an invitee would be able to do
    preview = await admin.post(
        "invitations/preview", {"username": "ivan", "roles": ["viewer"]}, 200
    )
    assert "read:contents" in preview["effective"]
    await admin.bad_body("POST", "invitations/preview", {"roles": []}, "username")
    await admin.bad_body(
        "POST",
        "invitations/preview",
        {"username": "x", "roles": ["nope"]},
        "no role named",
        semantic=True,
    )
    await tour.editor.denied("POST", "invitations/preview", "write:users", body={"username": "x"})
    await admin.post("invitations/preview", {"username": "nora"}, 409)


async def _shares(tour: Tour, root: Path) -> None:
    """Folders and files of the served root shared with nora: made, listed, read, changed and
    removed, and the provenance permissions and check give of what a share grants."""
    for folder in ("projects/x/deep", "projects/y", "home/eddie"):
        (root / folder).mkdir(parents=True)
    (root / "projects/x/notes.txt").write_text("x")
    (root / "home/eddie/plan.txt").write_text("plan")
    made = await _create_shares(tour)
    await _share_provenance(tour, made["nora"])
    await _list_shares(tour, made)
    await _read_share(tour, made["nora"])
    await _share_access(tour, made)
    await _share_recipients(tour)
    changed = await _patch_share(tour, made)
    await _delete_shares(tour, made, changed)


async def _create_shares(tour: Tour) -> dict[str, dict]:
    admin, editor = tour.admin, tour.editor
    nora = await admin.post("shares", {"path": "projects/x", "role": "editor", "user": "nora"})
    assert (nora["type"], nora["user"], nora["group"]) == ("directory", "nora", None)
    assert nora["shared_by"] == "admin" and nora["expired"] is False
    assert admin.header("Location").endswith(f"/api/rbac/shares/{nora['id']}")
    body = {"path": "projects/x/notes.txt", "role": "viewer", "group": "analyst"}
    analyst = await admin.post("shares", body)
    assert (analyst["type"], analyst["user"], analyst["group"]) == ("file", None, "analyst")
    # eddie (an editor) shares his own home, for a day
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    body = {"path": "home/eddie", "role": "editor", "user": "nora", "expires_at": tomorrow}
    home = await editor.post("shares", body)
    assert home["shared_by"] == "eddie" and home["expires_at"] is not None

    await admin.post("shares", {"path": "projects/x", "role": "viewer", "user": "nora"}, 409)
    x = {"path": "projects/x", "role": "viewer"}
    for wrong, words in [
        ({**x, "colour": "red"}, "unknown field(s) colour"),
        ({"path": "projects/x", "user": "nora"}, "missing field(s) role"),
        ({**x, "user": "bad name"}, "user: invalid user name"),
        ({**x, "user": "nora", "expires_at": 5}, "expires_at"),
    ]:
        await admin.bad_body("POST", "shares", wrong, words)
    await admin.bad_body("POST", "shares", [1], "must be a JSON object")
    for wrong, words in [
        (x, "either user or group"),
        ({**x, "user": "nora", "group": "analyst"}, "either user or group"),
        ({**x, "path": "projects/none", "user": "nora"}, "no folder or file"),
        ({**x, "path": "../etc", "user": "nora"}, "leaves the server root"),
        ({**x, "path": "a*b", "user": "nora"}, "'*'"),
        ({**x, "role": "nope", "user": "nora"}, "role: no role named 'nope'"),
        ({**x, "user": "ghost"}, "user: no user named 'ghost'"),
        ({**x, "group": "ghost"}, "group: no group named 'ghost'"),
        ({**x, "user": "admin"}, "yourself"),
        ({**x, "user": "olga", "expires_at": "soon"}, "ISO 8601"),
        ({**x, "user": "olga", "expires_at": "2026-01-31T18:00:00"}, "time zone"),
        ({**x, "user": "olga", "expires_at": "2020-01-01T00:00:00Z"}, "in the future"),
    ]:
        await admin.bad_body("POST", "shares", wrong, words, semantic=True)

    # who may not share: no write:shares there; write:shares but not write:contents there;
    # more than they hold there (the admin role grants every action on contents and shares)
    share_y = {"path": "projects/y", "role": "viewer", "user": "nora"}
    await tour.nobody.denied("POST", "shares", "write:shares!path=projects/y", body=share_y)
    await editor.denied("POST", "shares", "write:shares!path=projects/y", body=share_y)
    sharer = {"name": "sharer", "scopes": ["write:shares!path=projects/y/**"], "users": ["rolf"]}
    await admin.post("roles", sharer)
    await tour.role_admin.denied(
        "POST", "shares", "write:contents!path=projects/y/**", body=share_y
    )
    body = {"path": "home/eddie", "role": "admin", "user": "olga"}
    await editor.denied("POST", "shares", "execute:contents!path=home/eddie/**", body=body)
    return {"nora": nora, "analyst": analyst, "home": home}


async def _share_provenance(tour: Tour, share: dict) -> None:
    """What a share grants, and where it comes from, as permissions and check say it."""
    permissions = await tour.admin.get("users/nora/permissions")
    assert sorted(s["path"] for s in permissions["shares"]) == ["home/eddie", "projects/x"]
    granted = [g for g in permissions["scopes"] if g["via"] == [f"share:{share['id']}"]]
    assert "write:contents!path=projects/x/**" in {g["scope"] for g in granted}
    assert all(g["share"]["id"] == share["id"] and g["role"] == "editor" for g in granted)
    assert "write:contents!path=projects/x/**" in permissions["effective"]
    await tour.nobody.revalidate("users/nora/permissions")  # nora's own, shares too

    question = {"user": "nora", "action": "write", "resource": "contents", "path": "projects/x/a"}
    allowed = await tour.admin.post("check", question, 200)
    assert allowed["allowed"] and allowed["granted_by"]["share"]["id"] == share["id"]
    assert allowed["granted_by"]["via"] == [f"share:{share['id']}"]
    question["path"] = "projects/y/a"
    refused = await tour.admin.post("check", question, 200)
    assert refused["missing_scope"] == "write:contents!path=projects/y/a"


async def _list_shares(tour: Tour, made: dict[str, dict]) -> None:
    admin = tour.admin
    ids = {name: share["id"] for name, share in made.items()}

    def listed(page: dict) -> list[int]:
        return [share["id"] for share in page["items"]]

    # by path, then id
    page = await admin.get("shares", params={"limit": "2", "offset": "1"})
    assert (page["total"], listed(page)) == (3, [ids["nora"], ids["analyst"]])
    assert listed(await admin.get("shares", params={"path": "projects/x/"})) == [ids["nora"]]
    mine = await admin.get("shares", params={"user": "nora"})
    assert listed(mine) == [ids["home"], ids["nora"]]
    assert listed(await admin.get("shares", params={"group": "analyst"})) == [ids["analyst"]]
    await admin.revalidate("shares", params={"path": "projects/x"})
    await admin.bad_params("shares", {"limit": "0"}, "limit: must be between 1 and 1000")
    await admin.bad_params("shares", {"offset": "x"}, "offset: 'x' is not an integer")
    await admin.get("shares", 400, params={"path": "a*b"})
    await admin.get("shares", 400, params={"path": "../etc"})

    # nora sees what was given to her, eddie what he made, rolf (reading users) nora's
    assert listed(await tour.nobody.get("shares")) == [ids["home"], ids["nora"]]
    assert listed(await tour.nobody.get("shares", params={"user": "nora"})) == [
        ids["home"],
        ids["nora"],
    ]
    assert listed(await tour.editor.get("shares")) == [ids["home"]]
    assert listed(await tour.role_admin.get("shares", params={"path": "projects/x"})) == [
        ids["nora"]
    ]
    await tour.nobody.get("shares", 404, params={"user": "admin"})  # nora may not read admin
    await tour.nobody.get("shares", 404, params={"user": "ghost"})
    # no scope on groups at all: a group not hers is refused, whether or not it exists
    for group in ("analyst", "ghost"):
        await tour.nobody.denied("GET", "shares", "read:groups", params={"group": group})
    await tour.limited.denied("GET", "shares", "read:shares")  # reads neither shares nor people


async def _read_share(tour: Tour, made: dict) -> None:
    path = f"shares/{made['id']}"
    assert await tour.admin.get(path) == made
    await tour.admin.revalidate(path)
    assert await tour.nobody.get(path) == made  # given to her
    await tour.admin.get("shares/999999", 404)
    await tour.admin.get("shares/abc", 404)
    await tour.editor.get(path, 404)  # eddie may not see it: as missing as 999999
    await tour.limited.get(path, 404)
    await tour.anonymous.get(path, 403)  # no one signed in: as everywhere


async def _share_access(tour: Tour, made: dict[str, dict]) -> None:
    """Who may open and change a folder or file, and through which role or whose share."""
    admin = tour.admin
    access = await admin.get("shares/access", params={"path": "projects/x"})
    assert access["type"] == "directory" and access["others"] == 0
    assert [share["id"] for share in access["shares"]] == [made["nora"]["id"]]
    people = {person["username"]: person for person in access["people"]}
    assert people["nora"]["access"] == "edit" and people["eddie"]["access"] == "edit"
    assert people["nora"]["granted_by"]["share"]["id"] == made["nora"]["id"]
    assert people["eddie"]["granted_by"]["role"] == "editor"
    await admin.revalidate("shares/access", params={"path": "projects/x/notes.txt"})
    # (the spec requires `path`; openapi_check does not look for required query parameters)
    assert "path: required" in (await admin.get("shares/access", 400))["message"]
    await admin.get("shares/access", 400, params={"path": "projects/none"})
    await admin.get("shares/access", 400, params={"path": "a*b"})
    # eddie sees who has access to his home, naming only himself: he reads no other user
    home = await tour.editor.get("shares/access", params={"path": "home/eddie"})
    assert [p["username"] for p in home["people"]] == ["eddie"] and home[
        "others"
    ] == 2  # admin, nora
    assert [share["id"] for share in home["shares"]] == [made["home"]["id"]]
    await tour.editor.denied(
        "GET", "shares/access", "read:shares!path=projects/x", params={"path": "projects/x"}
    )
    # nobody learns whether a place exists before they may see its shares
    await tour.nobody.denied(
        "GET", "shares/access", "read:shares!path=projects/none", params={"path": "projects/none"}
    )


async def _share_recipients(tour: Tour) -> None:
    """Whoever may share somewhere finds whom to share with."""
    found = await tour.editor.get("shares/recipients", params={"q": "nor", "limit": "5"})
    assert [user["username"] for user in found["users"]] == ["nora"]
    everyone = await tour.editor.get("shares/recipients")
    assert "eddie" not in {user["username"] for user in everyone["users"]}  # not himself
    assert {"admin", "analyst"} <= {group["name"] for group in everyone["groups"]}
    await tour.editor.revalidate("shares/recipients", params={"q": "a"})
    await tour.editor.bad_params("shares/recipients", {"limit": "0"}, "limit: must be between")
    await tour.editor.bad_params("shares/recipients", {"q": "x" * 201}, "q: at most 200")
    await tour.nobody.denied("GET", "shares/recipients", "write:shares")


async def _patch_share(tour: Tour, made: dict[str, dict]) -> dict:
    admin = tour.admin
    nora, home = (f"shares/{made[name]['id']}" for name in ("nora", "home"))
    etag = made["nora"]["etag"]
    changed = await admin.patch(nora, {"role": "viewer"}, headers={"If-Match": etag})
    assert changed["role"] == "viewer" and changed["etag"] != etag
    await admin.patch(nora, {"role": "editor"}, 412, headers={"If-Match": etag})
    await admin.bad_body("PATCH", nora, {"path": "projects/y"}, "unknown field(s) path")
    await admin.bad_body("PATCH", nora, {"role": 5}, "role")
    await admin.bad_body("PATCH", nora, {"role": "nope"}, "no role named 'nope'", semantic=True)
    await admin.bad_body("PATCH", nora, {"expires_at": "soon"}, "ISO 8601", semantic=True)
    await admin.bad_body("PATCH", nora, "{not json", "not valid JSON")
    await admin.patch("shares/999999", {}, 404)
    await tour.editor.patch(nora, {}, 404)  # not his to see
    # the recipient may not change it; eddie may not give more than he holds
    await tour.nobody.denied("PATCH", nora, "write:shares!path=projects/x/**", body={})
    await tour.editor.denied(
        "PATCH", home, "execute:contents!path=home/eddie/**", body={"role": "admin"}
    )
    never = await tour.editor.patch(home, {"expires_at": None})
    assert never["expires_at"] is None and never["expired"] is False
    return changed


async def _delete_shares(tour: Tour, made: dict[str, dict], changed: dict) -> None:
    admin = tour.admin
    nora, home, analyst = (f"shares/{made[name]['id']}" for name in ("nora", "home", "analyst"))
    await admin.delete(nora, 412, headers={"If-Match": made["nora"]["etag"]})
    # rolf reads users (nora's shares too) but may not remove them
    await tour.role_admin.denied("DELETE", nora, "write:shares!path=projects/x/**")
    await tour.editor.delete(nora, 404)
    await tour.nobody.delete(nora, headers={"If-Match": changed["etag"]})  # she may leave it
    await tour.nobody.delete(nora, 404)
    await tour.editor.delete(home)  # who made it
    await admin.delete(analyst)
    await admin.delete("shares/999999", 404)
    assert (await admin.get("shares"))["total"] == 0
    await admin.delete("roles/sharer")


# -- discrepancies found while writing the spec, fixed since ----------------------------------------


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("roles", "offset"),
        ("users", "offset"),
        ("groups", "offset"),
        ("audit", "offset"),
        ("audit", "before"),
    ],
)
async def test_a_huge_offset_is_a_400(admin, jp_base_url, path: str, param: str) -> None:
    status, payload = await admin.get(*RBAC, path, params={param: str(2**64)})
    validate_response("GET", f"{jp_base_url}api/rbac/{path}", status, payload, base_url=jp_base_url)
    assert status == 400 and param in payload["message"], payload


@pytest.mark.parametrize(
    ("method", "path", "body", "needed"),
    [
        ("PUT", "roles/viewer", {"scopes": []}, "write:roles"),
        ("PATCH", "roles/viewer", {}, "write:roles"),
        ("DELETE", "roles/viewer", None, "write:roles"),
        ("PATCH", "groups/analyst", {}, "write:groups!group=analyst"),
        ("DELETE", "groups/analyst", None, "write:groups!group=analyst"),
    ],
)
async def test_a_refused_write_names_the_write_scope(
    nobody, method: str, path: str, body: dict | None, needed: str
) -> None:
    status, payload = await nobody.request(method, *RBAC, *path.split("/"), body=body)
    assert status == 403 and payload["missing_scope"] == needed


# A settings plugin whose id has no slash (a scoped package's would be sent as %2F, which the
# tour's client cannot write): jupyter-rbac's own.
PLUGIN = "jupyter-rbac:plugin"


async def _lab(tour: Tour, jp_fetch, jp_ws_fetch) -> None:
    """Nora's own JupyterLab (through JupyterLab's routes), administered through ours."""
    nora = tour.nobody.client
    raw = json.dumps({"pageSize": 25})
    assert (await nora.put("lab", "api", "settings", PLUGIN, body={"raw": raw}))[0] == 204
    layout = {"data": {}, "metadata": {"id": "default"}}
    assert (await nora.put("lab", "api", "workspaces", "default", body=layout))[0] == 204
    status, token = await nora.post(*RBAC, "users", "nora", "tokens", body={"scopes": ["read:api"]})
    assert status == 201, token
    no_lab = Caller(
        Client(jp_fetch, jp_ws_fetch, "nora", token["token"]), tour.admin.base_url, tour.seen
    )

    # the server-wide defaults
    default = f"lab/defaults/{PLUGIN}"
    await tour.admin.put(default, {"settings": {"pageSize": 100}})
    await tour.admin.bad_body(
        "PUT", default, {"settings": {"pageSize": 5}}, "pageSize", semantic=True
    )
    await tour.admin.bad_body("PUT", default, {"colour": 1}, "colour")
    await tour.admin.call("PUT", "lab/defaults/nobody:nothing", 404, body={"settings": {}})
    await tour.editor.denied("PUT", default, "write:lab", body={"settings": {}})
    await tour.editor.denied("DELETE", default, "write:lab")
    assert (await tour.nobody.get("lab/defaults"))["defaults"][PLUGIN] == {"pageSize": 100}
    assert (await tour.nobody.get(default))["settings"] == {"pageSize": 100}
    await no_lab.denied("GET", "lab/defaults", "read:lab")
    await no_lab.denied("GET", default, "read:lab")
    for method in ("GET", "PUT", "DELETE"):
        await tour.admin.bad_path(method, "lab/defaults/no-colon", "not a settings plugin id")
    await tour.admin.delete(default)

    # one user's, read and reset by those whose scopes name them
    mine = "users/nora/lab"
    assert PLUGIN in (await tour.admin.get(f"{mine}/settings"))["settings"]
    assert (await tour.admin.get(f"{mine}/settings/{PLUGIN}"))["raw"] == raw
    for method in ("GET", "DELETE"):
        await tour.admin.bad_path(method, f"{mine}/settings/no-colon", "not a settings plugin id")
    assert len((await tour.admin.get(f"{mine}/workspaces"))["workspaces"]) == 1
    assert (await tour.admin.get(f"{mine}/workspaces/default"))["metadata"]["id"] == "default"
    await tour.admin.get(f"{mine}/workspaces/nothing", 404)
    paths = ("settings", f"settings/{PLUGIN}", "workspaces", "workspaces/default")
    assert (await tour.admin.get("users/ghost/lab/settings"))["settings"] == {}  # no one's
    for path in ("settings", f"settings/{PLUGIN}", "workspaces", "workspaces/default"):
        for method in ("GET", "DELETE"):
            await tour.admin.bad_path(method, f"users/.hidden/lab/{path}", "invalid user name")
    for path in paths:
        await tour.editor.denied("GET", f"{mine}/{path}", "read:lab!user=nora")
        await tour.editor.denied("DELETE", f"{mine}/{path}", "write:lab!user=nora")
    for path in paths:
        await tour.admin.delete(f"{mine}/{path}")
