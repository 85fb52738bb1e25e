"""A limited token does exactly what its scopes allow, and only its owner's own unlimited
credential (a browser session, or an unlimited token they made) changes their account.

The attacks of issue 15 (item 2), as a user and as a partial administrator, then a generated
walk through every route of /api/rbac with an administrator's token limited to `read:contents`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text
from tornado import web

from jupyter_rbac.handlers import HANDLERS
from jupyter_rbac.identity.credentials import Kind, classify_token
from jupyter_rbac.store import MIGRATIONS, Store, open_engine
from jupyter_rbac.store.models import Base

from .support.browser_session import BrowserSession
from .support.client import Client
from .support.openapi_check import load_spec, validate_response

RBAC = ("api", "rbac")
PARTIAL_ADMIN = {"name": "token-admin", "scopes": ["tokens", "read:users", "read:contents"]}
CREDENTIAL_MESSAGE = "needs a browser session or an unlimited token of your own"
# making a credential for someone else (a token, an invitation) with a token someone else made
MINTING_MESSAGE = "needs a credential of your own"


# -- helpers ----------------------------------------------------------------------------------------


# When a user was last seen and a token last used: use, not policy (the requests write them).
ACTIVITY_COLUMNS = {"last_seen_at", "last_used_at"}


def database_state(rbac) -> dict[str, list]:
    """Every row of every table but the audit trail (which records the refusals themselves),
    without the activity columns."""
    state = {}
    with rbac.store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name != "rbac_audit":
                columns = [c for c in table.columns if c.name not in ACTIVITY_COLUMNS]
                rows = connection.execute(select(*columns)).all()
                state[table.name] = sorted(repr(tuple(row)) for row in rows)
    return state


async def mint(client: Client, owner: str, scopes: list[str] | None) -> Client:
    """A token for `owner` made by `client` through the API; a Client that uses it."""
    body = {"note": "made in a test", "scopes": scopes}
    status, token = await client.post(*RBAC, "users", owner, "tokens", body=body)
    assert status == 201, token
    return Client(client._fetch, client._ws_fetch, owner, token["token"])


async def browser_of(client: Client, jp_fetch) -> BrowserSession:
    """A browser signed in with `client`'s own unlimited token in the login page's password box."""
    browser = BrowserSession(jp_fetch)
    response = await browser.submit(
        ("login",), ("login",), {"username": "", "password": client.token}
    )
    assert response.code == 302, response.body[:300]
    return browser


def refused_for_the_credential(status: int, payload: Any) -> bool:
    return status == 403 and CREDENTIAL_MESSAGE in payload["message"]


# -- a limited token of the user's own --------------------------------------------------------------


async def test_a_limited_token_cannot_set_its_owners_first_password(viewer, rbac, jp_fetch):
    limited = await mint(viewer, "vera", ["read:contents"])
    status, error = await limited.put(
        *RBAC, "me", "password", body={"new_password": "correct horse"}
    )
    assert refused_for_the_credential(status, error), (status, error)
    assert "changing your password" in error["message"]
    assert rbac.store.password_hash_of("vera") is None
    browser = BrowserSession(jp_fetch)
    response = await browser.submit(
        ("login",), ("login",), {"username": "vera", "password": "correct horse"}
    )
    assert response.code == 401


async def test_a_limited_token_cannot_change_the_profile(viewer, rbac):
    limited = await mint(viewer, "vera", ["read:contents"])
    before = rbac.store.user_record("vera")
    status, error = await limited.patch(*RBAC, "me", body={"display_name": "Mallory"})
    assert refused_for_the_credential(status, error), (status, error)
    # jupyter_server's own PATCH /api/me (JupyterLab's user menu) obeys the same rule
    status, error = await limited.patch("api", "me", body={"display_name": "Mallory"})
    assert refused_for_the_credential(status, error), (status, error)
    assert rbac.store.user_record("vera") == before


async def test_a_limited_token_cannot_sign_its_owner_out_everywhere(viewer, rbac, jp_fetch):
    browser = await browser_of(viewer, jp_fetch)
    limited = await mint(viewer, "vera", ["read:contents"])
    status, error = await limited.delete(*RBAC, "me", "sessions")
    assert refused_for_the_credential(status, error), (status, error)
    assert (await browser.api("GET", *RBAC, "me"))[0] == 200


async def test_a_limited_token_cannot_manage_its_owners_tokens(viewer, rbac):
    """Even one whose scopes include `tokens` on its owner (`self` does)."""
    limited = await mint(viewer, "vera", ["self"])
    status, error = await limited.post(*RBAC, "users", "vera", "tokens", body={"scopes": ["self"]})
    assert refused_for_the_credential(status, error), (status, error)
    status, listed = await limited.get(*RBAC, "users", "vera", "tokens")
    assert status == 200  # reading them is what `self` allows
    own = next(token for token in listed["items"] if token["scopes"] is None)
    status, error = await limited.delete(*RBAC, "users", "vera", "tokens", str(own["id"]))
    assert refused_for_the_credential(status, error), (status, error)
    assert len(rbac.store.list_tokens("vera")) == 2


async def test_a_limited_token_in_the_login_box_makes_no_session(viewer, jp_fetch):
    limited = await mint(viewer, "vera", ["read:contents"])
    browser = BrowserSession(jp_fetch)
    response = await browser.submit(
        ("login",), ("login",), {"username": "", "password": limited.token}
    )
    assert response.code == 401 and b"Invalid user name or password." in response.body
    assert (await browser.api("GET", *RBAC, "me"))[0] == 403  # no session: still signed out


async def test_me_with_a_limited_token_shows_only_what_the_token_may_read(viewer):
    limited = await mint(viewer, "vera", ["read:contents"])
    status, me = await limited.get(*RBAC, "me")
    assert status == 200 and me["name"] == "vera" and me["token_limited"] is True
    assert me["scopes"] == ["read:contents"]
    # the user record (roles, groups) is `read:users!user=vera`, which this token does not carry
    assert me["roles"] == [] and me["role_sources"] == {} and me["groups"] == []
    assert me["account"]["editable"] == []


# -- a token minted by someone else -----------------------------------------------------------------


async def test_a_partial_administrator_cannot_take_over_an_administrator(
    admin, make_user, rbac, jp_fetch
):
    """The review's second attack: write:tokens mints a narrow token for the admin, which then set
    the admin's first password; the password gave a full session and an unlimited token."""
    await admin.post(*RBAC, "roles", body={**PARTIAL_ADMIN, "users": []})
    pam = make_user("pam", roles=[PARTIAL_ADMIN["name"]])
    planted = await mint(pam, "admin", ["read:contents"])
    status, error = await planted.put(
        *RBAC, "me", "password", body={"new_password": "correct horse"}
    )
    assert refused_for_the_credential(status, error), (status, error)
    assert rbac.store.password_hash_of("admin") is None
    status, error = await planted.post(*RBAC, "users", "admin", "tokens", body={"scopes": None})
    assert status == 403, error
    status, error = await planted.patch(*RBAC, "me", body={"display_name": "pwned"})
    assert refused_for_the_credential(status, error), (status, error)
    status, error = await planted.delete(*RBAC, "me", "sessions")
    assert refused_for_the_credential(status, error), (status, error)


