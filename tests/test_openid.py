"""OpenID Connect (Keycloak, as Nebari runs it) against a real issuer process on loopback
(tests/support/openid_issuer.py: its own keys, discovery, JWKS, authorization and token
endpoints, and Keycloak's admin list of client roles)."""

from __future__ import annotations

import asyncio
import json
import logging

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from .support.browser_session import BrowserSession
from .support.client import NOT_SIGNED_IN
from .support.openid import sign_in, signing_in_at

pytestmark = pytest.mark.slow  # an OpenID issuer process and a server for each test


@pytest.fixture
def jp_server_config(jp_server_config, issuer):
    return signing_in_at(jp_server_config, issuer, roles_url=issuer.roles_url, jwks_min_refresh=0)


async def as_bearer(
    jp_fetch, token: str, *parts: str, method: str = "GET", body: dict | None = None
):
    response = await jp_fetch(
        *parts,
        method=method,
        body=json.dumps(body) if body is not None else None,
        headers={"Authorization": f"Bearer {token}"},
        raise_error=False,
    )
    text = response.body.decode() if response.body else ""
    return response.code, (json.loads(text) if text.startswith("{") else text)


FILE = {"type": "file", "format": "text", "content": "hello"}


async def test_groups_from_keycloak_paths_get_their_roles(issuer, jp_fetch, rbac, jp_root_dir):
    issuer.user(
        "dana", groups=["/developer"], name="Dana Scully", picture="https://pics.example/dana.png"
    )
    token = issuer.token("dana")
    status, me = await as_bearer(jp_fetch, token, "api", "rbac", "me")
    assert status == 200, me
    assert me["name"] == "dana" and me["display_name"] == "Dana Scully" and me["initials"] == "DS"
    assert me["avatar_url"] == "https://pics.example/dana.png"
    assert me["groups"] == ["developer"]
    assert me["role_sources"]["developer"] == ["group:developer"]
    (jp_root_dir / "home" / "dana").mkdir(parents=True)
    own = ("api", "contents", "home", "dana", "dana.txt")
    status, _ = await as_bearer(jp_fetch, token, *own, method="PUT", body=FILE)
    assert status == 201  # developer -> developer: may save in her own home
    status, _ = await as_bearer(jp_fetch, token, "api", "contents", "x", method="PUT", body=FILE)
    assert status == 403  # and only there
    assert rbac.store.user_exists("dana")  # remembered, so admins can give her roles of her own
    status, identity = await as_bearer(jp_fetch, token, "api", "me")
    assert identity["identity"]["display_name"] == "Dana Scully"


async def test_client_roles_are_our_roles_of_the_same_name(issuer, jp_fetch):
    issuer.user("carl", client_roles=["viewer", "no-such-role"])
    token = issuer.token("carl")
    status, me = await as_bearer(jp_fetch, token, "api", "rbac", "me")
    assert me["role_sources"]["viewer"] == ["oidc"] and "no-such-role" not in me["roles"]
    assert (await as_bearer(jp_fetch, token, "api", "contents"))[0] == 200
    status, refused = await as_bearer(
        jp_fetch, token, "api", "contents", "carl.txt", method="PUT", body=FILE
    )
    assert status == 403 and refused["missing_scope"].startswith("write:contents")


async def test_role_attributes_carry_scopes_and_bad_ones_are_skipped_alone(
    issuer, jp_fetch, caplog
):
    issuer.steer(
        "roles",
        {
            "roles": [
                {
                    "name": "data-team",
                    "attributes": {
                        "component": ["jupyter-rbac"],
                        "scopes": [
                            "read:contents!path=data/** , read:no-such-thing,write:contents!path=data/**"
                        ],
                    },
                },
                {"name": "other-app", "attributes": {"component": ["grafana"], "scopes": ["all"]}},
            ]
        },
    )
    issuer.user("erin", client_roles=["data-team", "other-app"])
    token = issuer.token("erin")
    with caplog.at_level(logging.WARNING):
        status, me = await as_bearer(jp_fetch, token, "api", "rbac", "me")
    assert "write:contents!path=data/**" in me["scopes"] and "all" not in me["scopes"]
    assert "read:no-such-thing" in caplog.text and "data-team" in caplog.text
    # within data/ she may write; elsewhere not
    assert (
        await as_bearer(
            jp_fetch, token, "api", "contents", "data", method="PUT", body={"type": "directory"}
        )
    )[0] == 201
    assert (
        await as_bearer(
            jp_fetch, token, "api", "contents", "data", "x.txt", method="PUT", body=FILE
        )
    )[0] == 201
    status, refused = await as_bearer(
        jp_fetch, token, "api", "contents", "x.txt", method="PUT", body=FILE
    )
    assert status == 403 and refused["missing_scope"] == "write:contents!path=x.txt"


