"""jupyter-rbac inside a real JupyterHub (installed from PyPI): DummyAuthenticator, the local
process spawner and configurable-http-proxy on loopback. alice's single-user server runs
jupyter-rbac; carol is let in by a Hub role and gets her rights from our policy through her Hub
group; bob comes through a Hub share."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from .support.kernel_messages import execute_request

pytestmark = [pytest.mark.slow, pytest.mark.hub]  # a real Hub, its proxy and single-user servers

HERE = Path(__file__).parent / "support" / "hub"
NODE_BIN = Path(__file__).parents[1] / "node_modules" / ".bin"
START_TIMEOUT = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(method: str, url: str, token: str | None = None, body=None, opener=None):
    """(status, JSON or text), redirects not followed."""
    headers = {"Authorization": f"token {token}"} if token else {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with (opener or urllib.request.build_opener(NoRedirect)).open(
            request, timeout=30
        ) as response:
            status, raw, response_headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, response_headers = error.code, error.read(), error.headers
    text = raw.decode(errors="replace")
    try:
        return status, json.loads(text) if text else None, response_headers
    except ValueError:
        return status, text, response_headers


class Hub:
    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.token = secrets.token_hex(32)
        ports = {name: free_port() for name in ("hub", "proxy", "api")}
        self.public = f"http://127.0.0.1:{ports['proxy']}"
        self.api = f"{self.public}/hub/api"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("JUPYTERHUB_", "JPY_"))
        }
        env.update(
            RBAC_HUB_DIR=str(run_dir),
            RBAC_HUB_PORT=str(ports["hub"]),
            RBAC_PROXY_PORT=str(ports["proxy"]),
            RBAC_PROXY_API_PORT=str(ports["api"]),
            RBAC_HUB_SERVICE_TOKEN=self.token,
            PATH=f"{Path(sys.executable).parent}:{NODE_BIN}:{env.get('PATH', '')}",
            JUPYTER_CONFIG_DIR=str(run_dir / "jupyter-config"),
            JUPYTER_DATA_DIR=str(run_dir / "jupyter-data"),
            JUPYTER_RUNTIME_DIR=str(run_dir / "jupyter-runtime"),
        )
        self.env = env
        self.log = run_dir / "hub.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(HERE / "jupyterhub_config.py")],
                cwd=run_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # the hub, the proxy and the servers: one group to stop
            )
        self._wait(lambda: self.hub("GET", "/")[0] == 200, "the hub")

    def hub(self, method: str, path: str, body=None, token: str | None = None):
        status, payload, _ = call(method, self.api + path, token or self.token, body)
        return status, payload

    def _wait(self, ready, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited:\n{self.tail()}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.2)  # polling processes that start, not a page
        raise RuntimeError(f"{what} was not ready in {START_TIMEOUT} s:\n{self.tail()}")

    def start_server(self, user: str) -> str:
        status, _ = self.hub("POST", f"/users/{user}/server")
        assert status in (201, 202), status

        def ready():
            server = (self.hub("GET", f"/users/{user}")[1] or {}).get("servers", {}).get("")
            return bool(server and server.get("ready"))

        self._wait(ready, f"{user}'s server")
        return f"{self.public}/user/{user}"

    def token_for(self, user: str, scopes: list[str] | None = None) -> str:
        return self.new_token(user, scopes)["token"]

    def new_token(self, user: str, scopes: list[str] | None = None) -> dict:
        body = {"note": "test"} if scopes is None else {"note": "test", "scopes": scopes}
        status, token = self.hub("POST", f"/users/{user}/tokens", body)
        assert status == 201, token
        return token

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)  # the hub stops the proxy and the servers
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def rbac_cli(hub: Hub, *args: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_rbac.cli",
            "--db-url",
            f"sqlite:///{hub.run_dir / 'rbac.sqlite'}",
            *args,
        ],
        env=hub.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # its stderr goes into the assertion below
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("hub")
    for folder in ("jupyter-config", "jupyter-data", "jupyter-runtime", "home"):
        (run_dir / folder).mkdir()
    hub = None
    try:
        hub = Hub(run_dir)
        for user in ("alice", "bob", "carol", "dave", "eve", "frank"):
            assert hub.hub("POST", f"/users/{user}")[0] in (201, 409)
        # Our policy on alice's server, made before it starts: Hub group `reviewers` gets a role.
        rbac_cli(
            hub,
            "roles",
            "create",
            "reviewer",
            "--scope",
            "read:contents",
            "--scope",
            "write:contents!path=reviews/**",
        )
        rbac_cli(hub, "groups", "create", "reviewers")
        rbac_cli(hub, "grant", "reviewer", "--group", "reviewers")
        hub.server = hub.start_server("alice")
        yield hub
    except Exception:
        if hub is not None:
            print(hub.tail())
        raise
    finally:
        if hub is not None:
            hub.stop()


FILE = {"type": "file", "format": "text", "content": "hello"}


def test_the_owner_administers_their_server(hub):
    token = hub.token_for("alice")
    status, me, _ = call("GET", f"{hub.server}/api/rbac/me", token)
    assert status == 200, me
    assert me["name"] == "alice" and me["role_sources"]["admin"] == ["direct", "hub"]
    assert call("PUT", f"{hub.server}/api/contents/alice.txt", token, FILE)[0] == 201
    # on an empty policy, the first administrator is the owner, not the OS user
    assert "admin" in json.loads(rbac_cli(hub, "users", "show", "alice", "--json"))["roles"]


def test_a_hub_group_gets_the_role_our_policy_gives_it(hub):
    token = hub.token_for("carol")
    status, me, _ = call("GET", f"{hub.server}/api/rbac/me", token)
    assert status == 200, me
    assert me["groups"] == ["analyst", "reviewers"] and me["role_sources"]["reviewer"] == [
        "group:reviewers"
    ]
    assert "viewer" not in me["roles"]  # she holds a role of ours: no visitor role
    # her Hub group `analyst` is named like a group jupyter-rbac ships: it gives nothing here
    assert set(me["role_sources"]) == {"user", "reviewer"}, me["role_sources"]
    assert call("GET", f"{hub.server}/api/contents", token)[0] == 200
    assert call("PUT", f"{hub.server}/api/contents/reviews", token, {"type": "directory"})[0] == 201
    assert call("PUT", f"{hub.server}/api/contents/reviews/r.txt", token, FILE)[0] == 201
    status, refused, _ = call("PUT", f"{hub.server}/api/contents/carol.txt", token, FILE)
    assert status == 403 and refused["missing_scope"] == "write:contents!path=carol.txt"


def test_a_share_gives_its_scopes_to_api_tokens(hub):
    before = hub.token_for("bob")
    assert call("GET", f"{hub.server}/api/contents", before)[0] == 403  # not let in by the Hub
    status, share = hub.hub(
        "POST",
        "/shares/alice/",
        {
            "user": "bob",
            "scopes": [
                "access:servers!server=alice/",
                "custom:jupyter_server:read:*!server=alice/",
            ],
        },
    )
    assert status == 200, share
    try:
        token = hub.token_for("bob")
        status, me, _ = call("GET", f"{hub.server}/api/rbac/me", token)
        assert status == 200, me
        assert (
            "read:*" in me["scopes"] and "viewer" not in me["roles"]
        )  # read, on every server resource
        assert call("GET", f"{hub.server}/api/contents/alice.txt", token)[0] == 200
        status, refused, _ = call("PUT", f"{hub.server}/api/contents/bob.txt", token, FILE)
        assert status == 403 and refused["missing_scope"].startswith("write:contents")
        # the browser: the Hub gives a share's custom scopes to API tokens only; bob arrives
        # with access:servers and gets the visitor role
        browser = BrowserAtHub(hub, "bob")
        status, me = browser.get_json(f"{hub.server}/api/rbac/me")
        assert status == 200, me
        assert me["role_sources"]["viewer"] == ["hub"]
        assert browser.get_json(f"{hub.server}/api/contents/alice.txt")[0] == 200
    finally:
        assert hub.hub("DELETE", "/shares/alice/")[0] == 204
    after = hub.token_for("bob")
    assert call("GET", f"{hub.server}/api/contents", after)[0] == 403


def test_the_owner_signs_in_through_the_hub_in_a_browser(hub):
    browser = BrowserAtHub(hub, "alice")
    status, me = browser.get_json(f"{hub.server}/api/me")
    assert status == 200 and me["identity"]["username"] == "alice"


def test_custom_scopes_for_another_server_grant_nothing(hub):
    """carol's Hub token carries custom:jupyter_server:execute:*!user=carol (her own servers):
    on alice's server only our policy counts."""
    token = hub.token_for("carol")
    status, me, _ = call("GET", f"{hub.server}/api/rbac/me", token)
    assert status == 200
    assert not any(scope.startswith("execute:") for scope in me["scopes"])


