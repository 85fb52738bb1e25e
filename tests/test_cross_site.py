"""Cross-site requests: a page on another site, riding a signed-in browser's cookie, can change
nothing through /api/rbac, as jupyter_server refuses it for its own API: without the XSRF token,
or from another origin. And jupyter-rbac's handlers start without jupyter_server's warnings about
unauthenticated endpoints."""

from __future__ import annotations

import json

import pytest
from jupyter_server.utils import JupyterServerAuthWarning
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from jupyter_rbac.handlers import HANDLERS

from .support.browser_session import BrowserSession

pytestmark = pytest.mark.slow  # a server for each test: outside the fast subset

EVIL = "http://evil.example"

# One write of each kind, as a browser of the administrator would send it.
WRITES = [
    ("POST", ("roles",), {"name": "stolen", "scopes": ["all"]}),
    ("PATCH", ("roles", "viewer"), {"scopes": ["all"]}),
    ("DELETE", ("roles", "runner"), None),
    ("POST", ("users",), {"name": "mallory", "roles": ["admin"]}),
    ("PATCH", ("users", "vera"), {"roles": ["admin"]}),
    ("DELETE", ("users", "vera"), None),
    ("POST", ("users", "admin", "tokens"), {"note": "for mallory"}),
    ("POST", ("groups",), {"name": "evil", "members": ["vera"], "roles": ["admin"]}),
    ("PATCH", ("groups", "admin"), {"members": ["admin", "vera"]}),
    ("POST", ("invitations",), {"username": "mallory", "roles": ["admin"]}),
    ("PATCH", ("me",), {"display_name": "pwned"}),
    ("PUT", ("me", "password"), {"new_password": "mallory-knows-this"}),
    ("DELETE", ("me", "sessions"), None),
    ("POST", ("check",), {"user": "vera", "action": "read", "resource": "contents"}),
]


@pytest.fixture
def sign_in(jp_fetch, admin, viewer):
    """sign_in() -> the administrator's browser, signed in through the login page."""

    async def signed_in() -> BrowserSession:
        browser = BrowserSession(jp_fetch)
        response = await browser.submit(
            ("login",), ("login",), {"username": "admin", "password": admin.token}
        )
        assert response.code == 302 and "_xsrf" in browser.cookies, response.code
        return browser

    return signed_in


# When a user was last seen, a token last used: use, not policy (the requests themselves write it).
ACTIVITY = ("last_seen_at", "last_used_at")


def _without_activity(value):
    if isinstance(value, dict):
        return {k: _without_activity(v) for k, v in value.items() if k not in ACTIVITY}
    if isinstance(value, list):
        return [_without_activity(item) for item in value]
    return value


async def policy_state(admin) -> str:
    parts = []
    for listing in ("roles", "users", "groups", "invitations"):
        status, body = await admin.get("api", "rbac", listing)
        assert status == 200
        parts.append(json.dumps(_without_activity(body), sort_keys=True))
    _, me = await admin.get("api", "rbac", "me")
    _, tokens = await admin.get("api", "rbac", "users", "admin", "tokens")
    return "\n".join([*parts, json.dumps(me, sort_keys=True), str(len(tokens["items"]))])


@pytest.mark.parametrize(
    "method,path,body", WRITES, ids=[f"{m} {'/'.join(p)}" for m, p, _ in WRITES]
)
async def test_a_write_without_the_xsrf_token_is_refused_and_changes_nothing(
    sign_in, admin, method, path, body
):
    admin_browser = await sign_in()
    before = await policy_state(admin)
    data = json.dumps(body) if body is not None else None
    response = await admin_browser.request(
        method, "api", "rbac", *path, body=data
    )  # cookie, no X-XSRFToken
    assert response.code == 403, (response.code, response.body)
    assert b"_xsrf" in response.body  # tornado: "'_xsrf' argument missing"
    assert await policy_state(admin) == before


