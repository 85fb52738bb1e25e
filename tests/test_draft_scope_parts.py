"""The server reads scopes not saved yet (a role being edited) for the panel: GET
/api/rbac/scopes/parts?scope=A&scope=B gives each in parts, as /me gives the scopes a user
holds, with the grammar's refusal where there is one; the panel never splits scope text."""

from __future__ import annotations

import pytest

from jupyter_rbac.limits import MAX_SCOPE_TEXT, MAX_SCOPES

from .support.client import NOT_SIGNED_IN, Client
from .support.openapi_check import validate_response

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

RBAC = ("api", "rbac")


async def parts_of(client: Client, jp_base_url: str, *scopes: str) -> tuple[int, dict]:
    """GET /api/rbac/scopes/parts with each of `scopes`, checked against the spec."""
    status, payload = await client.get(
        *RBAC, "scopes", "parts", params=[("scope", scope) for scope in scopes]
    )
    url = f"{jp_base_url}api/rbac/scopes/parts"
    validate_response("GET", url, status, payload, base_url=jp_base_url)
    return status, payload


async def test_a_plain_scope_comes_in_parts(nobody, jp_base_url):
    status, answer = await parts_of(nobody, jp_base_url, "write:contents")
    assert status == 200
    assert answer == {
        "parts": [
            {
                "scope": "write:contents",
                "base": "write:contents",
                "action": "write",
                "resource": "contents",
                "filter": None,
                "actions": ["write", "read"],
                "resources": ["contents"],
                "error": None,
            }
        ]
    }


async def test_a_filter_and_its_template_come_apart_in_order(nobody, jp_base_url):
    scopes = ("read:contents!path=home/{user}/**", "kernels!user={user}", "read:lab")
    status, answer = await parts_of(nobody, jp_base_url, *scopes)
    assert status == 200
    assert [part["scope"] for part in answer["parts"]] == list(scopes)
    path, kernels, lab = answer["parts"]
    assert path["base"] == "read:contents"
    assert path["filter"] == {"name": "path", "value": "home/{user}/**"}
    assert kernels["action"] is None and kernels["base"] == "kernels"
    assert kernels["filter"] == {"name": "user", "value": "{user}"}
    assert kernels["actions"] == ["execute", "write", "read"]
    assert lab["filter"] is None and lab["error"] is None


async def test_an_alias_is_read_as_the_scope_it_stands_for(nobody, jp_base_url):
    status, answer = await parts_of(
        nobody, jp_base_url, "custom:jupyter_server:read:lab", "custom:jupyter_server:write:*"
    )
    assert status == 200
    lab, everything = answer["parts"]
    assert (lab["scope"], lab["base"], lab["error"]) == (
        "custom:jupyter_server:read:lab",
        "read:lab",
        None,
    )
    assert everything["resource"] == "*" and everything["actions"] == ["write", "read"]
    assert "contents" in everything["resources"] and "roles" not in everything["resources"]


async def test_a_scope_the_grammar_refuses_says_why_and_covers_nothing(nobody, jp_base_url):
    bad = ("write:everything", "read:contents!user=ann", " read:lab", "")
    status, answer = await parts_of(nobody, jp_base_url, "read:lab", *bad)
    assert status == 200
    good, *refused = answer["parts"]
    assert good["error"] is None
    assert [part["scope"] for part in refused] == list(bad)
    for part in refused:
        assert part["base"] is None and part["actions"] == [] and part["resources"] == []
    assert [part["error"] for part in refused] == [
        "invalid scope 'write:everything': unknown resource 'everything'",
        "invalid scope 'read:contents!user=ann': contents takes !path=, not !user=",
        "invalid scope ' read:lab': a scope may not start or end with spaces",
        "invalid scope '': a scope must be a non-empty string",
    ]


async def test_any_signed_in_caller_may_ask_and_nobody_else(
    nobody, jp_fetch, jp_ws_fetch, jp_base_url
):
    status, token = await nobody.post(
        *RBAC, "users", "nora", "tokens", body={"scopes": ["read:lab!user=nora"]}
    )
    assert status == 201, token
    limited = Client(jp_fetch, jp_ws_fetch, "nora", token["token"])
    assert (await parts_of(limited, jp_base_url, "all"))[0] == 200  # it holds nothing of it
    anonymous = Client(jp_fetch, jp_ws_fetch, "anonymous", "")
    anonymous.headers = {}
    assert await parts_of(anonymous, jp_base_url, "all") == NOT_SIGNED_IN


async def test_no_scope_argument_is_a_400_naming_it(nobody, jp_base_url):
    status, answer = await parts_of(nobody, jp_base_url)
    assert status == 400
    assert answer["message"].startswith("scope: give at least one scope")


async def test_too_many_scopes_or_too_long_a_scope_is_a_400_naming_the_bound(nobody, jp_base_url):
    status, answer = await parts_of(nobody, jp_base_url, *["read:lab"] * (MAX_SCOPES + 1))
    assert (status, answer["message"]) == (400, f"scope: at most {MAX_SCOPES} scopes")
    assert (await parts_of(nobody, jp_base_url, *["read:lab"] * MAX_SCOPES))[0] == 200
    longest = "read:contents!path=" + "x/" * MAX_SCOPE_TEXT
    status, answer = await parts_of(nobody, jp_base_url, longest[: MAX_SCOPE_TEXT + 1])
    message = f"scope: at most {MAX_SCOPE_TEXT} characters each"
    assert (status, answer["message"]) == (400, message)
    assert (await parts_of(nobody, jp_base_url, longest[:MAX_SCOPE_TEXT]))[0] == 200


async def test_text_that_is_not_utf8_is_a_400(nobody):
    status, answer = await nobody.get(*RBAC, "scopes", "parts", params=[("scope", b"\xff")])
    assert (status, answer["message"]) == (400, "scope: not UTF-8 text")