@pytest.mark.parametrize("scopes", [["self"], ["read:users!user={user}"], ["tokens!user={user}"]])
async def test_a_token_for_someone_else_grants_what_its_scopes_mean_for_them(
    admin, viewer, make_user, scopes
):
    """`self` and templates name the token's owner's records: its maker must hold those (an
    outside tester's finding: write:tokens!user=vera minted a `self` token that read vera's
    record, which its maker could not)."""
    await admin.post(
        *RBAC, "roles", body={"name": "vera-tokens", "scopes": ["write:tokens!user=vera"]}
    )
    tina = make_user("tina", roles=["vera-tokens"])
    status, error = await tina.post(*RBAC, "users", "vera", "tokens", body={"scopes": scopes})
    assert status == 403 and "do not hold" in error["message"], (status, error)
    status, made = await viewer.post(*RBAC, "users", "vera", "tokens", body={"scopes": scopes})
    assert status == 201, made  # vera's own `self` is hers to put in a token


async def test_an_unlimited_token_minted_by_another_changes_no_credentials(
    admin, viewer, make_user, rbac, jp_fetch
):
    minted = await mint(admin, "vera", None)
    status, me = await minted.get(*RBAC, "me")
    assert status == 200 and me["name"] == "vera" and me["token_limited"] is False
    for method, parts, body in [
        ("PUT", ("me", "password"), {"new_password": "correct horse"}),
        ("PATCH", ("me",), {"color": "#123456"}),
        ("DELETE", ("me", "sessions"), None),
        ("POST", ("users", "vera", "tokens"), {"scopes": ["read:contents"]}),
    ]:
        status, error = await minted.request(method, *RBAC, *parts, body=body)
        assert refused_for_the_credential(status, error), (method, parts, status, error)
    # nor does it mint tokens for anyone else, whatever its owner's scopes
    await admin.post(*RBAC, "roles", body={**PARTIAL_ADMIN, "users": []})
    pam = make_user("pam", roles=[PARTIAL_ADMIN["name"]])
    status, error = await pam.post(
        *RBAC, "users", "vera", "tokens", body={"scopes": ["read:contents"]}
    )
    assert status == 201, error  # pam's own token does
    for_pam = await mint(admin, "pam", None)
    status, error = await for_pam.post(
        *RBAC, "users", "vera", "tokens", body={"scopes": ["read:contents"]}
    )
    assert status == 403 and "a token someone else made for you" in error["message"], error
    # it makes no browser session: not in the login box, not in a link
    browser = BrowserSession(jp_fetch)
    response = await browser.submit(
        ("login",), ("login",), {"username": "", "password": minted.token}
    )
    assert response.code == 401
    response = await jp_fetch(
        *RBAC, "me", params={"token": minted.token}, headers={"Authorization": ""}
    )
    assert response.code == 200 and "username" not in response.headers.get("Set-Cookie", "")