async def test_a_change_in_keycloak_applies_at_the_next_token(issuer, jp_fetch):
    def roles(scopes: str) -> dict:
        return {
            "roles": [
                {"name": "team", "attributes": {"component": ["jupyter-rbac"], "scopes": [scopes]}}
            ]
        }

    issuer.steer("roles", roles("read:contents"))
    issuer.user("fay", client_roles=["team"])
    first = issuer.token("fay")
    assert "read:contents" in (await as_bearer(jp_fetch, first, "api", "rbac", "me"))[1]["scopes"]
    issuer.steer("roles", roles("read:kernels"))
    await asyncio.sleep(
        1.1
    )  # a token issued in a later second than the last read (iat counts seconds)
    second = issuer.token("fay")
    scopes = (await as_bearer(jp_fetch, second, "api", "rbac", "me"))[1]["scopes"]
    assert "read:kernels" in scopes and "read:contents" not in scopes


@pytest.mark.parametrize(
    ("how", "claims"),
    [
        ("expired", {"exp": 1_000_000, "iat": 999_000}),
        ("for another client", {"aud": "someone-else"}),
        ("from another issuer", {"iss": "http://127.0.0.1:1/realms/evil"}),
        ("without a user name", {"preferred_username": None}),
    ],
)
async def test_tokens_that_are_not_for_us_are_refused(issuer, jp_fetch, how, claims):
    issuer.user("gus", client_roles=["admin"])
    assert (
        await as_bearer(jp_fetch, issuer.token("gus", **claims), "api", "rbac", "me")
        == NOT_SIGNED_IN
    ), how


async def test_a_forged_signature_or_garbage_is_refused(issuer, jp_fetch):
    issuer.user("gus", client_roles=["admin"])
    genuine = issuer.token("gus")
    header = jwt.get_unverified_header(genuine)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": header["kid"]})
    for token in (
        forged,
        "not-a-jwt",
        genuine + "x",
        jwt.encode(claims, "secret", algorithm="HS256"),
    ):
        assert await as_bearer(jp_fetch, token, "api", "rbac", "me") == NOT_SIGNED_IN
    status, me = await as_bearer(jp_fetch, genuine, "api", "rbac", "me")
    assert (status, me["name"]) == (200, "gus")


async def test_keys_rotate(issuer, jp_fetch):
    issuer.user("hal", client_roles=["viewer"])
    old = issuer.token("hal")
    assert (await as_bearer(jp_fetch, old, "api", "rbac", "me"))[0] == 200
    reads = issuer.counters()["jwks"]
    issuer.steer("rotate")
    new = issuer.token("hal")
    assert (await as_bearer(jp_fetch, new, "api", "rbac", "me"))[0] == 200
    assert issuer.counters()["jwks"] == reads + 1  # read again for the unknown key id, once
    assert (await as_bearer(jp_fetch, old, "api", "rbac", "me"))[0] == 403  # its key is gone


async def test_the_browser_signs_in_through_the_issuer(issuer, jp_fetch):
    issuer.user("ivy", groups=["/analyst"], name="Ivy Lin")
    browser = await sign_in(jp_fetch, issuer, "ivy")
    status, me = await browser.api("GET", "api", "me")
    assert me["identity"]["username"] == "ivy" and me["identity"]["display_name"] == "Ivy Lin"
    status, mine = await browser.api("GET", "api", "rbac", "me")
    assert status == 200
    assert mine["groups"] == ["analyst"] and "group:analyst" in mine["role_sources"]["analyst"]
    # a stale or forged state is refused
    replay = BrowserSession(jp_fetch)
    response = await replay.get("rbac", "oidc", "callback", params={"code": "x", "state": "y"})
    assert response.code == 400
    # signing out ends the session
    await browser.get("logout")
    assert (await browser.api("GET", "api", "rbac", "me"))[0] == 403


async def test_an_expired_session_refreshes_its_token_with_fresh_groups(issuer, jp_fetch):
    issuer.steer("lifetime", {"seconds": -5})  # tokens already expired (within the leeway)
    issuer.user("jon", groups=["/analyst"])
    browser = await sign_in(jp_fetch, issuer, "jon")
    issuer.user("jon", groups=["/developer"])
    refreshes = issuer.counters()["refresh"]
    status, me = await browser.api("GET", "api", "rbac", "me")
    assert status == 200 and me["groups"] == ["developer"]
    assert issuer.counters()["refresh"] == refreshes + 1
    issuer.steer("forget-sessions")  # the issuer ended the session: so do we
    assert (await browser.api("GET", "api", "rbac", "me"))[0] == 403


async def test_admins_give_roles_to_people_from_the_issuer(issuer, jp_fetch, rbac):
    issuer.user("kim")
    token = issuer.token("kim")
    assert "editor" not in (await as_bearer(jp_fetch, token, "api", "rbac", "me"))[1]["roles"]
    rbac.store.assign_role("editor", users=["kim"], actor="admin")
    status, me = await as_bearer(jp_fetch, token, "api", "rbac", "me")
    assert (status, me["role_sources"]["editor"]) == (200, ["direct"])
