"""An OpenID Connect issuer (tests/support/openid_issuer.py) run as a process on loopback and
steered by the tests, the server's config to sign in at it, and a browser's sign-in through it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient

from .browser_session import BrowserSession

CLIENT_ID, CLIENT_SECRET = "jupyter", "s3cret-of-the-client"
ISSUER_SCRIPT = Path(__file__).with_name("openid_issuer.py")  # run as its own process


class IssuerProcess:
    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/realms/nebari"
        self.roles_url = f"{self.base}/admin/realms/nebari/clients/0b6b8c84-jupyter-rbac/roles?briefRepresentation=false"
        self.process = subprocess.Popen(
            [sys.executable, str(ISSUER_SCRIPT), str(self.port), CLIENT_ID, CLIENT_SECRET],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def steer(self, what: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.base}/test/{what}", data=json.dumps(body or {}).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def counters(self) -> dict:
        with urllib.request.urlopen(f"{self.base}/test/counters", timeout=10) as response:
            return json.loads(response.read())

    def user(self, username: str, groups=(), client_roles=(), **claims) -> None:
        claims = {
            "groups": list(groups),
            "resource_access": {CLIENT_ID: {"roles": list(client_roles)}},
            **claims,
        }
        self.steer("user", {"name": username, "claims": claims})

    def token(self, username: str, **claims) -> str:
        return self.steer("mint", {"name": username, "claims": claims})["token"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def signing_in_at(jp_server_config: dict, issuer: IssuerProcess, **settings) -> dict:
    """The server's config with OIDC sign-in at `issuer` (more OIDCIdentityProvider settings in
    `settings`)."""
    return {
        **jp_server_config,
        "ServerApp": {
            **jp_server_config["ServerApp"],
            "identity_provider_class": "jupyter_rbac.identity.OIDCIdentityProvider",
        },
        "OIDCIdentityProvider": {
            "issuer": issuer.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            **settings,
        },
    }


async def sign_in(jp_fetch, issuer, name: str) -> BrowserSession:
    """The authorization-code flow, as a browser follows it."""
    issuer.steer("next-user", {"name": name})
    browser = BrowserSession(jp_fetch)
    to_issuer = await browser.get("login", params={"next": "/a%40b/lab"})
    assert to_issuer.code == 302 and to_issuer.headers["Location"].startswith(issuer.issuer)
    assert "code_challenge_method=S256" in to_issuer.headers["Location"]
    back = await AsyncHTTPClient().fetch(
        to_issuer.headers["Location"], follow_redirects=False, raise_error=False
    )
    callback = urlsplit(back.headers["Location"])
    assert callback.path.endswith("/rbac/oidc/callback")
    parts = callback.path.split("/")[2:]  # under the base_url
    params = dict(pair.split("=", 1) for pair in callback.query.split("&"))
    signed_in = await browser.get(*parts, params=params)
    assert signed_in.code == 302 and signed_in.headers["Location"] == "/a%40b/lab", signed_in.body
    return browser