async def test_the_owners_own_credentials_still_manage_the_account(viewer, rbac, jp_fetch):
    """A browser session and an unlimited token the user made themselves."""
    own = await mint(viewer, "vera", None)
    status, _ = await own.patch(*RBAC, "me", body={"display_name": "Vera V"})
    assert status == 200
    status, _ = await own.put(*RBAC, "me", "password", body={"new_password": "correct horse"})
    assert status == 204
    browser = await browser_of(own, jp_fetch)
    status, _ = await browser.api(
        "PUT",
        *RBAC,
        "me",
        "password",
        body={"current_password": "correct horse", "new_password": "battery staple"},
    )
    assert status == 204
    status, made = await browser.api(
        "POST", *RBAC, "users", "vera", "tokens", body={"scopes": ["read:contents"]}
    )
    assert status == 201 and made["created_by"] == "vera"


async def test_users_see_who_minted_their_tokens_and_revoke_them(admin, viewer, jp_fetch):
    minted = await mint(admin, "vera", ["read:contents"])
    browser = await browser_of(viewer, jp_fetch)
    status, listed = await browser.api("GET", *RBAC, "users", "vera", "tokens")
    assert status == 200
    by_note = {token["id"]: token["created_by"] for token in listed["items"]}
    assert sorted(by_note.values()) == ["admin", "system"]  # the fixture's own token: the system's
    planted = next(token_id for token_id, maker in by_note.items() if maker == "admin")
    status, _ = await browser.api("DELETE", *RBAC, "users", "vera", "tokens", str(planted))
    assert status == 204
    assert (await minted.get("api", "contents"))[0] == 403