@pytest.mark.parametrize(
    "method,path,body", WRITES, ids=[f"{m} {'/'.join(p)}" for m, p, _ in WRITES]
)
async def test_a_write_from_another_origin_is_refused_and_changes_nothing(
    sign_in, admin, method, path, body
):
    admin_browser = await sign_in()
    before = await policy_state(admin)
    data = json.dumps(body) if body is not None else None
    headers = {"X-XSRFToken": admin_browser.cookies["_xsrf"], "Origin": EVIL}
    response = await admin_browser.request(method, "api", "rbac", *path, body=data, headers=headers)
    assert response.code == 404, (response.code, response.body)  # jupyter_server: as if not there
    assert "Access-Control-Allow-Origin" not in response.headers
    assert await policy_state(admin) == before


async def test_the_same_write_with_the_token_from_this_site_goes_through(sign_in, admin):
    admin_browser = await sign_in()
    status, role = await admin_browser.api(
        "POST", "api", "rbac", "roles", body={"name": "fine", "scopes": ["read:lab"]}
    )
    assert status == 201 and role["name"] == "fine"


async def test_a_preflight_from_another_origin_is_not_allowed(sign_in):
    admin_browser = await sign_in()
    response = await admin_browser.request(
        "OPTIONS",
        "api",
        "rbac",
        "roles",
        headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_the_collaborators_stream_refuses_another_origin(sign_in, jp_http_port, jp_base_url):
    admin_browser = await sign_in()
    cookie = "; ".join(f"{k}={v}" for k, v in admin_browser.cookies.items())
    # the host jp_fetch uses: the login cookie is named after it
    url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}api/rbac/collaborators/stream"
    with pytest.raises(HTTPClientError) as refused:
        await websocket_connect(HTTPRequest(url, headers={"Cookie": cookie, "Origin": EVIL}))
    assert refused.value.code == 403
    # the control: the same, from the server's own origin, as JupyterLab's page opens it
    own_origin = f"http://127.0.0.1:{jp_http_port}"
    same_site = await websocket_connect(
        HTTPRequest(url, headers={"Cookie": cookie, "Origin": own_origin})
    )
    assert json.loads(await same_site.read_message())["collaborators"]
    same_site.close()


@pytest.fixture
def auth_warnings(recwarn):
    """Started after `recwarn`: the warnings jupyter_server gives while the server starts."""
    return recwarn


async def test_our_handlers_start_without_unauthenticated_endpoint_warnings(
    auth_warnings, jp_serverapp
):
    ours = {handler.__name__ for _, handler in HANDLERS}
    warned = [
        str(w.message) for w in auth_warnings if issubclass(w.category, JupyterServerAuthWarning)
    ]
    assert not any(name in text for text in warned for name in ours), warned
    assert jp_serverapp.allow_unauthenticated_access is False


def set_cookies(response) -> dict[str, str]:
    """The Set-Cookie headers of a response, by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("Set-Cookie")}


async def test_the_session_and_xsrf_cookies_are_same_site_lax(jp_fetch, admin):
    browser = BrowserSession(jp_fetch)
    page = await browser.get("login")
    response = await browser.submit(
        ("login",), ("login",), {"username": "admin", "password": admin.token}
    )
    assert response.code == 302
    cookies = {**set_cookies(page), **set_cookies(response)}
    session = next(value for name, value in cookies.items() if name.startswith("username-"))
    assert "SameSite=Lax" in session and "HttpOnly" in session
    assert "SameSite=Lax" in cookies["_xsrf"]


class TestStrict:
    @pytest.fixture
    def rbac_config(self):
        return {"cookie_samesite": "Strict"}

    async def test_the_same_site_attribute_is_configurable(self, jp_fetch, admin):
        browser = BrowserSession(jp_fetch)
        response = await browser.submit(
            ("login",), ("login",), {"username": "admin", "password": admin.token}
        )
        session = next(
            value for name, value in set_cookies(response).items() if name.startswith("username-")
        )
        assert "SameSite=Strict" in session