class BrowserAtHub:
    """A browser: signs in at the Hub's login page, then follows the server's OAuth flow."""

    def __init__(self, hub: Hub, username: str):
        jar = self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )
        page = self._request("GET", f"{hub.public}/hub/login")
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page[2]).group(1)
        self._request(
            "POST",
            f"{hub.public}/hub/login",
            {"username": username, "password": "any", "_xsrf": xsrf},
        )
        url = f"{hub.server}/lab"
        for _ in range(12):
            status, headers, html = self._request("GET", url)
            if status in (301, 302, 303, 307):
                url = urllib.parse.urljoin(url, headers["Location"])
                continue
            if status == 200 and "/oauth2/authorize" in url and 'name="scopes"' in html:
                xsrf = re.search(r'name="_xsrf" value="([^"]+)"', html).group(1)
                scopes = re.findall(r'name="scopes" value="([^"]*)"', html)
                status, headers, html = self._request(
                    "POST", url, {"_xsrf": xsrf, "scopes": scopes}
                )
                if status in (301, 302, 303, 307):
                    url = urllib.parse.urljoin(url, headers["Location"])
                    continue
            break
        assert status == 200, (status, url, html[:500])

    def _request(self, method: str, url: str, form: dict | None = None):
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        request = urllib.request.Request(
            url, data=data, method=method, headers={"Sec-Fetch-Mode": "navigate"}
        )
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        status = getattr(response, "status", None) or response.code
        return status, response.headers, response.read().decode(errors="replace")

    def get_json(self, url: str):
        return self.api("GET", url)

    def api(self, method: str, url: str, body=None):
        """A request of the page's scripts: JSON, with the XSRF cookie's token."""
        path = urllib.parse.urlparse(url).path  # the Hub and each server set their own
        xsrf = max(
            (c for c in self.jar if c.name == "_xsrf" and path.startswith(c.path)),
            key=lambda c: len(c.path),
        ).value
        data = json.dumps(body).encode() if body is not None else None
        headers = {"X-XSRFToken": xsrf, "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        status = getattr(response, "status", None) or response.code
        text = response.read().decode(errors="replace")
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text


# -- the second review: what a visitor and a limited token may do, and how long a revocation takes


@contextlib.contextmanager
def shared(hub: Hub, owner: str, user: str, *actions: str):
    """`owner` shares their server with `user`, with custom:jupyter_server:{action}:* for each."""
    scopes = [f"access:servers!server={owner}/"] + [
        f"custom:jupyter_server:{a}:*!server={owner}/" for a in actions
    ]
    status, share = hub.hub("POST", f"/shares/{owner}/", {"user": user, "scopes": scopes})
    assert status == 200, share
    try:
        yield
    finally:
        unshare(hub, owner, user)


def unshare(hub: Hub, owner: str, user: str) -> None:
    _, shares = hub.hub("GET", f"/shares/{owner}/")
    for share in (shares or {}).get("items", []):
        if (share.get("user") or {}).get("name") == user:
            hub.hub("DELETE", f"/shares/{owner}/", {"user": user})


def start_kernel(hub: Hub, token: str, server: str | None = None):
    return call("POST", f"{server or hub.server}/api/kernels", token, {"name": "python3"})[:2]


def kernel_channels(hub: Hub, token: str, kernel_id: str, server: str | None = None):
    url = f"{server or hub.server}/api/kernels/{kernel_id}/channels".replace("http://", "ws://", 1)
    request = HTTPRequest(url, headers={"Authorization": f"token {token}"})
    return websocket_connect(request)


async def run_code(connection, code: str) -> str:
    """What `code` prints, run over the kernel's channels."""
    request = json.loads(execute_request(code))
    await connection.write_message(json.dumps(request))
    printed = []
    while True:
        raw = await asyncio.wait_for(connection.read_message(), 60)
        assert raw is not None, f"closed: {connection.close_code} {connection.close_reason}"
        message = json.loads(raw)
        if message["parent_header"].get("msg_id") != request["header"]["msg_id"]:
            continue
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        if message["msg_type"] == "error":
            raise AssertionError(message["content"])
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return "".join(printed)


def test_a_hub_group_named_like_a_shipped_group_gives_a_visitor_nothing(hub):
    """bob is in the Hub's `analyst` group (as Nebari puts everyone in one) and alice shares her
    server with him to read: he reads, and runs and writes nothing."""
    with shared(hub, "alice", "bob", "read"):
        token = hub.token_for("bob")
        status, me, _ = call("GET", f"{hub.server}/api/rbac/me", token)
        assert status == 200, me
        assert not any(
            source.startswith("group:")
            for sources in me["role_sources"].values()
            for source in sources
        )
        assert call("GET", f"{hub.server}/api/contents", token)[0] == 200
        status, refused = start_kernel(hub, token)
        assert status == 403 and refused["missing_scope"].startswith("execute:kernels"), refused
        assert call("PUT", f"{hub.server}/api/contents/bob.txt", token, FILE)[0] == 403
        # in a browser (no custom scopes reach it): the visitor role, not the group's
        status, me = BrowserAtHub(hub, "bob").get_json(f"{hub.server}/api/rbac/me")
        assert status == 200 and me["role_sources"] == {"user": ["everyone"], "viewer": ["hub"]}, me


@pytest.mark.parametrize(
    "scopes",
    [
        ["access:servers!server=alice/", "custom:jupyter_server:read:*!server=alice/"],
        ["access:servers!server=alice/"],
    ],
    ids=["read-only", "access-only"],
)
def test_a_token_the_owner_limited_does_only_what_its_scopes_say(hub, scopes):
    token = hub.token_for("alice", scopes)
    reads = call("GET", f"{hub.server}/api/contents", token)[0]
    assert reads == (200 if len(scopes) == 2 else 403)
    assert call("PUT", f"{hub.server}/api/contents/limited.txt", token, FILE)[0] == 403
    assert start_kernel(hub, token)[0] == 403
    role = {"name": "made-by-a-limited-token", "scopes": ["read:contents"]}
    assert call("POST", f"{hub.server}/api/rbac/roles", token, role)[0] == 403
    # her own unlimited token still administers the server
    status, made, _ = call("POST", f"{hub.server}/api/rbac/roles", hub.token_for("alice"), role)
    assert status == 201, made
    assert (
        call("DELETE", f"{hub.server}/api/rbac/roles/{role['name']}", hub.token_for("alice"))[0]
        == 204
    )


def test_starting_a_kernel_needs_execute_and_a_visitors_kernel_holds_no_hub_token(hub):
    with shared(hub, "alice", "bob", "write"):
        status, refused = start_kernel(hub, hub.token_for("bob"))
        assert status == 403 and refused["missing_scope"].startswith("execute:kernels"), refused
    code = "import os; print(os.environ.get('JUPYTERHUB_API_TOKEN', 'none'), os.environ.get('JPY_API_TOKEN', 'none'))"
    with shared(hub, "alice", "bob", "execute"):
        bob = hub.token_for("bob")
        status, kernel = start_kernel(hub, bob)
        assert status == 201, kernel
        printed = asyncio.run(_run_once(hub, bob, kernel["id"], code))
        assert printed.split() == ["none", "none"]
    alice = hub.token_for("alice")
    status, kernel = start_kernel(hub, alice)
    assert status == 201, kernel
    assert (
        "none" not in asyncio.run(_run_once(hub, alice, kernel["id"], code)).split()
    )  # hers to use


async def _run_once(hub: Hub, token: str, kernel_id: str, code: str) -> str:
    connection = await kernel_channels(hub, token, kernel_id)
    try:
        return await run_code(connection, code)
    finally:
        connection.close()


async def _closes(connection, timeout: float = 20) -> tuple[int | None, str | None]:
    """Read until the server closes the connection (a kernel sends nothing unasked)."""
    while (await asyncio.wait_for(connection.read_message(), timeout)) is not None:
        pass
    return connection.close_code, connection.close_reason


@pytest.mark.parametrize("withdrawal", ["share deleted", "token revoked", "user deleted"])
def test_an_open_kernel_connection_closes_when_the_hub_withdraws_access(hub, withdrawal):
    visitor = "eve" if withdrawal == "user deleted" else "bob"
    assert hub.hub("POST", f"/users/{visitor}")[0] in (201, 409)
    with shared(hub, "alice", visitor, "execute"):
        token = hub.new_token(visitor)
        status, kernel = start_kernel(hub, token["token"])
        assert status == 201, kernel

        async def scenario():
            connection = await kernel_channels(hub, token["token"], kernel["id"])
            try:
                assert (await run_code(connection, "print(1 + 1)")).strip() == "2"
                if withdrawal == "share deleted":
                    unshare(hub, "alice", visitor)
                elif withdrawal == "token revoked":
                    assert hub.hub("DELETE", f"/users/{visitor}/tokens/{token['id']}")[0] == 204
                else:
                    assert hub.hub("DELETE", f"/users/{visitor}")[0] == 204
                return await _closes(connection)
            finally:
                connection.close()

        code, _reason = asyncio.run(scenario())
        assert code == 1008


def test_revoking_a_share_takes_effect_over_http_within_the_default_30_seconds(hub):
    """dave's server keeps jupyter-rbac's default (`c.RBAC.hub_cache_seconds`, 30 s; the Hub's
    own default is 300 s)."""
    server = hub.start_server("dave")
    with shared(hub, "dave", "bob", "read"):
        token = hub.token_for("bob")
        assert (
            call("GET", f"{server}/api/contents", token)[0] == 200
        )  # the Hub's answer is remembered now
        asked = time.monotonic()
    deadline = asked + 35
    while call("GET", f"{server}/api/contents", token)[0] == 200:
        assert time.monotonic() < deadline, "the revoked share still reads after 35 s"
        time.sleep(1)  # polling for a revocation, not a measurement of speed


def test_a_group_filtered_hub_scope_grants_exactly_that_scope(hub):
    """frank's Hub role: custom:jupyter_server:read:contents!group=team, and alice is in `team`."""
    token = hub.token_for("frank")
    status, me, _ = call("GET", f"{hub.server}/api/rbac/me", token)
    assert status == 200, me
    assert call("GET", f"{hub.server}/api/contents", token)[0] == 200
    for path in (
        "/api/kernels",
        "/api/kernelspecs",
        "/api/sessions",
        "/api/config/notebook",
        "/lab/api/settings",
    ):
        assert call("GET", f"{hub.server}{path}", token)[0] == 403, path
    assert "viewer" not in me["roles"]


# -- the third review (an outside attacker, told only the promises)


def test_a_visitors_api_token_without_scopes_for_this_server_does_nothing(hub):
    """Whatever roles our policy gives bob, a Hub API token of his that carries no custom scope
    for alice's server (made for the Hub's API, or for another server) does nothing here."""
    rbac_cli(hub, "grant", "editor", "--user", "bob")
    try:
        with shared(hub, "alice", "bob", "read"):
            for scopes in (
                ["access:servers!server=alice/"],
                ["access:servers!server=alice/", "custom:jupyter_server:execute:*!server=bob/"],
            ):
                token = hub.token_for("bob", scopes)
                assert call("GET", f"{hub.server}/api/contents", token)[0] == 403, scopes
                assert call("PUT", f"{hub.server}/api/contents/bob.txt", token, FILE)[0] == 403, (
                    scopes
                )
                assert start_kernel(hub, token)[0] == 403, scopes
            # with the share's scopes, the share is his ceiling, editor or not
            token = hub.token_for("bob")
            assert call("PUT", f"{hub.server}/api/contents/bob.txt", token, FILE)[0] == 403
            status, listing, _ = call("GET", f"{hub.server}/api/contents", token)
            assert status == 200 and listing["type"] == "directory", listing
            assert "bob.txt" not in [entry["name"] for entry in listing["content"]]  # not written
    finally:
        rbac_cli(hub, "revoke", "editor", "--user", "bob")


def test_no_page_carries_the_servers_hub_token(hub):
    with shared(hub, "alice", "bob"):
        status, page, _ = call("GET", f"{hub.server}/no-such-page", hub.token_for("bob"))
    assert status == 404 and "data-jupyter-api-token" not in page


def test_only_the_owners_browser_changes_her_account(hub):
    for token in (hub.token_for("alice", ["access:servers!server=alice/"]), hub.token_for("alice")):
        status, refused, _ = call(
            "PATCH", f"{hub.server}/api/rbac/me", token, {"display_name": "Hijacked"}
        )
        assert status == 403, refused
        password = {"current_password": "", "new_password": "a-long-password-1"}
        assert call("PUT", f"{hub.server}/api/rbac/me/password", token, password)[0] == 403
        assert call("DELETE", f"{hub.server}/api/rbac/me/sessions", token)[0] == 403
    browser = BrowserAtHub(hub, "alice")
    status, me = browser.api("PATCH", f"{hub.server}/api/rbac/me", {"display_name": "Alice A."})
    assert status == 200 and me["name"] == "alice", me


def test_a_browser_the_hub_limits_changes_no_account(hub):
    """carol's browser carries the Hub's write:* for alice's server (her Hub role): that is her
    ceiling there, so her sign-in is a limited credential on every route, the account's own
    routes included (they need no scope, so the guard works out no Hub grants before them)."""
    browser = BrowserAtHub(hub, "carol")
    status, me = browser.get_json(f"{hub.server}/api/rbac/me")
    assert status == 200 and me["name"] == "carol", me
    status, refused = browser.api("PATCH", f"{hub.server}/api/rbac/me", {"display_name": "C."})
    assert status == 403 and "a token limited to some scopes" in refused["message"], refused
    status, refused = browser.api("DELETE", f"{hub.server}/api/rbac/me/sessions")
    assert status == 403 and "a token limited to some scopes" in refused["message"], refused
    status, me = browser.get_json(f"{hub.server}/api/rbac/me")
    assert me["display_name"] != "C.", me


def test_a_kernel_type_nobody_has_is_bad_input_under_the_hub(hub):
    status, refused, _ = call(
        "POST", f"{hub.server}/api/kernels", hub.token_for("alice"), {"name": "nosuch"}
    )
    assert status == 400 and "nosuch" in refused["message"], refused