async def test_the_audit_names_who_minted_a_token_for_whom(admin, make_user):
    await admin.post(*RBAC, "roles", body={**PARTIAL_ADMIN, "users": []})
    pam = make_user("pam", roles=[PARTIAL_ADMIN["name"]])
    await mint(pam, "admin", ["read:contents"])
    status, trail = await admin.get(
        *RBAC, "audit", params={"action": "token.create", "actor": "pam"}
    )
    assert status == 200
    [event] = trail["items"]
    assert event["target"] == "admin" and event["detail"]["scopes"] == ["read:contents"]


# -- tokens from before makers were recorded ------------------------------------------------------


def test_older_tokens_take_their_maker_from_the_audit_trail(db_url):
    """Migration 0004: the trail's `token.create` names who made each token; a token it does not
    name counts as someone else's (it works, but changes no credentials)."""
    engine = open_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO rbac_users (name, display_name, created_at) VALUES ('ann', '', CURRENT_TIMESTAMP)"
            )
        )
        for token_id, maker in ((1, "ann"), (2, "pam"), (3, None)):
            connection.execute(
                text(
                    "INSERT INTO rbac_tokens (id, user_id, hashed, prefix, note, one_time, created_at)"
                    " VALUES (:id, 1, :hashed, 'xxxx', '', false, CURRENT_TIMESTAMP)"
                ),
                {"id": token_id, "hashed": f"h{token_id}"},
            )
            if maker:
                connection.execute(
                    text(
                        "INSERT INTO rbac_audit (at, actor, action, target, detail)"
                        " VALUES (CURRENT_TIMESTAMP, :actor, 'token.create', 'ann', :detail)"
                    ),
                    {"actor": maker, "detail": f'{{"id": {token_id}, "scopes": null}}'},
                )
    engine.dispose()
    store = Store.open(db_url)
    try:
        makers = {token.id: token.created_by for token in store.list_tokens("ann")}
    finally:
        store.close()
    assert makers == {1: "ann", 2: "pam", 3: None}


def test_who_made_a_token_decides_its_credential():
    from jupyter_rbac.store import TokenIdentity

    def kind(maker, scopes=None):
        return classify_token(TokenIdentity(1, "ann", scopes, False, None, maker)).kind

    assert kind("ann") is Kind.OWN_TOKEN
    assert kind("system") is kind("cli:root") is Kind.OWN_TOKEN  # the server, the shell's owner
    assert kind("ann", ("read:contents",)) is Kind.LIMITED_TOKEN
    assert kind("pam") is kind("pam", ("read:contents",)) is kind(None) is Kind.MINTED_TOKEN


# -- the generated walk -----------------------------------------------------------------------------

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# What any credential may read: who you are (shown within the token's scopes) and the scope catalog.
OPEN_READS = {
    ("GET", "/api/rbac/me"),
    ("GET", "/api/rbac/scopes"),
    ("GET", "/api/rbac/scopes/parts"),
}
# The query an operation cannot be asked without.
QUERIES = {
    ("GET", "/api/rbac/scopes/parts"): {"scope": "all"},
    ("GET", "/api/rbac/shares/access"): {"path": "planted"},
}
# An existing object for each kind of `{name}`, so a refusal is not a 404 for a missing one.
EXISTING = {"roles": "viewer", "users": "admin", "groups": "developer"}
# A request body an unlimited administrator's credential would succeed with, per body schema.
BODIES: dict[str, Any] = {
    "ProfilePatch": {"display_name": "Taken Over"},
    "PasswordChange": {"new_password": "correct horse battery"},
    "RoleCreate": {"name": "planted", "scopes": ["all"]},
    "RoleReplace": {"name": "viewer", "scopes": ["all"]},
    "RolePatch": {"scopes": ["all"]},
    "UserCreate": {"name": "planted", "roles": ["admin"]},
    "UserPatch": {"display_name": "Taken Over", "roles": ["admin", "viewer"]},
    "GroupCreate": {"name": "planted", "roles": ["admin"]},
    "GroupPatch": {"roles": ["admin"]},
    "LabDefaultsRequest": {"settings": {"pageSize": 20}},
    "TokenCreate": {"note": "planted", "scopes": None},
    "CheckRequest": {"user": "admin", "action": "read", "resource": "contents"},
    "InvitationCreate": {"username": "planted", "roles": ["admin"]},
    "InvitationPreview": {"username": "planted", "roles": ["admin"]},
    "ShareCreate": {"path": "planted", "user": "sue", "role": "admin"},
    "SharePatch": {"role": "admin"},
}


def _template(pattern: str) -> str:
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)


def served_operations() -> list[tuple[str, str]]:
    """(METHOD, path template) of every method every /api/rbac handler answers."""
    return sorted(
        (method, _template(pattern))
        for pattern, handler in HANDLERS
        for method in HTTP_METHODS
        if getattr(handler, method.lower()) is not getattr(web.RequestHandler, method.lower())
    )


def body_schema(method: str, template: str) -> str | None:
    operation = load_spec()["paths"][template][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    return content["schema"]["$ref"].rsplit("/", 1)[1]


def concrete(template: str, ids: dict[str, str]) -> list[str]:
    parts = []
    for part in template.strip("/").split("/")[2:]:  # below /api/rbac
        if part == "{name}":
            part = EXISTING[parts[-1]]
        elif part.startswith("{"):
            part = ids[part.strip("{}")]
        parts.append(part)
    return parts


@pytest.fixture
def partial_admin(admin, make_user):
    async def make() -> Client:
        await admin.post(*RBAC, "roles", body={**PARTIAL_ADMIN, "users": []})
        return make_user("pam", roles=[PARTIAL_ADMIN["name"]])

    return make


@pytest.mark.parametrize("minted_by", ["the administrator", "a partial administrator"])
async def test_an_administrators_read_contents_token_does_only_that_on_every_route(
    admin, partial_admin, rbac, jp_base_url, jp_root_dir, minted_by
):
    maker = admin if minted_by == "the administrator" else await partial_admin()
    limited = await mint(maker, "admin", ["read:contents"])
    status, invitation = await admin.post(*RBAC, "invitations", body={"username": "ivan"})
    assert status == 201
    (jp_root_dir / "planted").mkdir()
    rbac.store.create_user("sue")
    status, share = await admin.post(
        *RBAC, "shares", body={"path": "planted", "user": "sue", "role": "viewer"}
    )
    assert status == 201, share
    ids = {
        "share_id": str(share["id"]),
        "token_id": str(rbac.store.list_tokens("admin")[0].id),
        "invitation_id": str(invitation["id"]),
        "plugin": "jupyter-rbac:plugin",
        "workspace": "default",
    }
    before = database_state(rbac)
    operations = served_operations()
    assert len(operations) >= 30, operations  # the whole API, not a part of it
    for method, template in operations:
        schema = body_schema(method, template)
        assert schema is None or schema in BODIES, f"{method} {template}: add a body for {schema}"
        body = BODIES.get(schema) if schema else None
        parts = concrete(template, ids)
        params = QUERIES.get((method, template))
        status, payload = await limited.request(method, *RBAC, *parts, body=body, params=params)
        url = f"{jp_base_url}api/rbac/{'/'.join(parts)}"
        validate_response(method, url, status, payload, base_url=jp_base_url)  # as documented
        where = f"{method} {template}: {status} {payload!r}"
        if (method, template) in OPEN_READS:
            assert status == 200, where
        elif status == 403:
            assert (
                payload.get("missing_scope")
                or CREDENTIAL_MESSAGE in payload["message"]
                or MINTING_MESSAGE in payload["message"]
            ), where
        else:
            assert status == 404, where  # hidden, as a missing thing is
        assert database_state(rbac) == before, f"{where}: changed the policy or an account"
